// The compile cache of `tsprof run`: one entry per compiled file, reused when nothing changed, a new one when the source does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, tsprof, callsByName } from "./helpers/cli";

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

test("the --include and --exclude globs are no part of a file's key: reordering or adding one compiles nothing anew", () => {
  const work = mkdtempSync(join(tmpdir(), "tsprof-cache-test-"));
  const cacheDir = join(work, "cache");
  writeFileSync(join(work, "lib.ts"), "export function helper(n: number): number { return n * 2; }\n");
  writeFileSync(join(work, "other.ts"), "export function other(): number { return 0; }\n");
  writeFileSync(join(work, "main.ts"), 'import { helper } from "./lib";\nimport { other } from "./other";\nfunction main(): void { console.log(helper(21) + other()); }\nmain();\n');
  const env = { TSPROF_CACHE_DIR: cacheDir };
  const out = join(work, "p.tsprof.json");
  const run = (globs: string[]): void => {
    const result = tsprof(["run", "-o", out, ...globs, "main.ts"], { cwd: work, env });
    assert.equal(result.stdout, "42\n", globs.join(" "));
    assert.equal(result.stderr, "", globs.join(" "));
  };

  run(["--include", "main.ts", "--include", "lib.ts", "--exclude", "other.ts"]);
  const afterFirst = entries(cacheDir);
  assert.deepEqual(callsByName(out), { main: 1, helper: 1 });
  for (const globs of [
    ["--include", "lib.ts", "--include", "main.ts", "--exclude", "other.ts"],
    ["--exclude", "other.ts", "--include", "lib.ts", "--include", "main.ts", "--include", "missing/**"],
    ["--include", "*.ts", "--exclude", "other.ts", "--exclude", "*.test.ts"],
  ]) {
    run(globs);
    assert.deepEqual(entries(cacheDir), afterFirst, `nothing compiled anew for ${globs.join(" ")}`);
    assert.deepEqual(callsByName(out), { main: 1, helper: 1 }, globs.join(" "));
  }
  // A glob that changes whether a file is instrumented does compile it anew, and the profile follows the globs.
  run(["--include", "main.ts", "--include", "other.ts"]);
  assert.deepEqual(callsByName(out), { main: 1, other: 1 });
  assert.equal(entries(cacheDir).length, afterFirst.length + 2, "lib.ts uninstrumented and other.ts instrumented");
});

// A bundle's map decides which of its functions get probes (vendor code mapped to node_modules gets none); Babel
// reads a linked map through the file's sourceMappingURL, which the key did not cover: a map added or changed
// beside the bundle kept the stale compile (with a bundled runtime's probes, a program that hangs).
test("the source map a file links is part of its key: a map added beside a bundle recompiles it", () => {
  const work = mkdtempSync(join(tmpdir(), "tsprof-cache-map-"));
  const cacheDir = join(work, "cache");
  mkdirSync(join(work, "src"));
  mkdirSync(join(work, "node_modules", "left-pad-ish"), { recursive: true });
  writeFileSync(join(work, "node_modules", "left-pad-ish", "index.js"), 'exports.pad = function pad(s) { return " " + s; };\n');
  writeFileSync(join(work, "src", "main.js"), 'const { pad } = require("left-pad-ish");\nfunction work() { return pad("x"); }\nconsole.log(work());\n');
  const esbuild = require(require.resolve("esbuild", { paths: [repoRoot] })) as { buildSync(options: object): unknown };
  esbuild.buildSync({ entryPoints: [join(work, "src", "main.js")], bundle: true, platform: "node", sourcemap: true, outfile: join(work, "dist", "main.js"), logLevel: "silent" });
  const map = join(work, "dist", "main.js.map");
  const mapText = readFileSync(map, "utf8");
  rmSync(map);
  const env = { TSPROF_CACHE_DIR: cacheDir };
  const names = (output: string): string[] => (JSON.parse(readFileSync(join(work, output), "utf8")) as { functions: { name: string }[] }).functions.map((f) => f.name);

  const first = tsprof(["run", "-o", "a.tsprof.json", "dist/main.js"], { cwd: work, env });
  assert.equal(first.status, 0, first.stderr);
  // esbuild renamed it pad2; the map gives its own name back.
  assert.ok(names("a.tsprof.json").includes("pad2"), "without a map the bundle is all one file's code");
  const afterFirst = entries(cacheDir).length;

  writeFileSync(map, mapText);
  const second = tsprof(["run", "-o", "b.tsprof.json", "dist/main.js"], { cwd: work, env });
  assert.equal(second.status, 0, second.stderr);
  assert.ok(!names("b.tsprof.json").some((name) => name === "pad" || name === "pad2"), "the map places pad in node_modules");
  assert.ok(names("b.tsprof.json").includes("work"));
  assert.equal(entries(cacheDir).length, afterFirst + 1);
});
