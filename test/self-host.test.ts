// Self-hosting: tsprof's own unit tests (format, instrument, babel-plugin, stats, ts-transformer) run under `tsprof run` with those packages instrumented.
//
// `tsprof run` never instruments tsprof's own package folders (the runtime must not profile
// itself, and the format code it calls at exit must not record into it), so the five packages'
// built `dist/` are copied into a temp checkout laid out like this one:
//   packages/<name>/{package.json,dist}   the copies, instrumented through --include 'packages/**'
//   node_modules/@tsprof/<name>           links to those copies, so they import each other
//   node_modules/@tsprof/runtime, others  links to this repo's (never instrumented: node_modules)
//   fixtures                              link to this repo's fixtures (tests read them by relative path)
// The copies are module instances of their own: the runtime and the CLI keep using the real
// packages, so no probe can fire inside the runtime. One entry file requires every copied test
// file, so node:test runs them all in one process (one profile). It runs once plain (`node`) and
// once under `tsprof run`; both must pass the same tests, and the profile must count calls of
// every instrumented package's own code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Profile as ProfileData } from "@tsprof/format";
import { repoRoot, tsprofBin } from "./helpers/cli";

/** Packages whose code and tests run instrumented (never runtime or cli: they are tsprof itself at work). */
const INSTRUMENTED_PACKAGES = ["format", "instrument", "babel-plugin", "stats", "ts-transformer"];

/**
 * The packages' property tests draw a random seed per run; fixed here. Some seeds make a format
 * test recurse a few thousand levels deep, and the runtime then loses the profile at exit
 * (fixtures/transparency/deep-recursion-keeps-profile, a known runtime bug).
 */
const FAST_CHECK_SEED = 20261126;

interface SuiteRun {
  status: number | null;
  /** node:test's TAP totals ("# tests N", "# pass N", ...). */
  totals: Record<string, number>;
  /** Every test point, in order, without its number: "ok - name" / "not ok - name", indented as nested. */
  points: string[];
  /** Each failed point with the lines of its YAML block (the assertion, actual, expected): what a failure message needs. */
  failures: string;
  stderr: string;
}

function runSuite(args: string[], cwd: string): SuiteRun {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Under `node --test` this is set for the test file's process; a node:test program inheriting it
  // would report to a parent runner over a private protocol instead of printing TAP.
  delete env.NODE_TEST_CONTEXT;
  const result = spawnSync(process.execPath, args, { cwd, env, encoding: "utf8", timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  const totals: Record<string, number> = {};
  for (const match of result.stdout.matchAll(/^# (tests|suites|pass|fail|cancelled|skipped|todo) (\d+)$/gm)) totals[match[1]] = Number(match[2]);
  const points = result.stdout
    .split("\n")
    .map((line) => /^(\s*)(not ok|ok) \d+ - (.*)$/.exec(line))
    .filter((match) => match !== null)
    .map(([, indent, verdict, name]) => `${indent}${verdict} - ${name}`);
  const lines = result.stdout.split("\n");
  const failures = lines
    .flatMap((line, at) => (/^\s*not ok \d+ - /.test(line) ? [lines.slice(at, at + 30).join("\n")] : []))
    .join("\n");
  return { status: result.status, totals, points, failures, stderr: result.stderr };
}

/** The temp checkout described above; returns the entry file's name. */
function layOutCopies(work: string): string {
  const scoped = join(work, "node_modules", "@tsprof");
  mkdirSync(scoped, { recursive: true });
  for (const entry of readdirSync(join(repoRoot, "node_modules"))) {
    if (entry === "@tsprof" || entry === "tsprof") continue;
    symlinkSync(join(repoRoot, "node_modules", entry), join(work, "node_modules", entry));
  }
  for (const entry of readdirSync(join(repoRoot, "node_modules", "@tsprof"))) {
    const target = INSTRUMENTED_PACKAGES.includes(entry) ? join(work, "packages", entry) : join(repoRoot, "node_modules", "@tsprof", entry);
    symlinkSync(target, join(scoped, entry));
  }
  symlinkSync(join(repoRoot, "fixtures"), join(work, "fixtures"));
  const testFiles: string[] = [];
  for (const name of INSTRUMENTED_PACKAGES) {
    const from = join(repoRoot, "packages", name);
    cpSync(join(from, "package.json"), join(work, "packages", name, "package.json"));
    cpSync(join(from, "dist"), join(work, "packages", name, "dist"), { recursive: true, filter: (source) => !source.endsWith(".tsbuildinfo") });
    for (const file of readdirSync(join(from, "dist")).sort()) if (file.endsWith(".test.js")) testFiles.push(`packages/${name}/dist/${file}`);
  }
  const entry = "self-host-entry.cjs";
  // One fast-check seed for both runs: the same generated inputs plain and instrumented.
  const seed = `require("fast-check").configureGlobal({ seed: ${FAST_CHECK_SEED} });\n`;
  writeFileSync(join(work, entry), `"use strict";\n${seed}${testFiles.map((file) => `require("./${file}");\n`).join("")}`);
  return entry;
}

test("self-hosting: tsprof's own unit tests pass under `tsprof run` with format, instrument, babel-plugin, stats and ts-transformer instrumented", () => {
  const work = mkdtempSync(join(tmpdir(), "tsprof-self-host-"));
  try {
    const entry = layOutCopies(work);
    const plain = runSuite([entry], work);
    assert.equal(plain.status, 0, `plain run failed:\n${plain.failures}\n${plain.stderr}`);
    assert.ok(plain.totals.pass > 100, `plain run passed only ${plain.totals.pass} tests`);
    assert.equal(plain.totals.fail, 0);

    const profilePath = join(work, "self-host.tsprof.json");
    const instrumented = runSuite([tsprofBin, "run", "-o", profilePath, "--include", "packages/**", entry], work);
    assert.equal(instrumented.status, 0, `instrumented run failed:\n${instrumented.failures}\n${instrumented.stderr}`);
    assert.deepEqual(instrumented.totals, plain.totals);
    assert.deepEqual(instrumented.points, plain.points);
    assert.equal(instrumented.stderr, plain.stderr);

    const profile = JSON.parse(readFileSync(profilePath, "utf8")) as ProfileData;
    const callsByPackage = new Map<string, number>();
    const functionsByPackage = new Map<string, number>();
    for (const row of profile.stats) {
      const { file } = profile.functions[row.function];
      // Named by the TypeScript source when the dist file's source map points to it.
      const match = /^packages\/([^/]+)\/(?:dist|src)\/(.*)$/.exec(file);
      assert.ok(match && INSTRUMENTED_PACKAGES.includes(match[1]), `profiled function outside the instrumented copies: ${file}`);
      // Calls of the package's own code, not of its test files.
      if (/\.test\.[jt]s$/.test(match[2]) || row.calls === 0) continue;
      callsByPackage.set(match[1], (callsByPackage.get(match[1]) ?? 0) + row.calls);
      functionsByPackage.set(match[1], (functionsByPackage.get(match[1]) ?? 0) + 1);
    }
    console.log(
      `self-host: ${plain.totals.tests} tests, ${plain.totals.pass} pass plain and instrumented; calls of package code: ` +
        INSTRUMENTED_PACKAGES.map((name) => `${name} ${callsByPackage.get(name) ?? 0} (${functionsByPackage.get(name) ?? 0} functions)`).join(", "),
    );
    for (const name of INSTRUMENTED_PACKAGES) assert.ok((callsByPackage.get(name) ?? 0) > 0, `no call of @tsprof/${name}'s own code was counted`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
