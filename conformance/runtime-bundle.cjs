// Bundles @tsprof/runtime/probe (built dist) into one script statement that defines globalThis.__tsprof.
//
// test262 runs each test as a classic script inside a `vm` context, so the runtime cannot be
// `require`d by the instrumented code: it is inlined ahead of it instead. The bundle is a tiny
// CommonJS loader over the runtime's and @tsprof/format's compiled files:
//
//   ;(function () {
//     var process = <the host's process, when the script can reach it>, setImmediate = <the host's>;
//     var definitions = { "runtime/probe.js": function (module, exports, require) { … }, … };
//     …load("runtime/probe.js");
//   })();
//
// Node built-ins go to the ambient `require` (test262's node host passes it into the context);
// `process` and `setImmediate` (globals of any Node module, absent from a bare vm context) come
// from the same place, so the real exit hooks run and the profile is written. `Buffer` does not:
// the format package imports it (fixtures/transparency/runtime-without-buffer).
"use strict";
const { readFileSync } = require("node:fs");
const { dirname, join, relative, resolve } = require("node:path");

const vm = require("node:vm");

const DEFAULT_PACKAGES_DIR = resolve(__dirname, "..", "packages");
const REQUIRE_CALL = /\brequire\("([^"]+)"\)/g;

/**
 * The bundle's source text: one expression statement, no global bindings besides globalThis.__tsprof.
 * `packagesDir` holds the built runtime and format packages (default: this checkout's packages/).
 */
function buildRuntimeBundle(packagesDir = DEFAULT_PACKAGES_DIR) {
  // Workspace packages the runtime reaches at load time, by name → dist folder.
  const workspaceDist = {
    "@tsprof/format": join(packagesDir, "format/dist"),
    "@tsprof/runtime": join(packagesDir, "runtime/dist"),
  };
  // Resolves a specifier seen in a bundled file to a file we bundle, or undefined (left to the ambient require).
  const resolveBundled = (fromFile, specifier) => {
    if (specifier.startsWith("./") || specifier.startsWith("../")) {
      const base = resolve(dirname(fromFile), specifier);
      return base.endsWith(".js") ? base : `${base}.js`;
    }
    const dist = workspaceDist[specifier];
    return dist === undefined ? undefined : join(dist, "index.js");
  };
  // Module ids are paths relative to packagesDir ("runtime/dist/probe.js"): stable, so the bundle is deterministic.
  const moduleId = (file) => relative(packagesDir, file).split("\\").join("/");
  const ENTRY = join(workspaceDist["@tsprof/runtime"], "probe.js");
  const definitions = new Map();
  const pending = [ENTRY];
  while (pending.length > 0) {
    const file = pending.pop();
    const id = moduleId(file);
    if (definitions.has(id)) continue;
    let source = readFileSync(file, "utf8").replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n");
    source = source.replace(REQUIRE_CALL, (call, specifier) => {
      const target = resolveBundled(file, specifier);
      if (target === undefined) return call;
      pending.push(target);
      return `require(${JSON.stringify(moduleId(target))})`;
    });
    definitions.set(id, source);
  }
  const entries = [...definitions.keys()]
    .sort()
    .map((id) => `${JSON.stringify(id)}: function (module, exports, require) {\n${definitions.get(id)}\n}`);
  return `;(function () {
var ambientRequire = typeof require === "function" ? require : undefined;
var process = typeof globalThis.process === "object" ? globalThis.process : ambientRequire ? ambientRequire("process") : undefined;
var setImmediate = typeof globalThis.setImmediate === "function" ? globalThis.setImmediate : ambientRequire ? ambientRequire("timers").setImmediate : undefined;
var definitions = {
${entries.join(",\n")}
};
var cache = Object.create(null);
function load(id) {
  if (cache[id]) return cache[id].exports;
  var definition = definitions[id];
  if (definition === undefined) {
    if (ambientRequire === undefined) throw new Error("tsprof runtime bundle: no require for " + id);
    return ambientRequire(id);
  }
  var module = { exports: {} };
  cache[id] = module;
  definition.call(module.exports, module, module.exports, load);
  return module.exports;
}
load(${JSON.stringify(moduleId(ENTRY))});
})();
`;
}

/**
 * Loads the bundle in a fresh vm context (no process: browser mode, nothing hooked in this process),
 * registers one site, calls it, and checks the snapshot counted the call. Throws one line if not:
 * a runtime that does not record would make every "instrumented" test262 figure meaningless.
 */
function checkRuntimeBundle(bundle) {
  const { performance } = require("node:perf_hooks");
  const context = vm.createContext({ performance, require: (id) => (id === "process" ? undefined : require(id)) });
  try {
    vm.runInContext(bundle, context);
    const handle = vm.runInContext('__tsprof.module("check.js", [["f", "", 1, 1, 0]])', context);
    handle.exit(handle.enter(0));
    const profile = vm.runInContext("__tsprof.snapshot()", context);
    const calls = profile && profile.stats.length === 1 ? profile.stats[0].calls : 0;
    if (calls !== 1) throw new Error(`one call of f recorded as ${calls}`);
  } catch (error) {
    throw new Error(`the runtime bundle does not record: ${String(error && error.message).split("\n")[0]}`);
  }
}

/**
 * Runs the bundle file the way test262's node host runs a test (a child process, a vm context that
 * has only `require`), records one call and exits: the profile must appear at `profilePath` and
 * nothing may reach stderr. Throws one line if not (a runtime that cannot write at exit fails
 * every instrumented test with "could not write the profile").
 */
function checkBundleWritesProfile(bundlePath, profilePath) {
  const { spawnSync } = require("node:child_process");
  const { existsSync } = require("node:fs");
  const script = `const vm = require("node:vm");
const context = vm.createContext({ require });
vm.runInContext(require("node:fs").readFileSync(${JSON.stringify(bundlePath)}, "utf8"), context);
vm.runInContext('var h = __tsprof.module("check.js", [["f", "", 1, 1, 0]]); h.exit(h.enter(0));', context);`;
  const result = spawnSync(process.execPath, ["-e", script], {
    encoding: "utf8",
    timeout: 60000,
    env: { ...process.env, TSPROF_OUTPUT: profilePath },
  });
  const problem =
    result.status !== 0 ? `exit status ${result.status}` : result.stderr !== "" ? result.stderr.trim().split("\n")[0] : !existsSync(profilePath) ? "no profile written" : "";
  if (problem) throw new Error(`the runtime bundle does not write its profile at exit: ${problem}`);
}

module.exports = { buildRuntimeBundle, checkRuntimeBundle, checkBundleWritesProfile };
