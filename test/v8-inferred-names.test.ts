// Function names against V8 itself: fixtures/transform/inferred-through-operators runs under plain node
// with V8's precise coverage (NODE_V8_COVERAGE), whose every function carries V8's debug name, the one
// Chrome DevTools and `node --cpu-prof` show (the `.name`, else the name V8's parser inferred). Each site of
// the Babel plugin's table, of the tsc transformer's, and each row of a `tsprof run` profile must carry the
// name V8 gives the function at that line and column, so the expectations are Node's own, not ours.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { transformSync } from "@babel/core";
import type * as ts from "typescript";
import type { ModuleSites } from "@tsprof/instrument";
import { tsprofTransformer } from "@tsprof/ts-transformer";
import { repoRoot, tsprof } from "./helpers/cli";
import tsprofPlugin = require("@tsprof/babel-plugin");

const fixture = join(repoRoot, "fixtures", "transform", "inferred-through-operators", "input.js");

/** A scratch copy of the fixture as program.cjs, with a driver that calls its run(). */
function scratchCopy(): { dir: string; program: string; driver: string } {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-v8-names-"));
  const program = join(dir, "program.cjs");
  copyFileSync(fixture, program);
  const driver = join(dir, "driver.cjs");
  writeFileSync(driver, 'require("./program.cjs").run();\n');
  return { dir, program, driver };
}

/** "line:column" (1-based, as site tables count) → V8's debug name, for every function of the program. */
function v8Names(): Map<string, string> {
  const { dir, program, driver } = scratchCopy();
  const coverage = join(dir, "coverage");
  const run = spawnSync(process.execPath, [driver], { env: { ...process.env, NODE_V8_COVERAGE: coverage }, encoding: "utf8", timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  const source = readFileSync(program, "utf8");
  const position = (offset: number): string => {
    const before = source.slice(0, offset);
    const lineStart = before.lastIndexOf("\n") + 1;
    return `${before.split("\n").length}:${offset - lineStart + 1}`;
  };
  const names = new Map<string, string>();
  for (const file of readdirSync(coverage)) {
    const { result } = JSON.parse(readFileSync(join(coverage, file), "utf8")) as {
      result: { url: string; functions: { functionName: string; ranges: { startOffset: number }[] }[] }[];
    };
    for (const script of result.filter((entry) => entry.url === pathToFileURL(program).href)) {
      for (const fn of script.functions) {
        // The module's own top-level code: not a function of the source.
        if (fn.ranges[0].startOffset === 0 && fn.functionName === "") continue;
        names.set(position(fn.ranges[0].startOffset), fn.functionName === "" ? "(anonymous)" : fn.functionName);
      }
    }
  }
  assert.ok(names.size > 50, `V8 reported ${names.size} functions`);
  return names;
}

const expected = v8Names();

/** The sites whose name differs from V8's (or that V8 does not know), one line each. */
function mismatches(sites: { name: string; line: number; column: number }[]): string[] {
  const out: string[] = [];
  for (const site of sites) {
    const v8 = expected.get(`${site.line}:${site.column}`);
    if (v8 !== site.name) out.push(`${site.line}:${site.column} tsprof ${JSON.stringify(site.name)}, V8 ${v8 === undefined ? "has no function here" : JSON.stringify(v8)}`);
  }
  return out;
}

const asSites = (table: ModuleSites | undefined) => (table?.sites ?? []).map(([name, , line, column]) => ({ name, line, column }));

test("Babel plugin: every site carries V8's name for the function at its position", () => {
  const source = readFileSync(fixture, "utf8");
  const result = transformSync(source, { filename: fixture, babelrc: false, configFile: false, sourceType: "script", plugins: [[tsprofPlugin, { runtime: "global" }]] })!;
  const sites = asSites((result.metadata as { tsprof?: ModuleSites }).tsprof);
  assert.ok(sites.length > 50);
  assert.deepEqual(mismatches(sites), []);
});

test("tsc transformer: every site carries V8's name for the function at its position", () => {
  const tsApi = require("typescript") as typeof ts;
  const source = readFileSync(fixture, "utf8");
  let table: ModuleSites | undefined;
  const transformer = tsprofTransformer(undefined, { runtime: "global", root: join(fixture, "..") }, {
    ts: tsApi,
    onModule: (_file, result) => (table = typeof result === "string" ? undefined : result),
  });
  tsApi.transpileModule(source, {
    fileName: fixture,
    compilerOptions: { target: tsApi.ScriptTarget.ES2022, module: tsApi.ModuleKind.CommonJS, allowJs: true },
    transformers: { before: [transformer] },
  });
  const sites = asSites(table);
  assert.ok(sites.length > 50);
  assert.deepEqual(mismatches(sites), []);
});

test("tsprof run: the profile's rows carry V8's names (TypeScript's helpers and polyfills are no longer (anonymous))", () => {
  const { dir, driver } = scratchCopy();
  const out = join(dir, "profile.tsprof.json");
  const run = tsprof(["run", "-o", out, driver], { cwd: dir });
  assert.equal(run.status, 0, run.stderr);
  const profile = JSON.parse(readFileSync(out, "utf8")) as { functions: { name: string; file: string; line: number; column: number }[] };
  const rows = profile.functions.filter((fn) => fn.file.endsWith("program.cjs"));
  const names = rows.map((fn) => fn.name);
  for (const name of ["__helper", "__binding", "present.polyfill", "Legacy.speak"]) assert.ok(names.includes(name), `${name} in ${names.join(", ")}`);
  assert.deepEqual(mismatches(rows), []);
});
