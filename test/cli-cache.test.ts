// The compile cache of `tsprof run`: one entry per compiled file, reused when nothing changed, a new one when the source does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tsprof } from "./helpers/cli";

function entries(dir: string): string[] {
  return readdirSync(dir).flatMap((shard) => readdirSync(join(dir, shard)).map((name) => `${shard}/${name}`)).sort();
}

test("compiled files are cached by content and reused", () => {
  const work = mkdtempSync(join(tmpdir(), "tsprof-cache-test-"));
  const cacheDir = join(work, "cache");
  const script = join(work, "main.ts");
  writeFileSync(script, "function twice(n: number): number { return n * 2; }\nconsole.log(twice(21));\n");
  const env = { TSPROF_CACHE_DIR: cacheDir };

  const first = tsprof(["run", "-o", join(work, "a.tsprof.json"), script], { cwd: work, env });
  assert.equal(first.stdout, "42\n");
  const afterFirst = entries(cacheDir);
  assert.equal(afterFirst.length, 1);

  const second = tsprof(["run", "-o", join(work, "b.tsprof.json"), script], { cwd: work, env });
  assert.equal(second.stdout, "42\n");
  assert.deepEqual(entries(cacheDir), afterFirst, "a warm run adds nothing");

  writeFileSync(script, "function twice(n: number): number { return n * 2; }\nconsole.log(twice(4));\n");
  const third = tsprof(["run", "-o", join(work, "c.tsprof.json"), script], { cwd: work, env });
  assert.equal(third.stdout, "8\n", "a changed source is recompiled, not served stale");
  assert.equal(entries(cacheDir).length, 2);
});

test("TSPROF_CACHE=0 runs without a cache", () => {
  const work = mkdtempSync(join(tmpdir(), "tsprof-cache-test-"));
  const script = join(work, "main.js");
  writeFileSync(script, "console.log((() => 'ok')());\n");
  const result = tsprof(["run", "-o", join(work, "p.tsprof.json"), script], { cwd: work, env: { TSPROF_CACHE: "0", TSPROF_CACHE_DIR: join(work, "cache") } });
  assert.equal(result.stdout, "ok\n");
  assert.throws(() => readdirSync(join(work, "cache")));
});
