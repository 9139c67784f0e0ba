// End-to-end: a program that replaces builtins at top level (Math.max, JSON.stringify, Object.keys,
// Array and String prototype methods, fs.renameSync and the other fs writers, path, Buffer.from,
// Promise.prototype.then, process.hrtime, process.kill, ...) keeps its output and exit status under
// `tsprof run`, and its profile is written complete, however it ends: the runtime's exit path
// (building the profile, writing the JSON, the atomic write, the exit and signal hooks) calls only
// builtins it captured when it loaded (design.md pitfall 8). Before: `Math.max = () => 0` made
// times NaN (exit 70, "internal error"), a throwing fs.renameSync lost the profile.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readProfileFile, type Profile } from "@tsprof/format";
import { node, repoRoot, tsprofBin, type RunResult } from "./helpers/cli";

const script = join(repoRoot, "fixtures", "cli", "patched-builtins", "main.js");
const scratch = () => mkdtempSync(join(tmpdir(), "tsprof-test-"));

/** The row of the function named `name`. */
function row(profile: Profile, name: string): Profile["stats"][number] {
  const index = profile.functions.findIndex((info) => info.qualifiedName === name);
  assert.ok(index >= 0, `${name} is in the profile`);
  const found = profile.stats.find((stats) => stats.function === index);
  assert.ok(found !== undefined, `${name} has a row`);
  return found;
}

/** Calls of function `fn` summed over the call tree. */
function treeCalls(nodes: NonNullable<Profile["callTree"]>, fn: number): number {
  let calls = 0;
  for (const node of nodes) calls += (node.function === fn ? node.calls : 0) + treeCalls(node.children, fn);
  return calls;
}

/**
 * `tsprof ARGS` in a process group of its own, killed whole (SIGKILL) after `timeoutMs`: before
 * the fix the profiled child spun forever, ignoring the SIGTERM that spawnSync's timeout sends
 * to tsprof (which relays it), so a timeout of the helpers' tsprof() never returned.
 */
function tsprofWithin(args: string[], env: Record<string, string>, timeoutMs: number): Promise<RunResult & { timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsprofBin, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid!, "SIGKILL");
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, status, signal, timedOut });
    });
  });
}

async function checkRun(mode: string, clock: string): Promise<void> {
  const out = join(scratch(), "p.tsprof.json");
  const plain = node([script, mode]);
  const profiled = await tsprofWithin(["run", "-o", out, script, mode], { TSPROF_CLOCK: clock }, 30_000);
  assert.equal(profiled.timedOut, false, "tsprof run finished");
  assert.equal(profiled.stdout, plain.stdout);
  assert.equal(profiled.stdout, "sum 20\n");
  assert.equal(profiled.status, plain.status);
  assert.equal(profiled.signal, plain.signal);
  // Stack traces show the hooks' frames (a known difference); the error itself is the same, and
  // tsprof adds nothing ("could not write the profile", "internal error").
  const plainError = plain.stderr.split("\n").find((line) => /^\w*Error: /.test(line));
  if (plainError !== undefined) assert.ok(profiled.stderr.includes(plainError), `stderr has ${plainError}: ${profiled.stderr}`);
  else assert.equal(plain.stderr, "");
  assert.doesNotMatch(profiled.stderr, /tsprof:/);
  // Read back through the validating reader: every time a non-negative number.
  const profile = readProfileFile(out);
  const work = row(profile, "work");
  assert.equal(work.calls, 5);
  assert.equal(work.primitiveCalls, 5);
  assert.ok(work.selfTime >= 0 && work.totalTime >= work.selfTime);
  for (const stats of profile.stats) assert.ok(stats.selfTime >= 0 && stats.totalTime >= 0, `times of ${profile.functions[stats.function].qualifiedName}`);
  assert.ok(profile.callTree !== undefined);
  assert.equal(treeCalls(profile.callTree, work.function), 5);
  assert.equal(row(profile, "print").calls, 1);
}

const modes: [string, string][] = [
  ["normal", "ends normally"],
  ["exit", "calls process.exit(3)"],
  ["throw", "dies of an uncaught exception"],
  ["reject", "dies of an unhandled rejection"],
  ["signal", "sends itself SIGTERM"],
];

for (const [mode, how] of modes) {
  test(`patched builtins, the program ${how}: same output and status, the profile complete`, async () => {
    await checkRun(mode, "hrtime"); // compensated: calibration, the bias, refresh at exit
  });
}

test("patched builtins under the tick and the fast clock", async () => {
  await checkRun("normal", "tick");
  await checkRun("exit", "fast");
});
