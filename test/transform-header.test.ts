// The module header through Babel: how an instrumented file loads the runtime, and how a second pass
// recognises it. A header inside a wrapper (UMD, AMD, SystemJS, a bundle's module function, minified
// names) still marks the file as instrumented; the package type comes before the parse; a plugin that
// makes the output an ES module after Program.enter gets the import header; the global and import styles
// never crash without the runtime; a require that fails, or no require in an ES module, says so once;
// importStyle "import" in a script is refused; the first statement's own comments stay on it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import vm from "node:vm";
import { transformSync, types as t, type PluginObj, type PluginItem, type TransformOptions } from "@babel/core";
import { createProbeLog } from "@tsprof/instrument/testing";
import type { ModuleSites } from "@tsprof/instrument";
import { repoRoot } from "./helpers/cli";
import tsprofPlugin = require("@tsprof/babel-plugin");

const project = "/project";
const presetEnv = require.resolve("@babel/preset-env");
const istanbulPlugin = require.resolve("babel-plugin-istanbul");
/** The runtime entry by absolute path: the programs below run from a temporary folder. */
const runtimeEntry = join(repoRoot, "packages", "runtime", "dist", "probe.js");

function transform(code: string, options: TransformOptions) {
  return transformSync(code, { filename: `${project}/src/a.js`, cwd: project, babelrc: false, configFile: false, ...options })!;
}

const probes = (code: string) => (code.match(/\.enter\(/g) ?? []).length;
const sitesOf = (result: { metadata?: unknown }) => (result.metadata as { tsprof?: ModuleSites }).tsprof;

function inTempDir<T>(work: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-header-"));
  try {
    return work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runNode(file: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [file], { encoding: "utf8", timeout: 60_000, env: { ...process.env, ...env } });
  if (result.error) throw result.error;
  return result;
}

test("a second pass leaves a file alone wherever its header is: UMD, AMD, SystemJS output, a bundle's module function", () => {
  const source = "export function add(a, b) { return a + b; }\nconsole.log(add(1, 2));\n";
  for (const modules of ["commonjs", "umd", "amd", "systemjs"]) {
    const first = transform(source, { presets: [[presetEnv, { modules, targets: { node: "20" } }]], plugins: [tsprofPlugin] });
    const again = transform(first.code!, { filename: `${project}/dist/a.js`, plugins: [tsprofPlugin] });
    assert.equal(probes(again.code!), 1, modules);
    assert.deepEqual(sitesOf(again), { file: "src/a.js", sites: [["add", "", 1, 8, 0]] }, modules);
  }
  // webpack's development build: each module (the entry too) inside a function of the bundle.
  const first = transform("function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\n", { sourceType: "module", plugins: [tsprofPlugin] });
  const bundle = `(() => {\nvar __webpack_modules__ = {};\n(() => {\n${first.code}\n})();\n})();\n`;
  const again = transform(bundle, { filename: `${project}/dist/main.js`, plugins: [tsprofPlugin] });
  assert.equal(probes(again.code!), 1);
  assert.deepEqual(sitesOf(again), { file: "src/a.js", sites: [["fib", "", 1, 1, 0]] });
});

test("a minified bundle's header (names mangled, the typeof guard folded) still marks the file; an angular.module() call does not", () => {
  // What terser makes of webpack's production build of an instrumented entry (the bundled runtime left out).
  const minified =
    '(()=>{const e={};function n(s){return e[s]}var s;function i(){if(s)return s;var t;try{t=n(953)}catch(t){}return s=(t||globalThis.__tsprof||{module:function(){return{enter:function(){return 0},exit:function(){}}}}).module("src/main.js",[["fib","",1,1,0]])}i(),console.log(function t(e){const n=i(),s=n.enter(0);try{return e<2?e:t(e-1)+t(e-2)}finally{try{n.exit(s)}catch(t){}}}(10))})();';
  const again = transform(minified, { filename: `${project}/dist/main.js`, plugins: [tsprofPlugin] });
  assert.equal(probes(again.code!), 1);
  assert.deepEqual(sitesOf(again), { file: "src/main.js", sites: [["fib", "", 1, 1, 0]] });
  const angular = transform('angular.module("app", ["ngRoute"]).controller("Main", function () {});\n', { plugins: [tsprofPlugin] });
  assert.equal(probes(angular.code!), 1);
});

test('"type": "module": a .js without import/export parsed as unambiguous gets the import (and runs under node); one told to be a script gets the fallback', () => {
  inTempDir((dir) => {
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    const source = 'function greet(n) { return "hi " + n; }\nconsole.log(greet("esm"));\n';
    const options = (sourceType: "unambiguous" | "script"): TransformOptions => ({ filename: join(dir, "main.js"), cwd: dir, sourceType, plugins: [[tsprofPlugin, { runtime: runtimeEntry }]] });
    const unambiguous = transform(source, options("unambiguous")).code!;
    assert.match(unambiguous, /^import \* as _tsprof\$\w+\$rt from /);
    writeFileSync(join(dir, "main.js"), unambiguous);
    const output = join(dir, "out.tsprof.json");
    const run = runNode(join(dir, "main.js"), { TSPROF_OUTPUT: output });
    assert.equal(run.stderr, "");
    assert.equal(run.stdout, "hi esm\n");
    assert.match(readFileSync(output, "utf8"), /"name":\s*"greet"/);
    const script = transform(source, options("script")).code!;
    assert.doesNotMatch(script, /^import /m);
    assert.match(script, /if \(typeof require === "function"\)/);
  });
});

test("a plugin after tsprof that makes the output an ES module: the header loads the runtime by import, and the profile is written", () => {
  // As preset-react's automatic runtime or transform-runtime: an import added while the file is traversed.
  const addsImport = (): PluginObj => ({
    visitor: {
      CallExpression(path) {
        if (!t.isIdentifier(path.node.callee, { name: "join" }) || path.scope.hasBinding("join")) return;
        const program = path.findParent((parent) => parent.isProgram())!.node as t.Program;
        program.body.unshift(t.importDeclaration([t.importSpecifier(t.identifier("join"), t.identifier("join"))], t.stringLiteral("node:path")));
      },
    },
  });
  inTempDir((dir) => {
    const source = 'function where(a) { return join(a, "b"); }\nconsole.log(where("a"));\n';
    const result = transform(source, { filename: join(dir, "main.js"), cwd: dir, sourceType: "module", plugins: [[tsprofPlugin, { runtime: runtimeEntry }], addsImport] });
    assert.match(result.code!, /^import \* as _tsprof\$\w+\$rt from /m);
    assert.doesNotMatch(result.code!, /typeof require/);
    writeFileSync(join(dir, "main.mjs"), result.code!);
    const output = join(dir, "out.tsprof.json");
    const run = runNode(join(dir, "main.mjs"), { TSPROF_OUTPUT: output });
    assert.equal(run.stdout, "a/b\n");
    assert.match(readFileSync(output, "utf8"), /"name":\s*"where"/);
  });
});

test('runtime "global" before the runtime is loaded: calls run unrecorded, and are recorded once globalThis.__tsprof is there', () => {
  for (const pluginOptions of [{ runtime: "global" }, { importStyle: "global" }]) {
    const code = transform("exports.run = function run() { return 2; };\n", { sourceType: "module", plugins: [[tsprofPlugin, pluginOptions]] }).code!;
    const context = vm.createContext({});
    const module = { exports: {} as { run?: () => number } };
    (vm.runInContext(`(function (exports, module) {${code}\n})`, context) as (e: unknown, m: unknown) => void)(module.exports, module);
    assert.equal(module.exports.run!(), 2);
    const log = createProbeLog();
    context.__tsprof = log.entry;
    assert.equal(module.exports.run!(), 2);
    assert.deepEqual(log.events, ["enter run #1", "exit run #1"]);
  }
});

test("UMD output in a browser (no module system): the import header falls back to globalThis.__tsprof instead of throwing", () => {
  const code = transform("export function add(a, b) { return a + b; }\n", { presets: [[presetEnv, { modules: "umd", targets: { node: "20" } }]], plugins: [tsprofPlugin] }).code!;
  const log = createProbeLog();
  const context = vm.createContext({ __tsprof: log.entry });
  vm.runInContext(code, context);
  assert.equal(vm.runInContext("a.add(1, 2)", context), 3);
  assert.deepEqual(log.events, ["enter add #1", "exit add #1"]);
  // Without the runtime at all: unrecorded, no crash.
  const bare = vm.createContext({});
  vm.runInContext(code, bare);
  assert.equal(vm.runInContext("a.add(1, 2)", bare), 3);
});

test("CommonJS output where @tsprof/runtime is not installed: the program runs as it would, and one stderr line says why there is no profile", () => {
  inTempDir((dir) => {
    const instrument = (name: string, source: string) =>
      writeFileSync(join(dir, name), transform(source, { filename: join(dir, name), cwd: dir, sourceType: "module", plugins: [tsprofPlugin] }).code!);
    instrument("b.js", "exports.twice = function twice(x) { return 2 * x; };\n");
    instrument("a.js", 'const { twice } = require("./b.js");\nfunction main() { console.log(twice(2), twice(3)); }\nmain();\n');
    const run = runNode(join(dir, "a.js"));
    assert.equal(run.status, 0);
    assert.equal(run.stdout, "4 6\n");
    assert.equal(run.stderr, "tsprof: cannot load @tsprof/runtime/probe (MODULE_NOT_FOUND): the program runs without profiling\n");
  });
});

// Rollup's getBabelOutputPlugin gives Babel a chunk without a filename, and a script told to be one in a "type":
// "module" package runs as an ES module too: a module without import/export gets the require-or-global header,
// and in an ES module there is no require. It ran with no profile and not a word; it now says so, once per process.
test("a module without import/export run as an ES module without the runtime global: the program runs, and one stderr line says why there is no profile", () => {
  inTempDir((dir) => {
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    // As Rollup's output plugin hands its chunks over: no filename, sourceType "module".
    const chunk = (source: string) => transformSync(source, { babelrc: false, configFile: false, sourceType: "module", plugins: [tsprofPlugin] })!.code!;
    writeFileSync(join(dir, "main.js"), chunk('function f(n) { return n + 1; }\nconsole.log("f", f(1));\nimport("./b.js").then(() => console.log("f", f(2)));\n'));
    // A file told to be a script, which Node runs as an ES module in this package.
    const script = 'function g(n) { return 2 * n; }\nconsole.log("g", g(2));\n';
    writeFileSync(join(dir, "b.js"), transform(script, { filename: join(dir, "b.js"), cwd: dir, sourceType: "script", plugins: [tsprofPlugin] }).code!);
    const run = runNode(join(dir, "main.js"), { TSPROF_OUTPUT: join(dir, "out.tsprof.json") });
    assert.equal(run.stdout, "f 2\ng 4\nf 3\n");
    assert.equal(run.status, 0);
    assert.equal(run.stderr, "tsprof: cannot load @tsprof/runtime/probe (no require in an ES module): the program runs without profiling\n");
    // With the runtime's global there (the probe entry publishes it when loaded: here by --require, in a page
    // by a script), it is used, and nothing is said.
    const withGlobal = spawnSync(process.execPath, ["--require", runtimeEntry, join(dir, "main.js")], {
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, TSPROF_OUTPUT: join(dir, "out.tsprof.json") },
    });
    assert.equal(withGlobal.stderr, "");
    assert.equal(withGlobal.stdout, "f 2\ng 4\nf 3\n");
    assert.match(readFileSync(join(dir, "out.tsprof.json"), "utf8"), /"name":\s*"g"/);
  });
});

test('importStyle "import" in a file parsed as a script is refused with one line naming the option, whatever onError says', () => {
  for (const onError of ["throw", "skip"]) {
    assert.throws(
      () => transform("function f() { return 1; }\n", { sourceType: "script", plugins: [[tsprofPlugin, { importStyle: "import", onError }]] }),
      (error: Error) => /tsprof: option "importStyle": "import" .*sourceType "script"/.test(error.message) && !error.message.includes("\n"),
    );
  }
});

test("the first statement's own comments stay on it (istanbul ignore next, @ngInject); the file's opening comments stay at the top", () => {
  const source = "/* istanbul ignore next */\nfunction helper(x) { return x ? 1 : 2; }\nfunction used() { return helper(true); }\nused();\n";
  const functionsCovered = (plugins: PluginItem[]) => {
    let coverage: { fnMap: Record<string, { name: string }> } | undefined;
    const istanbul: PluginItem = [istanbulPlugin, { cwd: project, exclude: [], onCover: (_file: string, data: typeof coverage) => (coverage = data) }];
    transform(source, { plugins: plugins.map((plugin) => (plugin === "istanbul" ? istanbul : plugin)) });
    return Object.values(coverage!.fnMap).map((fn) => fn.name);
  };
  assert.deepEqual(functionsCovered(["istanbul"]), ["used"]);
  assert.deepEqual(functionsCovered([tsprofPlugin, "istanbul"]), ["used"]);
  assert.deepEqual(functionsCovered(["istanbul", tsprofPlugin]), ["used"]);

  const annotated = transform("/* @ngInject */\nfunction MainCtrl($scope) { $scope.ok = true; }\n", { plugins: [tsprofPlugin] }).code!;
  assert.match(annotated, /\/\* @ngInject \*\/\nfunction MainCtrl\(/);
  const licensed = transform("/*! my-lib v1 | MIT */\n// @flow\n// Helpers.\n\n/** Doubles. */\nfunction double(x) { return 2 * x; }\n", { plugins: [tsprofPlugin] }).code!;
  assert.match(licensed, /^\/\*! my-lib v1 \| MIT \*\/\n\/\/ @flow\n\/\/ Helpers\.\nvar _tsprof/);
  assert.match(licensed, /\n\/\*\* Doubles\. \*\/\nfunction double\(/);
});
