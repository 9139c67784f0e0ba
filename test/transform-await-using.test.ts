// `await using` through the Babel plugin next to @babel/plugin-transform-explicit-resource-management (as
// `tsprof run` and users' Babel configs lower it for Node 20), listed before or after tsprof: the program of
// fixtures/tsc/await-using/ (one and two resources, a disposal that throws, null and undefined, a sync-only
// disposable, blocks left by break, a throw and return, nested blocks) behaves as the build without tsprof,
// its probes balance, and the awaits with which the lowered block disposes of its resources are suspensions
// of the async function: the same probe events as tsc's lowering gives (that fixture's trace.txt).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { transformSync, type PluginItem } from "@babel/core";
import { createProbeLog, observeRun, runInFreshContext } from "@tsprof/instrument/testing";
import { assertGolden } from "./helpers/golden";
import { repoRoot } from "./helpers/cli";
import tsprofPlugin = require("@tsprof/babel-plugin");

const caseDir = join(repoRoot, "fixtures", "tsc", "await-using");
const filename = join(caseDir, "input.ts");
const source = readFileSync(filename, "utf8");
const explicitResourceManagement = require.resolve("@babel/plugin-transform-explicit-resource-management");
const modulesCommonjs = require.resolve("@babel/plugin-transform-modules-commonjs");
const tsprof: PluginItem = [tsprofPlugin, { runtime: "global" }];

function compile(plugins: PluginItem[]): string {
  return transformSync(source, {
    filename,
    cwd: caseDir,
    babelrc: false,
    configFile: false,
    presets: [require.resolve("@babel/preset-typescript")],
    plugins: [...plugins, modulesCommonjs],
  })!.code!;
}

for (const [order, plugins] of [
  ["tsprof first", [tsprof, explicitResourceManagement]],
  ["explicit-resource-management first", [explicitResourceManagement, tsprof]],
] as [string, PluginItem[]][]) {
  test(`await using, ${order}: behaves like the build without tsprof, the disposal's awaits are suspensions`, async () => {
    const expected = await observeRun(runInFreshContext(compile([explicitResourceManagement]), filename));
    const log = createProbeLog();
    const actual = await observeRun(runInFreshContext(compile(plugins), filename, { __tsprof: log.entry }));
    assert.equal(actual, expected);
    assert.deepEqual(log.violations, []);
    assert.deepEqual(log.stack(), []);
    assert.deepEqual(log.openFrames(), []);
    assertGolden(`${log.events.join("\n")}\n`, join(caseDir, "trace.txt"));
  });
}

test("await using: the disposal's await is wrapped once, and the lowered finally block re-activates the frame first", () => {
  const code = compile([tsprof, explicitResourceManagement]);
  const one = code.slice(code.indexOf("async function one("), code.indexOf("async function two("));
  assert.match(one, /finally \{\s*_tsprof\$h\.resume\(_tsprof\$t\);\s*_tsprof\$h\.resume\(_tsprof\$t, await _tsprof\$h\.suspend\(_tsprof\$t, _usingCtx\.d\(\)\)\);\s*\}/);
  assert.equal(one.match(/suspend\(/g)?.length, 1);
});
