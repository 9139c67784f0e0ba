// Babel plugin fixtures: every fixtures/transform/<case>/ (input.js or input.ts, optional options.json
// = plugin options, optional case.json = harness settings) is instrumented and checked four ways:
//   output.js   golden of the plugin's output (UPDATE_GOLDEN=1 rewrites it; read it before committing)
//   sites.json  golden of file.metadata.tsprof (names, qualified names, lines, columns, kinds)
//   idempotence instrumenting output.js again changes nothing
//   behaviour   the original and the instrumented code run in fresh vm contexts; `run()` gives the same
//               result, the probe events keep the stack discipline, every frame is exited (case.json
//               `openAtEnd` counts the allowed leftovers: abandoned generators); trace.txt is their golden.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { transformSync, type PluginItem } from "@babel/core";
import { createProbeLog, observeRun, runInFreshContext } from "@tsprof/instrument/testing";
import { assertGolden } from "./helpers/golden";
import { transformCases } from "./helpers/transform-cases";
import tsprofPlugin = require("@tsprof/babel-plugin");


const presetTypescript = require.resolve("@babel/preset-typescript");
const modulesCommonjs = require.resolve("@babel/plugin-transform-modules-commonjs");


/** One site per line: diffs of the golden show exactly which function changed. */
function formatSites(metadata: unknown): string {
  const table = metadata as { file: string; sites: unknown[] } | undefined;
  if (!table) return "null\n";
  return `{\n  "file": ${JSON.stringify(table.file)},\n  "sites": [\n${table.sites.map((site) => `    ${JSON.stringify(site)}`).join(",\n")}\n  ]\n}\n`;
}

for (const { name, caseDir, filename, source, typescript, settings, ...fixture } of transformCases()) {
  const pluginOptions = { runtime: "global", ...fixture.pluginOptions };
  const sourceType = settings.sourceType ?? "script";

  const instrumentOnly = (code: string) =>
    transformSync(code, {
      filename,
      cwd: caseDir,
      babelrc: false,
      configFile: false,
      sourceType,
      parserOpts: { plugins: typescript ? ["typescript"] : [] },
      plugins: [[tsprofPlugin, pluginOptions]],
    })!;

  /** The runnable program: TypeScript stripped, ES modules lowered, probes added when `instrument`. */
  const runnable = (instrument: boolean): string => {
    const plugins: PluginItem[] = instrument ? [[tsprofPlugin, pluginOptions]] : [];
    if (sourceType === "module") plugins.push(modulesCommonjs);
    return transformSync(source, {
      filename,
      cwd: caseDir,
      babelrc: false,
      configFile: false,
      sourceType,
      presets: typescript ? [presetTypescript] : [],
      plugins,
    })!.code!;
  };

  test(`transform fixture ${name}: output and site table`, () => {
    const result = instrumentOnly(source);
    assertGolden(`${result.code}\n`, join(caseDir, "output.js"));
    assertGolden(formatSites(result.metadata && (result.metadata as { tsprof?: unknown }).tsprof), join(caseDir, "sites.json"));
  });

  test(`transform fixture ${name}: instrumenting twice instruments once`, () => {
    const once = instrumentOnly(source);
    const twice = instrumentOnly(once.code!);
    assert.equal(twice.code, once.code);
    assert.deepEqual(twice.metadata && (twice.metadata as { tsprof?: unknown }).tsprof, once.metadata && (once.metadata as { tsprof?: unknown }).tsprof);
  });

  if (settings.run === false) continue;
  test(`transform fixture ${name}: behaves like the original, probes balance`, async () => {
    const expected = await observeRun(runInFreshContext(runnable(false), filename));
    const log = createProbeLog();
    const actual = await observeRun(runInFreshContext(runnable(true), filename, { __tsprof: log.entry }));
    assert.equal(actual, expected);
    assert.deepEqual(log.violations, []);
    assert.deepEqual(log.stack(), []);
    assert.equal(log.openFrames().length, settings.openAtEnd ?? 0, `open frames: ${JSON.stringify(log.openFrames())}`);
    const table = (instrumentOnly(source).metadata as { tsprof?: { sites: unknown[] } }).tsprof;
    assert.equal(log.events.length > 0, (table?.sites.length ?? 0) > 0, "probe calls happen exactly when the file has sites");
    assertGolden(`${log.events.join("\n")}\n`, join(caseDir, "trace.txt"));
  });
}
