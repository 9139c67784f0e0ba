// TSPROF_* variables with values nothing reads: the automatic session says so on stderr and records
// with the defaults (the program is not stopped by its profiler); `tsprof run` refuses the run
// before the program starts, as it refuses a bad option.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readAnyProfileFile } from "@tsprof/format";
import { environmentProblems } from "@tsprof/runtime";
import { tsprof } from "./helpers/cli";

const program = join(__dirname, "..", "..", "fixtures", "runtime", "programs", "normal-exit", "main.js");

function withoutTsprofVariables(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("TSPROF_")) env[key] = value;
  return { ...env, ...extra };
}

test("environmentProblems: one line per variable the runtime cannot honour; unset, empty and accepted values pass", () => {
  assert.deepEqual(environmentProblems({}), []);
  const good = { TSPROF_CLOCK: "fast", TSPROF_MODE: "count", TSPROF_COMPENSATE: "0", TSPROF_AUTOSTART: "1", TSPROF_FAST_CLOCK_PERIOD_US: "20", TSPROF_MAX_TREE_NODES: "1000", TSPROF_MAX_DEPTH: "", TSPROF_OUTPUT: "anything" };
  assert.deepEqual(environmentProblems(good), []);
  assert.deepEqual(environmentProblems({ TSPROF_CLOCK: "tick", TSPROF_MODE: "timed", TSPROF_COMPENSATE: "off", TSPROF_AUTOSTART: "no", TSPROF_FAST_CLOCK_PERIOD_US: "0", TSPROF_MAX_TREE_NODES: "1e6", TSPROF_MAX_DEPTH: "-5" }), [
    "TSPROF_MODE=timed: expected count (unset: timed)",
    "TSPROF_COMPENSATE=off: expected 0 or 1",
    "TSPROF_AUTOSTART=no: expected 0 or 1",
    "TSPROF_FAST_CLOCK_PERIOD_US=0: expected a positive whole number of microseconds",
    "TSPROF_MAX_TREE_NODES=1e6: expected a positive whole number",
    "TSPROF_MAX_DEPTH=-5: expected a positive whole number",
  ]);
});

test("under plain node, a bad TSPROF_* value is one stderr line each; the program runs as before and its profile is written with the defaults", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-env-"));
  const output = join(dir, "out.tsprof.json");
  const result = spawnSync(process.execPath, [program], {
    cwd: dir,
    env: withoutTsprofVariables({ TSPROF_OUTPUT: output, TSPROF_CLOCK: "bogus", TSPROF_MAX_TREE_NODES: "1e6" }),
    encoding: "utf8",
    timeout: 30_000,
  });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, "2\n");
  assert.equal(
    result.stderr,
    "tsprof: ignoring TSPROF_CLOCK=bogus: expected hrtime (the default), fast or tick\n" +
      "tsprof: ignoring TSPROF_MAX_TREE_NODES=1e6: expected a positive whole number\n",
  );
  const profile = readAnyProfileFile(output);
  assert.equal(profile.meta.clock, "hrtime, compensated");
  assert.deepEqual(profile.stats.map((row) => row.calls).sort(), [1, 2]);
});

test("tsprof run refuses a bad TSPROF_* value (TSPROF_CACHE, TSPROF_DEBUG, TSPROF_AUTOSTART too; TSPROF_AUTOSTART=0 as well) with one line and exit 2, before the program runs", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-env-"));
  writeFileSync(join(dir, "side-effect.js"), 'require("fs").writeFileSync("ran", "");\nfunction f() {}\nf();\n');
  for (const [name, value, line] of [
    ["TSPROF_CLOCK", "bogus", "tsprof: TSPROF_CLOCK=bogus: expected hrtime (the default), fast or tick\n"],
    ["TSPROF_MODE", "counts", "tsprof: TSPROF_MODE=counts: expected count (unset: timed)\n"],
    ["TSPROF_CACHE", "off", "tsprof: TSPROF_CACHE=off: expected 0 or 1\n"],
    // Both passed unnoticed (exit 0) although README and tsprof help run said bad values are refused.
    ["TSPROF_AUTOSTART", "bogus", "tsprof: TSPROF_AUTOSTART=bogus: expected 0 or 1\n"],
    ["TSPROF_DEBUG", "bogus", "tsprof: TSPROF_DEBUG=bogus: expected 0 or 1\n"],
    // Was dropped without a word: the program was recorded all the same.
    ["TSPROF_AUTOSTART", "0", "tsprof: TSPROF_AUTOSTART=0: tsprof run always records the whole program; unset it (a program that records only through Profile runs with plain node)\n"],
  ]) {
    const result = tsprof(["run", "side-effect.js"], { cwd: dir, env: { [name]: value } });
    assert.equal(result.status, 2, name);
    assert.equal(result.stderr, line);
    assert.equal(result.stdout, "");
    assert.deepEqual(readdirSync(dir), ["side-effect.js"], `${name}: the program did not run`);
  }
  // The values they do take: tsprof run records from the start with TSPROF_AUTOSTART=1 as without it.
  const ok = tsprof(["run", "side-effect.js"], { cwd: dir, env: { TSPROF_AUTOSTART: "1", TSPROF_DEBUG: "0" } });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /1 function calls/);
});

test("TSPROF_MODE=count with a .cpuprofile output: tsprof run refuses it up front; under plain node the counts go to .tsprof.json, said in one line", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-env-"));
  writeFileSync(join(dir, "side-effect.js"), 'require("fs").writeFileSync("ran", "");\nfunction f() {}\nf();\n');
  // A .cpuprofile is nothing but times: counted calls would make a file of zeros (NaN and an empty panel in DevTools).
  const refused = tsprof(["run", "-o", "p.cpuprofile", "side-effect.js"], { cwd: dir, env: { TSPROF_MODE: "count" } });
  assert.equal(refused.status, 2);
  assert.equal(refused.stderr, "tsprof: TSPROF_MODE=count records no times, and a .cpuprofile holds nothing else: use -o with .tsprof.json, .prof or .pstats for the counts\n");
  assert.deepEqual(readdirSync(dir), ["side-effect.js"], "the program did not run");
  assert.equal(tsprof(["run", "-o", "p.prof", "side-effect.js"], { cwd: dir, env: { TSPROF_MODE: "count" } }).status, 0, "other formats hold the counts");

  const output = join(dir, "out.cpuprofile");
  const result = spawnSync(process.execPath, [program], { cwd: dir, env: withoutTsprofVariables({ TSPROF_OUTPUT: output, TSPROF_MODE: "count" }), encoding: "utf8", timeout: 30_000 });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, "2\n");
  const counts = join(dir, "out.tsprof.json");
  assert.equal(result.stderr, `tsprof: TSPROF_MODE=count records no times, and a .cpuprofile holds nothing else: the counts went to ${counts} instead of ${output}\n`);
  assert.deepEqual(readdirSync(dir).sort(), ["out.tsprof.json", "p.prof", "ran", "side-effect.js"]);
  const profile = readAnyProfileFile(counts);
  assert.equal(profile.meta.clock, "none");
  assert.deepEqual(profile.stats.map((row) => row.calls).sort(), [1, 2]);
});

test("README's list of environment variables has each setting of the runtime README's table (it lacked TSPROF_CLOCK=tick)", () => {
  const root = join(__dirname, "..", "..");
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const listed = /^Environment: [^]*?\n\n/m.exec(readme);
  assert.ok(listed, "README's Environment paragraph");
  const runtime = readFileSync(join(root, "packages", "runtime", "README.md"), "utf8");
  const table = /^## Automatic session: environment\n\n([^]*?)\n\n/m.exec(runtime);
  assert.ok(table, "the runtime README's table");
  const settings = [...table[1]!.matchAll(/^\| ([^|]+) \|/gm)].flatMap((row) => [...row[1]!.matchAll(/`([^`]+)`/g)].map((code) => code[1]!));
  assert.ok(settings.includes("TSPROF_CLOCK=tick") && settings.length >= 8, settings.join(" "));
  for (const setting of settings) assert.ok(listed[0].replace(/\s+/g, " ").includes(`\`${setting}\``), `README's Environment lacks ${setting}`);
});
