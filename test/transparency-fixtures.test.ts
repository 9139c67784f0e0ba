// Behaviour differences found by the transparency checks, one folder each: fixtures/transparency/<case>/input.js.
//
// Each input.js is a self-contained Node program that shows one difference between a program run
// plain and instrumented (its header comment says expected vs. actual). It passes when it exits 0
// with nothing on stderr. case.json `knownFailure` (why, and whose fix it needs) keeps a case that
// is not fixed yet as a todo: it is run and reported, but does not fail the suite.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./helpers/cli";

const fixturesDir = join(repoRoot, "fixtures", "transparency");

for (const name of readdirSync(fixturesDir).sort()) {
  const input = join(fixturesDir, name, "input.js");
  if (!existsSync(input)) continue;
  const casePath = join(fixturesDir, name, "case.json");
  const settings = existsSync(casePath) ? (JSON.parse(readFileSync(casePath, "utf8")) as { knownFailure?: string }) : {};
  test(`transparency fixture ${name}`, { todo: settings.knownFailure }, () => {
    const work = mkdtempSync(join(tmpdir(), "tsprof-transparency-fixture-"));
    try {
      const result = spawnSync(process.execPath, [input], {
        cwd: work,
        encoding: "utf8",
        timeout: 60_000,
        env: { ...process.env, TSPROF_OUTPUT: join(work, "profile.tsprof.json") },
      });
      assert.equal(result.stderr, "");
      assert.equal(result.status, 0);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}
