// The transformer through ts-loader (webpack) and ts-jest: examples/webpack-ts-loader and
// examples/jest-ts-jest build and run with the real tools, and their profiles name the `.ts` sites
// with the calls the programs make.
//
// Times come from the tick clock (TSPROF_CLOCK=tick: every reading advances 0.001 s), so every time
// is a whole number of ticks and no test depends on the wall clock.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, tsprof } from "./helpers/cli";

interface ProfileFile {
  meta: { clock?: string; pid?: number };
  functions: { name: string; qualifiedName: string; file: string; line: number; column: number }[];
  stats: { function: number; calls: number; primitiveCalls: number; selfTime: number; totalTime: number }[];
  edges: { caller: number; callee: number; calls: number; primitiveCalls: number }[];
}

const webpackExample = join(repoRoot, "examples", "webpack-ts-loader");
const jestExample = join(repoRoot, "examples", "jest-ts-jest");

/** The folder of an installed package, or undefined (the tests then skip, saying which is missing). */
function installedPackageDir(name: string): string | undefined {
  try {
    return join(require.resolve(`${name}/package.json`, { paths: [repoRoot] }), "..");
  } catch {
    return undefined;
  }
}

function missingTools(names: string[]): string | undefined {
  const missing = names.filter((name) => installedPackageDir(name) === undefined);
  return missing.length === 0 ? undefined : `not installed: ${missing.join(", ")} (npm install at the repository root)`;
}

/** Plain `node ARGS` in `cwd` with `env` added; colours off so output can be compared under CI=true. */
function runNode(args: string[], cwd: string, env: Record<string, string>): SpawnSyncReturns<string> {
  const result = spawnSync(process.execPath, args, {
    cwd,
    env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1", ...env },
    encoding: "utf8",
    input: "",
    timeout: 120_000,
  });
  if (result.error) throw result.error;
  return result;
}

function readProfile(path: string): ProfileFile {
  return JSON.parse(readFileSync(path, "utf8")) as ProfileFile;
}

/** `file:line:column calls/primitiveCalls` of every function that ran, by qualified name. */
function rows(profile: ProfileFile): Record<string, string> {
  const out: Record<string, string> = {};
  for (const stats of profile.stats) {
    const f = profile.functions[stats.function];
    out[f.qualifiedName] = `${f.file}:${f.line}:${f.column} ${stats.calls}/${stats.primitiveCalls}`;
  }
  return out;
}

function edgeCalls(profile: ProfileFile, caller: string, callee: string): string | undefined {
  const index = (name: string) => profile.functions.findIndex((f) => f.qualifiedName === name);
  const edge = profile.edges.find((e) => e.caller === index(caller) && e.callee === index(callee));
  return edge === undefined ? undefined : `${edge.calls}/${edge.primitiveCalls}`;
}

/** Every time is a whole number of 0.001 s ticks: the tick clock ran, not the wall clock. */
function assertTickTimes(profile: ProfileFile): void {
  assert.equal(profile.meta.clock, "tick");
  for (const stats of profile.stats) {
    for (const time of [stats.selfTime, stats.totalTime]) {
      assert.ok(Math.abs(time * 1000 - Math.round(time * 1000)) < 1e-6, `${time} is a whole number of ticks`);
    }
  }
}

/** Rows of examples/webpack-ts-loader's profile. */
const WEBPACK_ROWS = {
  // Hand-checked against src/: three add() calls chained on one catalog, one skus() and a
  // fetchPrice() + quantity() per item, the size getter once; countLeaves visits the 6 nodes of the
  // tree (shop, tools, hammers, saws, garden, seeds) from one outside call. Columns: `export `
  // takes 7, so exported functions start at column 8; methods are indented by 2.
  main: "src/main.ts:14:1 1/1",
  "Catalog.add": "src/catalog.ts:5:3 3/3",
  "Catalog.quantity": "src/catalog.ts:10:3 3/3",
  "get Catalog.size": "src/catalog.ts:14:3 1/1",
  "Catalog.skus": "src/catalog.ts:18:3 1/1",
  fetchPrice: "src/prices.ts:6:8 3/3",
  stockValue: "src/prices.ts:13:8 1/1",
  countLeaves: "src/tree.ts:7:8 6/1",
};

/** Builds the webpack config at `process.argv[1]` with ts-loader's transpileOnly (an empty program: files are transpiled one by one) into `process.argv[2]`. */
const BUILD_TRANSPILE_ONLY = `
const exampleRequire = require("node:module").createRequire(process.argv[1]);
const webpack = exampleRequire("webpack");
const config = exampleRequire(process.argv[1]);
config.module.rules[0].options.transpileOnly = true;
config.output.path = process.argv[2];
webpack(config, (error, stats) => {
  if (error) throw error;
  console.log(stats.toString({ colors: false, preset: "minimal" }));
  if (stats.hasErrors()) process.exitCode = 1;
});
`;

test("examples/webpack-ts-loader: bundled by webpack with ts-loader, run with plain node, profiled", (t) => {
  const missing = missingTools(["webpack", "ts-loader"]);
  if (missing) return t.skip(missing);
  rmSync(join(webpackExample, "dist"), { recursive: true, force: true });
  const build = runNode(["build.js"], webpackExample, {});
  assert.equal(build.status, 0, `${build.stdout}${build.stderr}`);
  assert.match(build.stdout, /compiled successfully/);
  assert.doesNotMatch(build.stdout, /WARNING/);

  const work = mkdtempSync(join(tmpdir(), "tsprof-webpack-"));
  const profilePath = join(work, "bundle.tsprof.json");
  const run = runNode([join("dist", "main.js")], webpackExample, { TSPROF_CLOCK: "tick", TSPROF_OUTPUT: profilePath });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, "3 items in 3 categories, worth 57.50\n");
  assert.equal(run.stderr, "");
  const profile = readProfile(profilePath);
  assert.deepEqual(rows(profile), WEBPACK_ROWS);
  // cProfile's edge rule: a recursive edge is primitive when that caller→callee pair was not
  // already active: shop→tools and shop→garden (2 of the 5).
  assert.equal(edgeCalls(profile, "countLeaves", "countLeaves"), "5/2");
  assert.equal(edgeCalls(profile, "main", "countLeaves"), "1/1");
  assert.equal(edgeCalls(profile, "stockValue", "fetchPrice"), "3/3");
  assert.equal(edgeCalls(profile, "main", "stockValue"), "1/1");
  // The catch callback never ran: no row.
  assert.equal(profile.stats.length, 8);
  assertTickTimes(profile);
  rmSync(work, { recursive: true, force: true });
});

test("examples/webpack-ts-loader with transpileOnly: files transpiled one by one, the same sites and counts", (t) => {
  const missing = missingTools(["webpack", "ts-loader"]);
  if (missing) return t.skip(missing);
  const work = mkdtempSync(join(tmpdir(), "tsprof-webpack-transpile-"));
  // Built from another directory: the site paths must not depend on the cwd.
  const build = runNode(["-e", BUILD_TRANSPILE_ONLY, join(webpackExample, "webpack.config.js"), join(work, "dist")], work, {});
  assert.equal(build.status, 0, `${build.stdout}${build.stderr}`);
  assert.match(build.stdout, /compiled successfully/);
  const profilePath = join(work, "bundle.tsprof.json");
  const run = runNode([join(work, "dist", "main.js")], work, { TSPROF_CLOCK: "tick", TSPROF_OUTPUT: profilePath });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, "3 items in 3 categories, worth 57.50\n");
  // Paths stay relative to the tsconfig's directory (ts-loader's compiler options name it).
  assert.deepEqual(rows(readProfile(profilePath)), WEBPACK_ROWS);
  rmSync(work, { recursive: true, force: true });
});

/** Rows of examples/jest-ts-jest's profile (both test files), checked by hand against src/. */
const JEST_ROWS = {
  // words.test.ts: splitWords once directly, once per addText (2), once per file read (2).
  splitWords: "src/words.ts:14:8 5/5",
  // The filter callback once per split piece: 5 ("the cat, the hat!" ends in an empty piece),
  // 5 ("a rose is a rose"), 2 ("is it"), 2 ("one two"), 1 ("three").
  "(anonymous)": "src/words.ts:15:53 15/15",
  "WordCounter.addText": "src/words.ts:5:3 2/2",
  "WordCounter.count": "src/words.ts:9:3 2/2",
  countWordsInFiles: "src/words.ts:28:8 1/1",
  // segmentations.test.ts: "penpineapple" → "pineapple" → "apple" → "" and "pineapple" → "",
  // 5 calls from 1 outside call; "xyz" has no dictionary prefix, 1 call.
  segmentations: "src/words.ts:19:8 6/2",
};

test("examples/jest-ts-jest: ts-jest's astTransformers instrument the module under test, written at jest's exit", (t) => {
  const missing = missingTools(["jest", "ts-jest", "jest-environment-node"]);
  if (missing) return t.skip(missing);
  const jestBin = join(installedPackageDir("jest")!, "bin", "jest.js");
  const work = mkdtempSync(join(tmpdir(), "tsprof-jest-"));
  const run = runNode([jestBin, "--runInBand", "--ci", "--cacheDirectory", join(work, "cache")], jestExample, {
    TSPROF_CLOCK: "tick",
    TSPROF_OUTPUT: join(work, "jest-%p.tsprof.json"),
  });
  assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
  assert.match(run.stderr, /^PASS src\/words\.test\.ts\b/m);
  assert.match(run.stderr, /^PASS src\/segmentations\.test\.ts\b/m);
  assert.match(run.stderr, /^Tests: {7}5 passed, 5 total$/m);
  // --runInBand: one process ran both test files (two module registries), one file named by its pid.
  const written = readdirSync(work).filter((name) => name.endsWith(".tsprof.json"));
  assert.deepEqual(written, [`jest-${run.pid}.tsprof.json`]);
  const profile = readProfile(join(work, written[0]));
  assert.deepEqual(rows(profile), JEST_ROWS);
  // Test files are excluded by the astTransformers entry: every site is in src/words.ts.
  assert.deepEqual([...new Set(profile.functions.map((f) => f.file))], ["src/words.ts"]);
  assert.equal(edgeCalls(profile, "segmentations", "segmentations"), "4/1");
  assert.equal(edgeCalls(profile, "WordCounter.addText", "splitWords"), "2/2");
  assertTickTimes(profile);
  rmSync(work, { recursive: true, force: true });
});

test("examples/jest-ts-jest with two workers: one profile per worker, merged by tsprof stats", (t) => {
  const missing = missingTools(["jest", "ts-jest", "jest-environment-node"]);
  if (missing) return t.skip(missing);
  const jestBin = join(installedPackageDir("jest")!, "bin", "jest.js");
  const work = mkdtempSync(join(tmpdir(), "tsprof-jest-workers-"));
  // A fresh cache has no test timings, so jest does not fall back to running in band.
  const run = runNode([jestBin, "--maxWorkers=2", "--ci", "--cacheDirectory", join(work, "cache")], jestExample, {
    TSPROF_CLOCK: "tick",
    TSPROF_OUTPUT: join(work, "jest-%p.tsprof.json"),
  });
  assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
  assert.match(run.stderr, /^Tests: {7}5 passed, 5 total$/m);
  const written = readdirSync(work)
    .filter((name) => name.endsWith(".tsprof.json"))
    .map((name) => join(work, name));
  // Each worker that ran a test file wrote its own file; the parent process ran no test file.
  assert.ok(written.length >= 1 && written.length <= 2, `${written.length} profiles`);
  assert.equal(written.includes(join(work, `jest-${run.pid}.tsprof.json`)), false);
  const merged = tsprof(["stats", ...written, "--json"]);
  assert.equal(merged.status, 0, merged.stderr);
  const table = JSON.parse(merged.stdout) as { totalCalls: number; primitiveCalls: number; functions: { name: string; file: string; line: number; calls: number; primitiveCalls: number }[] };
  const mergedRows: Record<string, string> = {};
  for (const f of table.functions) mergedRows[f.name] = `${f.file}:${f.line} ${f.calls}/${f.primitiveCalls}`;
  const expected: Record<string, string> = {};
  for (const [name, row] of Object.entries(JEST_ROWS)) expected[name] = row.replace(/^(\S+):(\d+):\d+ /, "$1:$2 ");
  assert.deepEqual(mergedRows, expected);
  assert.equal(table.totalCalls, 31);
  assert.equal(table.primitiveCalls, 27);
  rmSync(work, { recursive: true, force: true });
});

test("examples/jest-ts-jest without its test environment: the tests pass but no profile is written (why the environment exists)", (t) => {
  const missing = missingTools(["jest", "ts-jest"]);
  if (missing) return t.skip(missing);
  const jestBin = join(installedPackageDir("jest")!, "bin", "jest.js");
  const work = mkdtempSync(join(tmpdir(), "tsprof-jest-plain-"));
  const run = runNode([jestBin, "--runInBand", "--ci", "--testEnvironment", "node", "--cacheDirectory", join(work, "cache")], jestExample, {
    TSPROF_CLOCK: "tick",
    TSPROF_OUTPUT: join(work, "jest-%p.tsprof.json"),
  });
  assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
  assert.match(run.stderr, /^Tests: {7}5 passed, 5 total$/m);
  // Each test file's runtime hooked the `exit` of its own vm context's process object, which never fires.
  assert.deepEqual(readdirSync(work).filter((name) => name.endsWith(".tsprof.json")), []);
  rmSync(work, { recursive: true, force: true });
});

test("examples/jest-ts-jest's profile script, run twice, reports one run's calls each time (the last run's files are removed first)", () => {
  // The recipe itself, with a stand-in for jest (one profile per run under a new name, as jest's
  // pid differs from run to run) and the real tsprof. Before, the glob of the second run found the
  // first run's jest-<pid>.tsprof.json as well and the table counted every call twice (62 for 31).
  const script = (JSON.parse(readFileSync(join(jestExample, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.profile!;
  const work = mkdtempSync(join(tmpdir(), "tsprof-jest-recipe-"));
  writeFileSync(join(work, "main.js"), "function f() {}\nfor (let i = 0; i < 3; i++) f();\n");
  const recorded = join(work, "recorded.tsprof.json");
  const run = tsprof(["run", "-o", recorded, "main.js"], { cwd: work });
  assert.equal(run.status, 0, run.stderr);
  const bin = join(work, "bin");
  const project = join(work, "project");
  mkdirSync(bin);
  mkdirSync(project);
  const fakeJest = `#!${process.execPath}\nrequire("fs").copyFileSync(${JSON.stringify(recorded)}, process.env.TSPROF_OUTPUT.replace("%p", String(process.pid)));\n`;
  writeFileSync(join(bin, "jest"), fakeJest, { mode: 0o755 });
  symlinkSync(join(repoRoot, "packages", "cli", "bin", "tsprof.js"), join(bin, "tsprof"));
  const totals: string[] = [];
  for (let i = 0; i < 2; i++) {
    const result = spawnSync("sh", ["-c", script], {
      cwd: project,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` },
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    totals.push(/(\d+) function calls/.exec(result.stdout)?.[1] ?? result.stdout);
  }
  const once = /(\d+) function calls/.exec(tsprof(["stats", recorded]).stdout)?.[1];
  assert.equal(once, "3");
  assert.deepEqual(totals, [once, once]);
  assert.equal(readdirSync(project).filter((name) => name.endsWith(".tsprof.json")).length, 1);
  rmSync(work, { recursive: true, force: true });
});
