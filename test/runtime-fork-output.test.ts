// Under plain node, a forked child inherits TSPROF_OUTPUT: without %p, parent and child name one
// file. Neither profile may be lost: the one that writes second finds the file written by another
// process since it started, writes `<name>-<pid>.<ext>` instead and says so in one stderr line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readAnyProfileFile } from "@tsprof/format";

// Instrumented by hand as the transform would: parentWork (twice in the parent), childWork (twice in the child).
const program = `const probe = require(${JSON.stringify(require.resolve("@tsprof/runtime/probe"))}).module("forkp.js", [["parentWork", "", 2, 1, 0], ["childWork", "", 3, 1, 0]]);
const { fork } = require("child_process");
function parentWork() { const t = probe.enter(0); try { return 1; } finally { probe.exit(t); } }
function childWork() { const t = probe.enter(1); try { return 1; } finally { probe.exit(t); } }
if (process.argv[2] === "child") { childWork(); childWork(); }
else { parentWork(); console.log(process.pid); fork(__filename, ["child"]).on("exit", () => parentWork()); }
`;

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("TSPROF_")) env[key] = value;
  return { ...env, ...extra };
}

function callsIn(path: string): Record<string, number> {
  const profile = readAnyProfileFile(path);
  return Object.fromEntries(profile.stats.map((row) => [profile.functions[row.function]!.qualifiedName, row.calls]));
}

for (const earlier of [false, true]) {
  test(`a forked child and its parent with one TSPROF_OUTPUT keep both profiles${earlier ? " (over a file of an earlier run)" : ""}`, () => {
    const dir = mkdtempSync(join(tmpdir(), "tsprof-fork-"));
    writeFileSync(join(dir, "forkp.js"), program);
    // A file an earlier run left is replaced as always: only a file written during this run is kept.
    if (earlier) writeFileSync(join(dir, "out.tsprof.json"), "an earlier run's profile");
    const result = spawnSync(process.execPath, ["forkp.js"], { cwd: dir, env: cleanEnv({ TSPROF_OUTPUT: "out.tsprof.json" }), encoding: "utf8", timeout: 30_000 });
    assert.equal(result.status, 0, result.stderr);
    const parentPid = Number(result.stdout.trim());
    const mine = join(dir, `out-${parentPid}.tsprof.json`);
    // The child ends first (the parent waits for its exit), so the parent is the one told.
    assert.equal(result.stderr, `tsprof: ${join(dir, "out.tsprof.json")} was written by another process while this one ran (one TSPROF_OUTPUT without %p for both): profile written to ${mine}\n`);
    assert.deepEqual(readdirSync(dir).sort(), ["forkp.js", `out-${parentPid}.tsprof.json`, "out.tsprof.json"]);
    assert.deepEqual(callsIn(join(dir, "out.tsprof.json")), { childWork: 2 });
    assert.deepEqual(callsIn(mine), { parentWork: 2 });
  });
}

// A test runner's workers (node --test with one TSPROF_OUTPUT): started together, one may end and
// write the file before another has run its first instrumented module, where recording (and the
// look at the file) starts. That file was written after the slower process started: another
// process's, kept, not an earlier run's to replace. The slower process here waits, after starting
// and before loading anything instrumented, for a line on its stdin, sent once the quick one has ended.
test("a process that started before another wrote the file, and began recording after, keeps that profile", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-fork-"));
  const probePath = JSON.stringify(require.resolve("@tsprof/runtime/probe"));
  writeFileSync(join(dir, "quick.js"), `const probe = require(${probePath}).module("quick.js", [["quickWork", "", 2, 1, 0]]);
function quickWork() { const t = probe.enter(0); try { return 1; } finally { probe.exit(t); } }
quickWork();
`);
  writeFileSync(join(dir, "slow.js"), `const { readSync, writeSync } = require("fs");
writeSync(1, "started\\n");
readSync(0, Buffer.alloc(1), 0, 1, null);
const probe = require(${probePath}).module("slow.js", [["slowWork", "", 5, 1, 0]]);
function slowWork() { const t = probe.enter(0); try { return 1; } finally { probe.exit(t); } }
slowWork();
`);
  const env = cleanEnv({ TSPROF_OUTPUT: "out.tsprof.json" });
  const slow = spawn(process.execPath, ["slow.js"], { cwd: dir, env, stdio: ["pipe", "pipe", "pipe"], timeout: 30_000 });
  let stdout = "";
  let stderr = "";
  slow.stderr.on("data", (data: Buffer) => (stderr += data.toString()));
  await new Promise<void>((resolve) => slow.stdout.on("data", (data: Buffer) => (stdout += data.toString()) === "started\n" && resolve()));
  const quick = spawnSync(process.execPath, ["quick.js"], { cwd: dir, env, encoding: "utf8", timeout: 30_000 });
  assert.equal(quick.status, 0, quick.stderr);
  assert.equal(quick.stderr, "");
  const exited = new Promise<number | null>((resolve) => slow.on("exit", resolve));
  slow.stdin.end("g");
  assert.equal(await exited, 0, stderr);
  const mine = join(dir, `out-${slow.pid}.tsprof.json`);
  assert.equal(stderr, `tsprof: ${join(dir, "out.tsprof.json")} was written by another process while this one ran (one TSPROF_OUTPUT without %p for both): profile written to ${mine}\n`);
  assert.deepEqual(callsIn(join(dir, "out.tsprof.json")), { quickWork: 1 });
  assert.deepEqual(callsIn(mine), { slowWork: 1 });
});

