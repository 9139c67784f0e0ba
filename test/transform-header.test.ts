// The module header through Babel: how an instrumented file loads the runtime, and how a second pass
// recognises it. A header inside a wrapper (UMD, AMD, SystemJS, a bundle's module function, minified
// names) still marks the file as instrumented; the package type comes before the parse; a plugin that
// makes the output an ES module after Program.enter gets the import header; the global and import styles
// never crash without the runtime; a require that fails says so once; importStyle "import" in a script is
// refused; the first statement's own comments stay on it.
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
