// TypeScript-only shapes through the tsc transformer: every fixtures/tsc/<case>/ (input.ts, optional
// case.json: { compilerOptions, openAtEnd, babelParserPlugins }) is compiled with TypeScript 5.9 and 6.0 at
// targets ES2015 and ES2022, and checked:
//   sites.json  golden of the site table (UPDATE_GOLDEN=1 rewrites it), the same for every compiler and
//               target, and the same as the Babel plugin's table for the same source
//   behaviour   instrumented and plain builds give the same run() result; the probe log keeps the stack
//               discipline and leaves only `openAtEnd` frames open (abandoned generators); trace.txt, where the
//               case has one (create it empty, then UPDATE_GOLDEN=1), is the golden of the probe events, the
//               same for every compiler and target
//   source map  every identifier the plain build maps back to the .ts source is mapped to the same place
//               in the instrumented build (the probes do not shift user code in the map)
//   TS 7 path   tsc emits JS and a source map, the Babel plugin instruments that JS with `inputSourceMap`:
//               the site table points at the .ts lines (sites.json again), unless case.json says why not
//               (`ts7PathSkipped`: lowered decorators are helper functions of tsc's, which that path instruments too)
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { transformSync } from "@babel/core";
import { TraceMap, eachMapping } from "@jridgewell/trace-mapping";
import type * as ts from "typescript";
import type { ModuleSites } from "@tsprof/instrument";
import { createProbeLog, observeRun, runInFreshContext } from "@tsprof/instrument/testing";
import { tsprofTransformer } from "@tsprof/ts-transformer";
import { assertGolden } from "./helpers/golden";
import { repoRoot } from "./helpers/cli";
import tsprofPlugin = require("@tsprof/babel-plugin");

interface CaseSettings {
  compilerOptions?: Record<string, unknown>;
  openAtEnd?: number;
  babelParserPlugins?: unknown[];
  /** Why the TypeScript 7 path test does not apply (tsc's own emitted helpers would be instrumented too). */
  ts7PathSkipped?: string;
}

const fixturesDir = join(repoRoot, "fixtures", "tsc");
const compilers: { label: string; ts: typeof ts; options: ts.CompilerOptions }[] = [
  { label: "TS 5.9", ts: require("typescript") as typeof ts, options: {} },
  { label: "TS 6.0", ts: require("typescript6") as typeof ts, options: {} },
];
const targets = ["ES2015", "ES2022"] as const;

/** One site per line, as fixtures/transform/*\/sites.json. */
function formatSites(table: ModuleSites | undefined): string {
  if (!table) return "null\n";
  return `{\n  "file": ${JSON.stringify(table.file)},\n  "sites": [\n${table.sites.map((site) => `    ${JSON.stringify(site)}`).join(",\n")}\n  ]\n}\n`;
}

interface Compiled {
  code: string;
  map: string;
  table: ModuleSites | undefined;
}

function compile(tsApi: typeof ts, source: string, filename: string, caseDir: string, compilerOptions: ts.CompilerOptions, instrument: boolean): Compiled {
  let table: ModuleSites | undefined;
  const before = instrument
    ? [tsprofTransformer(undefined, { runtime: "global", root: caseDir }, { ts: tsApi, onModule: (_file, result) => (table = typeof result === "string" ? undefined : result) })]
    : [];
  const output = tsApi.transpileModule(source, {
    fileName: filename,
    compilerOptions: { module: tsApi.ModuleKind.CommonJS, sourceMap: true, ...compilerOptions },
    transformers: { before },
  });
  return { code: output.outputText.replace(/\/\/# sourceMappingURL=.*\n?$/, ""), map: output.sourceMapText!, table };
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*/;

/**
 * `line:column name` for every identifier of the emitted code that the map sends to the same identifier in
 * the .ts source (TypeScript's helpers, mapped to the code they lower, are left out, and so are the probes).
 */
function correctlyMappedIdentifiers(compiled: Compiled, source: string): Set<string> {
  const lines = compiled.code.split("\n");
  const originalLines = source.split("\n");
  const out = new Set<string>();
  eachMapping(new TraceMap(compiled.map), (mapping) => {
    if (mapping.originalLine === null || mapping.originalColumn === null) return;
    const name = IDENTIFIER.exec(lines[mapping.generatedLine - 1]?.slice(mapping.generatedColumn) ?? "")?.[0];
    const original = IDENTIFIER.exec(originalLines[mapping.originalLine - 1]?.slice(mapping.originalColumn) ?? "")?.[0];
    if (name && name === original) out.add(`${mapping.originalLine}:${mapping.originalColumn} ${name}`);
  });
  return out;
}

for (const name of existsSync(fixturesDir) ? readdirSync(fixturesDir).sort() : []) {
  const caseDir = join(fixturesDir, name);
  const filename = join(caseDir, "input.ts");
  if (!existsSync(filename)) continue;
  const source = readFileSync(filename, "utf8");
  const settings = (existsSync(join(caseDir, "case.json")) ? JSON.parse(readFileSync(join(caseDir, "case.json"), "utf8")) : {}) as CaseSettings;

  test(`tsc fixture ${name}: site table (golden, every compiler and target, same as Babel's)`, () => {
    const first = compile(compilers[0].ts, source, filename, caseDir, { target: compilers[0].ts.ScriptTarget.ES2022, ...settings.compilerOptions }, true);
    assertGolden(formatSites(first.table), join(caseDir, "sites.json"));
    for (const { label, ts: tsApi, options } of compilers) {
      for (const target of targets) {
        const compiled = compile(tsApi, source, filename, caseDir, { ...options, target: tsApi.ScriptTarget[target], ...settings.compilerOptions }, true);
        assert.deepEqual(compiled.table, first.table, `${label} ${target}`);
      }
    }
    const babel = transformSync(source, {
      filename,
      cwd: caseDir,
      babelrc: false,
      configFile: false,
      parserOpts: { plugins: ["typescript", ...((settings.babelParserPlugins ?? []) as never[])] },
      plugins: [[tsprofPlugin, { runtime: "global" }]],
    })!;
    assert.deepEqual((babel.metadata as { tsprof?: ModuleSites }).tsprof, first.table, "Babel's table");
  });

  for (const { label, ts: tsApi, options } of compilers) {
    for (const target of targets) {
      const compilerOptions = { ...options, target: tsApi.ScriptTarget[target], ...(settings.compilerOptions as ts.CompilerOptions) };
      test(`tsc fixture ${name}: ${label} ${target} behaves like the plain build, probes balance, source map holds`, async () => {
        const plain = compile(tsApi, source, filename, caseDir, compilerOptions, false);
        const instrumented = compile(tsApi, source, filename, caseDir, compilerOptions, true);
        const expected = await observeRun(runInFreshContext(plain.code, filename));
        const log = createProbeLog();
        const actual = await observeRun(runInFreshContext(instrumented.code, filename, { __tsprof: log.entry }));
        assert.equal(actual, expected);
        assert.ok(log.events.length > 0, "probes ran");
        assert.deepEqual(log.violations, []);
        assert.deepEqual(log.stack(), []);
        assert.equal(log.openFrames().length, settings.openAtEnd ?? 0, `open frames: ${JSON.stringify(log.openFrames())}`);
        const trace = join(caseDir, "trace.txt");
        if (existsSync(trace)) assertGolden(`${log.events.join("\n")}\n`, trace);
        // Every identifier the plain build maps right is mapped right in the instrumented build.
        const plainMapped = correctlyMappedIdentifiers(plain, source);
        const instrumentedMapped = correctlyMappedIdentifiers(instrumented, source);
        assert.ok(plainMapped.size > 20);
        assert.deepEqual([...plainMapped].filter((mapping) => !instrumentedMapped.has(mapping)), []);
      });
    }
  }

  test(`tsc fixture ${name}: TypeScript 7 path (tsc JS + source map, then the Babel plugin) names the .ts lines`, { skip: settings.ts7PathSkipped }, () => {
    const tsApi = compilers[0].ts;
    const plain = compile(tsApi, source, filename, caseDir, { target: tsApi.ScriptTarget.ES2022, ...(settings.compilerOptions as ts.CompilerOptions) }, false);
    const jsFile = join(caseDir, "input.js");
    const inputSourceMap = { ...JSON.parse(plain.map), sources: ["input.ts"] };
    const babel = transformSync(plain.code, { filename: jsFile, cwd: caseDir, babelrc: false, configFile: false, inputSourceMap, plugins: [[tsprofPlugin, { runtime: "global" }]] })!;
    const table = (babel.metadata as { tsprof?: ModuleSites }).tsprof;
    assertGolden(formatSites(table), join(caseDir, "sites.json"));
  });
}
