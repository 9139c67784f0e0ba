// The plugin next to @babel/preset-typescript and @babel/preset-env (lowered to ES5: classes, regenerator
// for async and generators, for-await helpers), with the presets in either order: every runnable
// fixtures/transform/<case>/ still behaves like the original under the same presets, its probes balance,
// and each site gets the same probe calls as in the code without presets (trace.txt; only their
// interleaving may differ, as down-levelled async functions take other promise ticks). Where a preset
// order cannot compile a fixture even without tsprof (preset-env before TypeScript parameter
// properties), the instrumented build must fail the same way.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { transformSync, type PluginItem } from "@babel/core";
import { createProbeLog, observeRun, runInFreshContext } from "@tsprof/instrument/testing";
import { transformCases } from "./helpers/transform-cases";
import tsprofPlugin = require("@tsprof/babel-plugin");

const presetEnv: PluginItem = [require.resolve("@babel/preset-env"), { targets: { ie: "11" }, modules: "commonjs" }];
const presetTypescript: PluginItem = require.resolve("@babel/preset-typescript");

const presetOrders: [string, PluginItem[]][] = [
  ["preset-env, preset-typescript", [presetEnv, presetTypescript]],
  ["preset-typescript, preset-env", [presetTypescript, presetEnv]],
];

/** "enter f #3" → "enter f", sorted: which probe calls each site got, whatever their interleaving. */
function callsPerSite(events: string[]): string[] {
  return events.map((event) => event.replace(/ #\d+/, "")).sort();
}

for (const { name, caseDir, filename, source, settings, pluginOptions: options } of transformCases()) {
  if (settings.run === false) continue;
  const expectedTrace = readFileSync(join(caseDir, "trace.txt"), "utf8");

  for (const [label, presets] of presetOrders) {
    const compile = (instrument: boolean) =>
      transformSync(source, {
        filename,
        cwd: caseDir,
        babelrc: false,
        configFile: false,
        sourceType: settings.sourceType ?? "script",
        presets,
        plugins: instrument ? [[tsprofPlugin, { runtime: "global", ...options }]] : [],
      })!;

    test(`presets ${label}: ${name} behaves like the original, same probe calls`, async () => {
      let original: Record<string, unknown>;
      try {
        original = runInFreshContext(compile(false).code!, filename);
      } catch (error) {
        assert.throws(() => runInFreshContext(compile(true).code!, filename, { __tsprof: createProbeLog().entry }), { message: (error as Error).message });
        return;
      }
      const expected = await observeRun(original);
      const log = createProbeLog();
      const actual = await observeRun(runInFreshContext(compile(true).code!, filename, { __tsprof: log.entry }));
      assert.equal(actual, expected);
      assert.deepEqual(log.violations, []);
      assert.deepEqual(log.stack(), []);
      assert.equal(log.openFrames().length, settings.openAtEnd ?? 0);
      assert.deepEqual(callsPerSite(log.events), callsPerSite(expectedTrace.split("\n").filter((line) => line !== "")));
    });
  }
}
