// End-to-end: each fixtures/runtime/programs/<case>/main.js (or main.mjs) calls the probe API by hand and ends one way
// (normal exit, process.exit, uncaught exception, unhandled rejection, signals, worker threads, ...).
// Run with recording and without it (TSPROF_AUTOSTART=0, what plain node does): exit code, signal and
// stdout must match, stderr too (plus one "written to" line when no TSPROF_OUTPUT), and every profile
// file listed in the case's expect.json must exist, validate, and hold the expected calls.
// Adding a case means adding a folder.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readAnyProfileFile, type Profile } from "@tsprof/format";

const casesDir = join(__dirname, "..", "..", "fixtures", "runtime", "programs");

interface ProfileExpectation {
  calls: Record<string, number>;
  primitiveCalls?: Record<string, number>;
  /** Full rows under TSPROF_CLOCK=tick (every clock reading advances 0.001 s). */
  stats?: Record<string, { calls: number; primitiveCalls: number; selfTime: number; totalTime: number; asyncWallTime?: number }>;
  /** "caller -> callee" → the edge's numbers, under TSPROF_CLOCK=tick. */
  edges?: Record<string, { calls: number; primitiveCalls: number; selfTime: number; totalTime: number }>;
}

interface CaseExpectation {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** No TSPROF_OUTPUT: the default file name and one stderr line. */
  defaultOutput?: boolean;
  /** TSPROF_OUTPUT file name template (default "out-%p.tsprof.json"). */
  output?: string;
  /** Extra node arguments for the recorded run only (e.g. ["-r", "@tsprof/runtime/auto"]). */
  nodeArgs?: string[];
  /** Extra environment for the recorded run. */
  env?: Record<string, string>;
  /** Expected meta.droppedTreeNodes of the first profile. */
  droppedTreeNodes?: number;
  /** File name (with %p for the pid) → what it must contain. */
  profiles: Record<string, ProfileExpectation>;
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("TSPROF_")) env[key] = value;
  return { ...env, ...extra };
}

function run(script: string, cwd: string, env: Record<string, string>, nodeArgs: string[] = []) {
  // Package names in node arguments resolve from here: the child runs in a scratch directory.
  const args = nodeArgs.map((arg) => (arg.startsWith("@tsprof/") ? require.resolve(arg) : arg));
  const result = spawnSync(process.execPath, [...args, script], { cwd, env: cleanEnv(env), encoding: "utf8", input: "", timeout: 30_000 });
  if (result.error) throw result.error;
  return result;
}

function byName(profile: Profile, numbers: Profile["stats"]): Map<string, Profile["stats"][number]> {
  const rows = new Map<string, Profile["stats"][number]>();
  for (const row of numbers) rows.set(profile.functions[row.function].qualifiedName, row);
  return rows;
}

for (const name of readdirSync(casesDir).sort()) {
  test(`runtime program: ${name}`, () => {
    const dir = join(casesDir, name);
    const expected = JSON.parse(readFileSync(join(dir, "expect.json"), "utf8")) as CaseExpectation;
    const script = join(dir, existsSync(join(dir, "main.mjs")) ? "main.mjs" : "main.js");

    const plainDir = mkdtempSync(join(tmpdir(), `tsprof-plain-${name}-`));
    const plain = run(script, plainDir, { TSPROF_AUTOSTART: "0" });
    assert.deepEqual(readdirSync(plainDir), [], "with TSPROF_AUTOSTART=0 nothing is written");

    const outDir = mkdtempSync(join(tmpdir(), `tsprof-run-${name}-`));
    const env: Record<string, string> = { TSPROF_CLOCK: "tick", ...expected.env };
    if (!expected.defaultOutput) env.TSPROF_OUTPUT = join(outDir, expected.output ?? "out-%p.tsprof.json");
    const profiled = run(script, outDir, env, expected.nodeArgs);

    assert.equal(plain.status, expected.exitCode, `plain exit code\n${plain.stderr}`);
    assert.equal(plain.signal, expected.signal, "plain signal");
    assert.equal(profiled.status, plain.status, `exit code as plain node\n${profiled.stderr}`);
    assert.equal(profiled.signal, plain.signal, "signal as plain node");
    assert.equal(profiled.stdout, plain.stdout, "stdout as plain node");
    const pid = String(profiled.pid);
    const files = Object.keys(expected.profiles).map((file) => file.split("%p").join(pid));
    const announced = expected.defaultOutput ? `tsprof: profile written to ${join(outDir, files[0])}\n` : "";
    assert.equal(profiled.stderr, plain.stderr + announced, "stderr as plain node");
    assert.deepEqual(readdirSync(outDir).sort(), [...files].sort(), "exactly the expected files, no temp files");

    for (const [template, want] of Object.entries(expected.profiles)) {
      const profile = readAnyProfileFile(join(outDir, template.split("%p").join(pid)));
      if (expected.droppedTreeNodes !== undefined) assert.equal(profile.meta.droppedTreeNodes, expected.droppedTreeNodes);
      const rows = byName(profile, profile.stats);
      const calls = Object.fromEntries([...rows].map(([fn, row]) => [fn, row.calls]));
      assert.deepEqual(calls, want.calls, `${template}: calls`);
      if (want.primitiveCalls) {
        const primitive = Object.fromEntries([...rows].map(([fn, row]) => [fn, row.primitiveCalls]));
        assert.deepEqual(primitive, want.primitiveCalls, `${template}: primitive calls`);
      }
      for (const [fn, row] of Object.entries(want.stats ?? {})) {
        const { function: _index, ...numbers } = rows.get(fn)!;
        assert.deepEqual(numbers, row, `${template}: stats of ${fn}`);
      }
      for (const [pair, numbers] of Object.entries(want.edges ?? {})) {
        const edge = profile.edges.find(
          (e) => `${profile.functions[e.caller].qualifiedName} -> ${profile.functions[e.callee].qualifiedName}` === pair,
        );
        assert.ok(edge, `${template}: edge ${pair}`);
        const { caller: _caller, callee: _callee, ...actual } = edge;
        assert.deepEqual(actual, numbers, `${template}: edge ${pair}`);
      }
      for (const row of profile.stats) assert.ok(row.totalTime >= 0 && row.selfTime >= 0, "open frames were closed");
    }
  });
}
