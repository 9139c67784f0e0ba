// Real packages with their own tests: qs and minimist, their sources instrumented, their tape suites unchanged.
//
// Each package is copied twice to a temp dir; in one copy its own source files (never its tests)
// go through the tsprof plugin with the real runtime (`require` of @tsprof/runtime/probe). Both
// copies run the package's tape suite; the instrumented run must pass exactly as the plain one
// does, and the profile written at exit must count calls of the package's functions.
// Test-only dependencies qs needs but this repo does not install come from
// fixtures/transparency/package-test-shims (same stand-ins for both runs; see its README).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Profile as ProfileData } from "@tsprof/format";
import { repoRoot } from "./helpers/cli";
import { instrumentSource } from "./helpers/transparency-instrument";

interface PackageCase {
  name: string;
  /** The package's own source files, relative to its folder (instrumented). */
  sources: string[];
  /** Functions (qualified name @ file) whose calls the profile must count. */
  mustCount: string[];
}

const CASES: PackageCase[] = [
  {
    name: "qs",
    sources: ["lib/formats.js", "lib/index.js", "lib/parse.js", "lib/stringify.js", "lib/utils.js"],
    mustCount: ["merge@lib/utils.js", "encode@lib/utils.js", "parseQueryStringValues@lib/parse.js"],
  },
  {
    name: "minimist",
    sources: ["index.js"],
    mustCount: ["setArg@index.js", "isNumber@index.js"],
  },
];

const tapeBin = join(dirname(require.resolve("tape/package.json")), "bin", "tape");
const runtimeEntry = require.resolve("@tsprof/runtime/probe");
const shimsDir = join(repoRoot, "fixtures", "transparency", "package-test-shims");

interface TapeRun {
  status: number | null;
  /** The TAP totals: "# tests N", "# pass N", "# fail N" lines. */
  totals: Record<string, number>;
  /** Names of failed assertions ("not ok N description"). */
  failures: string[];
  stderr: string;
}

function runTape(packageDir: string, modulesDir: string, env: Record<string, string>): TapeRun {
  const result = spawnSync(process.execPath, [tapeBin, "test/*.js"], {
    cwd: packageDir,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, NODE_PATH: [modulesDir, join(repoRoot, "node_modules")].join(":"), ...env },
  });
  const totals: Record<string, number> = {};
  for (const match of result.stdout.matchAll(/^# (tests|pass|fail)\s+(\d+)$/gm)) totals[match[1]] = Number(match[2]);
  const failures = result.stdout.split("\n").filter((line) => line.startsWith("not ok"));
  return { status: result.status, totals, failures, stderr: result.stderr };
}

/** A copy of the package in `root/<name>`, with the shims as `root/node_modules/*`. */
function copyPackage(root: string, name: string): string {
  const target = join(root, name);
  cpSync(dirname(require.resolve(`${name}/package.json`)), target, { recursive: true });
  for (const shim of readdirSync(shimsDir)) {
    if (shim.endsWith(".md")) continue;
    cpSync(join(shimsDir, shim), join(root, "node_modules", shim), { recursive: true });
  }
  return target;
}

for (const packageCase of CASES) {
  test(`package ${packageCase.name}: its own tape suite passes instrumented exactly as plain, and the profile counts its functions`, () => {
    const work = mkdtempSync(join(tmpdir(), `tsprof-transparency-${packageCase.name}-`));
    try {
      const plainDir = copyPackage(join(work, "plain"), packageCase.name);
      const plain = runTape(plainDir, join(work, "plain", "node_modules"), {});
      assert.equal(plain.status, 0, `plain run failed:\n${plain.failures.join("\n")}\n${plain.stderr}`);
      assert.ok(plain.totals.pass > 20, `plain run passed only ${plain.totals.pass} assertions`);

      const instrumentedDir = copyPackage(join(work, "instrumented"), packageCase.name);
      let sites = 0;
      for (const source of packageCase.sources) {
        const file = join(instrumentedDir, source);
        const result = instrumentSource(readFileSync(file, "utf8"), {
          filename: file,
          root: instrumentedDir,
          sourceType: "script",
          runtime: runtimeEntry,
          importStyle: "require",
        });
        sites += result.sites;
        writeFileSync(file, result.code);
      }
      assert.ok(sites > 0, "no function of the package got a probe");
      const profilePath = join(work, "profile.tsprof.json");
      const instrumented = runTape(instrumentedDir, join(work, "instrumented", "node_modules"), { TSPROF_OUTPUT: profilePath });
      assert.equal(instrumented.status, 0, `instrumented run failed:\n${instrumented.failures.join("\n")}\n${instrumented.stderr}`);
      assert.deepEqual(instrumented.totals, plain.totals);
      assert.equal(instrumented.stderr, plain.stderr);

      const profile = JSON.parse(readFileSync(profilePath, "utf8")) as ProfileData;
      const counted = new Map<string, number>();
      for (const row of profile.stats) {
        const info = profile.functions[row.function];
        const key = `${info.qualifiedName}@${info.file}`;
        counted.set(key, (counted.get(key) ?? 0) + row.calls);
      }
      const calls = [...counted.values()].reduce((sum, n) => sum + n, 0);
      console.log(
        `${packageCase.name}: ${plain.totals.pass} assertions pass in both runs; ${sites} sites, ${counted.size} functions called, ${calls} calls`,
      );
      for (const name of packageCase.mustCount) assert.ok((counted.get(name) ?? 0) > 0, `no calls counted for ${name}`);
      assert.ok(profile.functions.every((info) => packageCase.sources.includes(info.file)), "every profiled function is the package's own");
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}
