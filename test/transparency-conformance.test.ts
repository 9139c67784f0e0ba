// The test262 runner's parts, checked without test262 (CI has none): preprocessor, runtime bundle, exclusion list.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import vm from "node:vm";
import { repoRoot } from "./helpers/cli";

interface Test262Test {
  file: string;
  scenario: string;
  attrs: { flags: Record<string, boolean>; negative?: { phase: string; type: string } };
  contents: string;
}

const work = mkdtempSync(join(tmpdir(), "tsprof-conformance-test-"));
const logPath = join(work, "log.jsonl");
process.env.TSPROF_CONFORMANCE_LOG = logPath;
process.env.TSPROF_TEST262_ROOT = work;
const preprocess = require(join(repoRoot, "conformance", "instrument-preprocessor.cjs")) as (test: Test262Test) => Test262Test;
test.after(() => rmSync(work, { recursive: true, force: true }));

/** Runs a preprocessed test the way test262's node host does (a vm context with `require`), minus the host's process. */
function runLikeHost(code: string): vm.Context {
  const context = vm.createContext({ performance, require: (id: string) => (id === "process" ? undefined : require(id)) });
  vm.runInContext(code, context);
  return context;
}

function lastLogEntry(): { status: string; reason?: string } {
  const lines = readFileSync(logPath, "utf8").trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

// Shape of a strict-scenario test: test262-stream puts the directive before the harness includes.
const STRICT_TEST = `"use strict";
function assertStrict() { return this === undefined; }
class Counter { #n = 0; inc() { return ++this.#n; } }
var counter = new Counter();
counter.inc();
var result = { strict: assertStrict(), count: counter.inc() };
`;

test("conformance preprocessor: the directive prologue stays first, the runtime records, the test behaves the same", () => {
  const processed = preprocess({ file: "test/strict.js", scenario: "strict mode", attrs: { flags: {} }, contents: STRICT_TEST });
  assert.match(processed.contents, /^"use strict";\n/);
  assert.equal(lastLogEntry().status, "instrumented");
  const context = runLikeHost(processed.contents);
  assert.deepEqual({ ...context.result }, { strict: true, count: 2 });
  const profile = vm.runInContext("__tsprof.snapshot()", context) as { functions: { qualifiedName: string }[]; stats: { function: number; calls: number }[] };
  const calls = Object.fromEntries(profile.stats.map((row) => [profile.functions[row.function].qualifiedName, row.calls]));
  assert.deepEqual(calls, { assertStrict: 1, "Counter.inc": 2 });
  assert.equal(Object.keys(context).includes("__tsprof"), false, "the probe entry is not an enumerable global");
});

test("conformance preprocessor: raw tests are left exactly as written", () => {
  const contents = "function f() {}\n";
  const processed = preprocess({ file: "test/raw.js", scenario: "raw", attrs: { flags: { raw: true } }, contents });
  assert.equal(processed.contents, contents);
  assert.equal(lastLogEntry().status, "raw");
});

test("conformance preprocessor: a test Babel cannot parse runs unchanged, and the fallback is logged", () => {
  const contents = "function f() {}\nvar a = 1 +;\n";
  const processed = preprocess({ file: "test/negative.js", scenario: "default", attrs: { flags: {} }, contents });
  assert.equal(processed.contents, contents);
  const entry = lastLogEntry();
  assert.equal(entry.status, "parse-error");
  assert.match(entry.reason ?? "", /Unexpected token/);

  const negative = { phase: "parse", type: "SyntaxError" };
  preprocess({ file: "test/negative.js", scenario: "default", attrs: { flags: {}, negative }, contents });
  assert.equal(lastLogEntry().status, "negative-syntax-test");
});

test("conformance exclusions: every line of conformance/exclusions.txt names a pattern and a justification", async () => {
  const runner = (await import(pathToFileURL(join(repoRoot, "conformance", "run.mjs")).href)) as {
    readExclusions(file: string): { pattern: string; reason: string; test(path: string): boolean }[];
  };
  const exclusions = runner.readExclusions(join(repoRoot, "conformance", "exclusions.txt"));
  for (const exclusion of exclusions) {
    assert.ok(exclusion.reason.length > 10, `${exclusion.pattern}: justification too short`);
    assert.match(exclusion.pattern, /^test\//);
  }
});

test("conformance runtime bundle: loaded in a vm context with only require, it records and writes its profile at exit", () => {
  const bundleModule = require(join(repoRoot, "conformance", "runtime-bundle.cjs")) as {
    buildRuntimeBundle(): string;
    checkBundleWritesProfile(bundlePath: string, profilePath: string): void;
  };
  const bundlePath = join(work, "runtime-bundle.js");
  writeFileSync(bundlePath, bundleModule.buildRuntimeBundle());
  bundleModule.checkBundleWritesProfile(bundlePath, join(work, "check.tsprof.json"));
  const profile = JSON.parse(readFileSync(join(work, "check.tsprof.json"), "utf8")) as { stats: { calls: number }[] };
  assert.deepEqual(profile.stats.map((row) => row.calls), [1]);
});

/** The summary JSON both conformance runners write (the fields these tests read). */
function readRunnerSummary(path: string): {
  testRuns: number;
  passedPlain: number;
  passedInstrumented: number;
  transform: Record<string, number>;
  profilesWritten: number;
  regressions: number;
  regressionsExcluded: number;
  failPlain: string[];
} {
  return JSON.parse(readFileSync(path, "utf8"));
}

test("conformance module runner: module tests run as ES modules, fixtures and cross-folder imports copied, verdicts as INTERPRETING.md says, a regression found and excluded", () => {
  const miniTest262 = join(repoRoot, "fixtures", "transparency", "module-test262");
  const summaryPath = join(work, "modules.json");
  const exclusionsPath = join(work, "module-exclusions.txt");
  const run = () =>
    spawnSync(process.execPath, [join(repoRoot, "conformance", "module-run.mjs"), "--test262", miniTest262, "--out", summaryPath, "--exclusions", exclusionsPath], {
      encoding: "utf8",
      timeout: 120_000,
    });
  writeFileSync(exclusionsPath, "# none\n");
  const unexcused = run();
  assert.equal(unexcused.status, 1, unexcused.stderr);
  assert.match(unexcused.stdout, /REGRESSION test\/language\/module-code\/function-as-property-key\.js \(module\)/);

  writeFileSync(exclusionsPath, "test/language/module-code/function-as-property-key.js  # a function's source text as a property key: instrumented functions differ by their probes\n");
  const excused = run();
  assert.equal(excused.status, 0, excused.stdout + excused.stderr);
  const summary = readRunnerSummary(summaryPath);
  // 8 module tests (the script in the folder is not one); fails-plain.js fails both ways.
  assert.equal(summary.testRuns, 8);
  assert.equal(summary.passedPlain, 7);
  assert.equal(summary.passedInstrumented, 6);
  assert.deepEqual(summary.transform, { instrumented: 7, "negative-parse-error": 1 });
  // Every instrumented test that gets to evaluate writes its profile, uncaught exceptions included
  // (missing-import.js stops at link time, before any module runs).
  assert.equal(summary.profilesWritten, 6);
  assert.equal(summary.regressions, 1);
  assert.equal(summary.regressionsExcluded, 1);
  assert.deepEqual(summary.failPlain.map((line) => line.split(":")[0]), ["test/language/module-code/fails-plain.js"]);
});

test("conformance module runner --scripts: script tests as classic scripts of the main realm, each scenario, import() of a module fixture included", () => {
  const miniTest262 = join(repoRoot, "fixtures", "transparency", "module-test262");
  const summaryPath = join(work, "scripts.json");
  const result = spawnSync(
    process.execPath,
    [join(repoRoot, "conformance", "module-run.mjs"), "--scripts", "--test262", miniTest262, "--out", summaryPath, "test/language/module-code"],
    { encoding: "utf8", timeout: 120_000 },
  );
  assert.equal(result.status, 0, result.stdout + result.stderr);
  const summary = readRunnerSummary(summaryPath);
  // script-in-module-folder.js and script-dynamic-import.js, sloppy and strict each.
  assert.equal(summary.testRuns, 4);
  assert.equal(summary.passedPlain, 4, summary.failPlain.join("\n"));
  assert.equal(summary.passedInstrumented, 4);
  assert.deepEqual(summary.transform, { instrumented: 4 });
  assert.equal(summary.profilesWritten, 4, "the preloaded runtime records the script and the imported fixture, and writes at exit");
  assert.equal(summary.regressions, 0);
});

test("conformance quick scan: a promise a test leaves rejected unhandled is that test's result, and the scan goes on to its summary", () => {
  const miniTest262 = join(repoRoot, "fixtures", "transparency", "module-test262");
  const result = spawnSync(process.execPath, [join(repoRoot, "conformance", "quick-scan.cjs"), "--test262", miniTest262, "test/staging"], {
    encoding: "utf8",
    timeout: 120_000,
  });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.equal(result.stderr, "");
  // Three scripts, sloppy and strict each: the two that reject after running fail plain (so they are
  // no difference), the one after them passes both ways.
  assert.deepEqual(JSON.parse(result.stdout.split("\n")[0]), { paths: ["test/staging"], ran: 6, passedPlain: 2, differences: 0 });
});
