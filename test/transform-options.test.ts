// Plugin options through Babel: validation errors, how the header reaches the runtime (importStyle,
// runtime), the ambiguous-module fallback that never crashes, root, include/exclude (relative and absolute), metadata, and
// idempotence after other plugins rewrote the instrumented output.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { transformFileSync, transformSync, type TransformOptions } from "@babel/core";
import { createProbeLog, observeRun, runInFreshContext } from "@tsprof/instrument/testing";
import type { ModuleSites } from "@tsprof/instrument";
import { repoRoot } from "./helpers/cli";
import tsprofPlugin = require("@tsprof/babel-plugin");

const project = "/project";

function instrument(code: string, pluginOptions: Record<string, unknown>, options: TransformOptions = {}) {
  return transformSync(code, {
    filename: `${project}/src/a.js`,
    cwd: project,
    babelrc: false,
    configFile: false,
    plugins: [[tsprofPlugin, pluginOptions]],
    ...options,
  })!;
}

test("an unknown or ill-typed option fails the build with one line naming it", () => {
  for (const [options, pattern] of [
    [{ inclde: "src/**" }, /tsprof: unknown option "inclde" \(known options: include, exclude, root, runtime, importStyle, onError\)/],
    [{ importStyle: "esm" }, /tsprof: option "importStyle" must be one of "auto", "import", "require", "global", got "esm"/],
  ] as const) {
    assert.throws(() => instrument("f()", options), (error: Error) => pattern.test(error.message) && !error.message.includes("\n"));
  }
});

/**
 * A pattern over instrumented output where `<tag>` stands for the module's tag (the accessor is `_tsprof$<tag>`,
 * the handle `_tsprof$<tag>$m`): eight base-36 digits, the same at every occurrence.
 */
function tagged(source: string): RegExp {
  let first = true;
  return new RegExp(
    source.replace(/<tag>/g, () => {
      if (!first) return "\\k<tag>";
      first = false;
      return "(?<tag>[0-9a-z]{8})";
    }),
  );
}

test("the plugin is usable by its short name from the repository root", () => {
  const result = transformSync("function f() {}", { filename: `${repoRoot}/a.js`, cwd: repoRoot, babelrc: false, configFile: false, plugins: ["@tsprof"] })!;
  assert.match(result.code!, tagged(String.raw`function _tsprof\$<tag>\(\) [^]*const _tsprof\$h = typeof _tsprof\$<tag> === "function" \? _tsprof\$<tag>\(\) : function \(\) \{[^]*\}\(\);\n  const _tsprof\$t = _tsprof\$h\.enter\(0\);`));
});

const headers: [string, Record<string, unknown>, TransformOptions, RegExp][] = [
  ["import", { importStyle: "import" }, {}, tagged(String.raw`^import \* as _tsprof\$<tag>\$rt from "@tsprof\/runtime\/probe";\nvar _tsprof\$<tag>\$m;\nfunction _tsprof\$<tag>\(\) \{\n  if \(_tsprof\$<tag>\$m\) return _tsprof\$<tag>\$m;\n  var entry = typeof _tsprof\$<tag>\$rt\.module === "function" \? _tsprof\$<tag>\$rt : globalThis\.__tsprof;\n  return entry \? _tsprof\$<tag>\$m = entry\.module\("src\/a\.js", `)],
  ["require", { importStyle: "require" }, {}, tagged(String.raw`^var _tsprof\$<tag>\$m;\nfunction _tsprof\$<tag>\(\) \{\n  return _tsprof\$<tag>\$m \|\| \(_tsprof\$<tag>\$m = require\("@tsprof\/runtime\/probe"\)\.module\(`)],
  ["global style", { importStyle: "global" }, {}, tagged(String.raw`var entry = globalThis\.__tsprof;\n  return entry \? _tsprof\$<tag>\$m = entry\.module\(`)],
  ["global runtime", { runtime: "global", importStyle: "import" }, {}, tagged(String.raw`^var _tsprof\$<tag>\$m;\nfunction _tsprof\$<tag>\(\) \{\n  if \(_tsprof\$<tag>\$m\) return _tsprof\$<tag>\$m;\n  var entry = globalThis\.__tsprof;\n  return entry \? _tsprof\$<tag>\$m = entry\.module\(`)],
  ["custom specifier", { importStyle: "require", runtime: "/abs/probe.js" }, {}, /require\("\/abs\/probe\.js"\)/],
  ["auto, .mjs", {}, { filename: `${project}/src/a.mjs` }, tagged(String.raw`^import \* as _tsprof\$<tag>\$rt from`)],
  ["auto, .mts", {}, { filename: `${project}/src/a.mts`, parserOpts: { plugins: ["typescript"] } }, tagged(String.raw`^import \* as _tsprof\$<tag>\$rt from`)],
  ["auto, .cjs", {}, { filename: `${project}/src/a.cjs` }, tagged(String.raw`^var _tsprof\$<tag>\$m;\nfunction _tsprof\$<tag>\(\) \{\n  return _tsprof\$<tag>\$m \|\| \(_tsprof\$<tag>\$m = require\(`)],
  ["auto, has export", {}, { sourceType: "module" }, tagged(String.raw`^import \* as _tsprof\$<tag>\$rt from`)],
  ["auto, script", {}, { sourceType: "script" }, tagged(String.raw`^var _tsprof\$<tag>\$m;\nfunction _tsprof\$<tag>\(\) \{\n  return _tsprof\$<tag>\$m \|\| \(_tsprof\$<tag>\$m = require\(`)],
  ["auto, unambiguous without import/export", {}, { sourceType: "unambiguous" }, tagged(String.raw`_tsprof\$<tag>\$m = require\(`)],
  ["auto, module without import/export", {}, { sourceType: "module" }, /if \(typeof require === "function"\) \{\n    try \{\n      entry = require\("@tsprof\/runtime\/probe"\);/],
];

for (const [label, pluginOptions, options, header] of headers) {
  test(`header, ${label}`, () => {
    const code = label === "auto, has export" ? "export function f() {}" : "function f() {}";
    assert.match(instrument(code, pluginOptions, options).code!, header);
  });
}

test("header, auto, a module without import/export in a package of type module: import (Node runs it as an ES module, without require)", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-esm-package-"));
  try {
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    mkdirSync(join(dir, "src"));
    const options = { filename: join(dir, "src", "main.js"), cwd: dir, sourceType: "module" as const };
    assert.match(instrument("function f() {}", {}, options).code!, tagged(String.raw`^import \* as _tsprof\$<tag>\$rt from "@tsprof\/runtime\/probe";`));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "cjs" }));
    const other = mkdtempSync(join(tmpdir(), "tsprof-cjs-package-"));
    writeFileSync(join(other, "package.json"), JSON.stringify({ name: "cjs" }));
    assert.match(instrument("function f() {}", {}, { filename: join(other, "main.js"), cwd: other, sourceType: "module" }).code!, /typeof require === "function"/);
    rmSync(other, { recursive: true, force: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("ambiguous modules never crash for want of the runtime: require, else the global, else a no-op", async () => {
  const code = instrument("exports.run = function run() { return [1, 2].map((x) => x * 2); };", {}, { sourceType: "module" }).code!;
  const plain = await observeRun(runInFreshContext(code, "a.js"));
  assert.equal(plain, JSON.stringify({ returned: [2, 4] }, null, 1));
  const failingRequire = () => {
    throw new Error("Cannot find module");
  };
  assert.equal(await observeRun(runInFreshContext(code, "a.js", { require: failingRequire })), plain);
  const log = createProbeLog();
  assert.equal(await observeRun(runInFreshContext(code, "a.js", { __tsprof: log.entry })), plain);
  assert.deepEqual(log.events, ["enter run #1", "enter (anonymous) #2", "exit (anonymous) #2", "enter (anonymous) #3", "exit (anonymous) #3", "exit run #1"]);
  const viaRequire = createProbeLog();
  const requireRuntime = (specifier: string) => (specifier === "@tsprof/runtime/probe" ? viaRequire.entry : failingRequire());
  assert.equal(await observeRun(runInFreshContext(code, "a.js", { require: requireRuntime })), plain);
  assert.equal(viaRequire.events.length, 6);
});

test("root: site-table paths are relative to it (default: Babel's cwd), with / separators", () => {
  const meta = (result: ReturnType<typeof instrument>) => (result.metadata as unknown as { tsprof: ModuleSites }).tsprof;
  assert.equal(meta(instrument("function f() {}", {})).file, "src/a.js");
  assert.equal(meta(instrument("function f() {}", { root: "/project/src" })).file, "a.js");
  assert.equal(meta(instrument("function f() {}", { root: "src" })).file, "a.js");
  assert.equal(meta(instrument("function f() {}", {}, { filename: "/elsewhere/b.js" })).file, "../elsewhere/b.js");
  assert.deepEqual(meta(instrument("function f() {}", {}, { filename: undefined })), { file: "<unknown>", sites: [["f", "", 1, 1, 0]] });
});

test("include / exclude decide per file; node_modules is out unless included by name", () => {
  const instrumented = (filename: string, options: Record<string, unknown>) => /\.enter\(/.test(instrument("function f() {}", options, { filename }).code!);
  assert.equal(instrumented(`${project}/src/a.js`, { include: "src/**" }), true);
  assert.equal(instrumented(`${project}/lib/a.js`, { include: "src/**" }), false);
  assert.equal(instrumented(`${project}/src/a.test.js`, { exclude: ["**/*.test.js"] }), false);
  assert.equal(instrumented(`${project}/node_modules/dep/index.js`, {}), false);
  assert.equal(instrumented(`${project}/node_modules/dep/index.js`, { include: ["node_modules/dep/**"] }), true);
});

test("absolute include / exclude (path.join(__dirname, …), as Babel's only/ignore accept) are matched against the absolute path, inside the root or outside it", () => {
  const instrumented = (filename: string, options: Record<string, unknown>) => /\.enter\(/.test(instrument("function f() {}", options, { filename }).code!);
  // Babel's cwd here is /project, not the process's: the globs are resolved against the file's own root.
  assert.equal(instrumented(`${project}/src/a.js`, { include: `${project}/src` }), true);
  assert.equal(instrumented(`${project}/lib/a.js`, { include: `${project}/src` }), false);
  assert.equal(instrumented(`${project}/src/a.js`, { include: [`${project}/src/**/*.js`] }), true);
  assert.equal(instrumented(`${project}/src/a.js`, { exclude: `${project}/src` }), false);
  assert.equal(instrumented(`${project}/lib/a.js`, { exclude: `${project}/src` }), true);
  assert.equal(instrumented("/elsewhere/lib/a.js", { include: ["/elsewhere/lib", "src/**"] }), true);
  assert.equal(instrumented("/elsewhere/other/a.js", { include: ["/elsewhere/lib", "src/**"] }), false);
});

test("include / exclude written through a symlinked folder name its files, whether Babel gets the linked filename (its CLI) or the real one (@babel/register)", () => {
  const root = mkdtempSync(join(tmpdir(), "tsprof-babel-link-"));
  try {
    mkdirSync(join(root, "proj", "src"), { recursive: true });
    writeFileSync(join(root, "proj", "src", "a.js"), "function f() {}\n");
    symlinkSync("proj", join(root, "projlink"));
    const instrumented = (filename: string, options: Record<string, unknown>) =>
      /\.enter\(/.test(instrument("function f() {}", options, { filename, cwd: root }).code!);
    for (const filename of [join(root, "proj", "src", "a.js"), join(root, "projlink", "src", "a.js")]) {
      assert.equal(instrumented(filename, { include: "projlink/**" }), true, filename);
      assert.equal(instrumented(filename, { include: join(root, "projlink", "src") }), true, filename);
      assert.equal(instrumented(filename, { include: "proj/**" }), true, filename);
      assert.equal(instrumented(filename, { include: "projlink/lib/**" }), false, filename);
      assert.equal(instrumented(filename, { exclude: "projlink/src/a.js" }), false, filename);
      assert.equal(instrumented(filename, { exclude: "proj/src/a.js" }), false, filename);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("relative include / exclude in a package's .babelrc are relative to that file's folder, as Babel's only / ignore beside them, from whatever cwd Babel runs in", () => {
  const root = mkdtempSync(join(tmpdir(), "tsprof-babel-mono-"));
  try {
    const app = join(root, "packages", "app");
    mkdirSync(join(app, "src"), { recursive: true });
    writeFileSync(join(root, "babel.config.json"), JSON.stringify({ babelrcRoots: ["packages/*"] }));
    writeFileSync(join(app, "package.json"), "{}");
    const plugin = require.resolve("@tsprof/babel-plugin");
    writeFileSync(join(app, ".babelrc.json"), JSON.stringify({ only: ["./src"], plugins: [[plugin, { include: "src", exclude: "src/*.test.js" }]] }));
    writeFileSync(join(app, "src", "a.js"), "function f() {}\n");
    writeFileSync(join(app, "src", "a.test.js"), "function f() {}\n");
    const instrumented = (cwd: string, file: string) => {
      const result = transformFileSync(join(app, "src", file), { cwd })!;
      return /\.enter\(/.test(result.code!);
    };
    for (const cwd of [root, app]) {
      assert.equal(instrumented(cwd, "a.js"), true, `from ${cwd}`);
      assert.equal(instrumented(cwd, "a.test.js"), false, `from ${cwd}`);
    }
    // Site-table paths stay relative to Babel's cwd (the default root).
    const fromRoot = transformFileSync(join(app, "src", "a.js"), { cwd: root })!;
    assert.equal((fromRoot.metadata as unknown as { tsprof: ModuleSites }).tsprof.file, "packages/app/src/a.js");
    // An explicit root still decides what relative globs are relative to.
    writeFileSync(join(app, ".babelrc.json"), JSON.stringify({ only: ["./src"], plugins: [[plugin, { include: "src", root }]] }));
    assert.equal(instrumented(root, "a.js"), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a file without functions is left as it is, with an empty site table", () => {
  const result = instrument("const x = 1;", {});
  assert.equal(result.code, "const x = 1;");
  assert.deepEqual((result.metadata as unknown as { tsprof: ModuleSites }).tsprof, { file: "src/a.js", sites: [] });
});

test("idempotent after other plugins rewrote the output (preset-env, ES modules to CommonJS)", () => {
  const source = "export async function f(x) { for await (const y of x) { await y; } }\nexport const g = () => class { m() {} };";
  const lowered = transformSync(source, {
    filename: `${project}/src/a.js`,
    cwd: project,
    babelrc: false,
    configFile: false,
    presets: [[require.resolve("@babel/preset-env"), { targets: { ie: "11" } }]],
    plugins: [[tsprofPlugin, {}]],
  })!.code!;
  const again = instrument(lowered, {}, { sourceType: "script" });
  // Compared with a plain Babel pass over the same text (Babel reprints: blank lines may move).
  const reprinted = transformSync(lowered, { filename: `${project}/src/a.js`, cwd: project, babelrc: false, configFile: false, sourceType: "script" })!.code;
  assert.equal(again.code, reprinted);
  // The second pass reports the site table it found, the same as the first pass's.
  assert.deepEqual((again.metadata as unknown as { tsprof?: ModuleSites }).tsprof, {
    file: "src/a.js",
    sites: [["f", "", 1, 8, 2], ["g", "", 2, 18, 0], ["m", "(anonymous).m", 2, 32, 0]],
  });
});

test("retainLines (as tsprof run uses it): every original line of code stays on its line number", () => {
  const source = ['"use strict";', "// comment", "", "function f(a) {", "  return a + 1;", "}", "const g = async () => {", "  await f(1);", '  throw new Error("x");', "};"];
  const output = instrument(source.join("\n"), {}, { retainLines: true, sourceType: "script" }).code!.split("\n");
  const expected: [number, string][] = [[1, '"use strict"'], [4, "function f(a)"], [5, "return a + 1"], [7, "const g = async"], [8, "await _tsprof$h.suspend(_tsprof$t, f(1))"], [9, 'throw new Error("x")']];
  for (const [line, text] of expected) assert.ok(output[line - 1].includes(text), `line ${line} should hold ${text}: ${output[line - 1]}`);
});
