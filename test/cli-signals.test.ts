// End-to-end tests of how `tsprof run` ends: signals to the process group or to tsprof alone, a
// program busy in JavaScript, the temporary directory, and an -o that cannot be written.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { tsprof, repoRoot, tsprofBin } from "./helpers/cli";

const fixture = (...parts: string[]) => join(repoRoot, "fixtures", "cli", ...parts);
const scratch = () => mkdtempSync(join(tmpdir(), "tsprof-test-"));

interface Started {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  /** Where this run's tsprof makes its temporary directories (its TMPDIR). */
  tmp: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * `tsprof run ARGS` as the leader of a process group of its own (so a test can send the group a
 * signal, as a terminal's Ctrl-C does), with a private TMPDIR; resolves once the program printed "ready".
 */
async function startRun(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Started> {
  const tmp = scratch();
  const child = spawn(process.execPath, [tsprofBin, "run", ...args], {
    cwd: repoRoot,
    env: { ...process.env, TSPROF_CLOCK: "tick", TMPDIR: tmp, ...env },
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  // A run that never ends fails the test (it ends by SIGKILL) instead of hanging it.
  const watchdog = setTimeout(() => killGroup(child.pid), 30_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      clearTimeout(watchdog);
      resolve({ code, signal });
    }),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes("ready\n")) resolve();
    });
    void exited.then(() => reject(new Error(`tsprof ended before the program was ready: ${stderr}`)));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, tmp, exited };
}

/** Ends whatever is left of the run's process group (a hung test must not leave a spinning process). */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

const leftovers = (tmp: string) => readdirSync(tmp).filter((name) => name.startsWith("tsprof-run-"));

/** Resolves once `check()` is true, polling (the run's watchdog ends a test that waits for ever). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
}

/**
 * A run of a program that ends at once, its profile's write at exit held (the test-only
 * TSPROF_TEST_HOLD_WRITE of hooks/signal-relay.ts) until `release()`: a signal sent meanwhile
 * meets the write as one sent during the seconds a million-node profile takes.
 */
async function startHeldWrite(out: string): Promise<Started & { release: () => void }> {
  const hold = join(scratch(), "release");
  const run = await startRun(["-o", out, fixture("ends", "main.js")], { TSPROF_TEST_HOLD_WRITE: hold });
  await until(() => existsSync(`${hold}.held`));
  return { ...run, release: () => writeFileSync(hold, "") };
}

const writingLine = (signal: string) => `tsprof: ${signal}: the program is writing its profile, and ends when it is written (${signal} again stops it at once, without the profile)\n`;

test("a program busy in JavaScript: Ctrl-C (SIGINT to the group) stops it, one line, tsprof dies of SIGINT", { timeout: 60_000 }, async () => {
  let run: Started | undefined;
  try {
    run = await startRun([fixture("busy", "main.js")]);
    process.kill(-run.child.pid!, "SIGINT");
    const { code, signal } = await run.exited;
    assert.equal(signal, "SIGINT");
    assert.equal(code, null);
    assert.equal(run.stderr(), "tsprof: the program did not answer SIGINT within 1 s (busy in JavaScript): stopped without a profile\n");
    assert.equal(run.stdout(), "ready\n");
    assert.deepEqual(leftovers(run.tmp), []);
  } finally {
    killGroup(run?.child.pid);
  }
});

test("a program busy in JavaScript: SIGTERM to tsprof alone stops it, tsprof dies of SIGTERM", { timeout: 60_000 }, async () => {
  let run: Started | undefined;
  try {
    run = await startRun([fixture("busy", "main.js")]);
    run.child.kill("SIGTERM");
    const { signal } = await run.exited;
    assert.equal(signal, "SIGTERM");
    assert.match(run.stderr(), /^tsprof: the program did not answer SIGTERM within 1 s \(busy in JavaScript\): stopped without a profile\n$/);
    assert.deepEqual(leftovers(run.tmp), []);
  } finally {
    killGroup(run?.child.pid);
  }
});

/** The profile at `out` is complete: the fixture's setUp() is in it, called once. */
function assertSetUpRecorded(out: string): void {
  const profile = JSON.parse(readFileSync(out, "utf8")) as { functions: { name: string }[]; stats: { function: number; calls: number }[] };
  const setUp = profile.stats.find((row) => profile.functions[row.function]!.name === "setUp");
  assert.equal(setUp?.calls, 1, "setUp recorded");
}

for (const sent of ["SIGINT", "SIGTERM"] as const) {
  test(`${sent} to tsprof alone reaches the idle program: the profile is written, tsprof dies of ${sent}, no temporary directory left`, { timeout: 60_000 }, async () => {
    let run: Started | undefined;
    try {
      const out = join(scratch(), "p.tsprof.json");
      run = await startRun(["-o", out, fixture("idle", "main.js")]);
      run.child.kill(sent);
      const { code, signal } = await run.exited;
      assert.equal(signal, sent);
      assert.equal(code, null);
      assert.equal(run.stderr(), "");
      assertSetUpRecorded(out);
      assert.deepEqual(leftovers(run.tmp), []);
    } finally {
      killGroup(run?.child.pid);
    }
  });
}

for (const [sent, group] of [["SIGTERM", false], ["SIGINT", true]] as const) {
  test(`${sent} ${group ? "to the group (Ctrl-C)" : "to tsprof alone"} while the profile is written at exit: the write finishes, one line, tsprof dies of ${sent}`, { timeout: 60_000 }, async () => {
    let run: (Started & { release: () => void }) | undefined;
    try {
      const out = join(scratch(), "p.tsprof.json");
      run = await startHeldWrite(out);
      process.kill(group ? -run.child.pid! : run.child.pid!, sent);
      // Told, and not stopped: the line that says so comes before the write is let go.
      await until(() => run!.stderr().length > 0);
      assert.equal(run.stderr(), writingLine(sent));
      run.release();
      const { code, signal } = await run.exited;
      assert.equal(signal, sent);
      assert.equal(code, null);
      assert.equal(run.stderr(), writingLine(sent));
      assert.equal(run.stdout(), "ready\n");
      assertSetUpRecorded(out);
      assert.deepEqual(leftovers(run.tmp), []);
    } finally {
      killGroup(run?.child.pid);
    }
  });
}

test("a second signal while the profile is written at exit stops the program at once, without it; tsprof dies of that signal", { timeout: 60_000 }, async () => {
  let run: (Started & { release: () => void }) | undefined;
  try {
    const out = join(scratch(), "p.tsprof.json");
    run = await startHeldWrite(out);
    run.child.kill("SIGTERM");
    await until(() => run!.stderr().length > 0);
    // Never released: only the SIGKILL the second signal brings ends the program.
    run.child.kill("SIGINT");
    const { code, signal } = await run.exited;
    assert.equal(signal, "SIGINT");
    assert.equal(code, null);
    assert.equal(run.stderr(), writingLine("SIGTERM") + "tsprof: SIGINT again while the program was writing its profile: stopped without a profile\n");
    assert.equal(existsSync(out), false);
    assert.deepEqual(leftovers(run.tmp), []);
  } finally {
    killGroup(run?.child.pid);
  }
});

test("Ctrl-C that the program gets first and answers by a quick write: no line about the write, tsprof dies of SIGINT", { timeout: 60_000 }, async () => {
  // A terminal's Ctrl-C signals the program and tsprof together, and the program says "W" and writes
  // its small profile in milliseconds; when its "W" was read before tsprof's own SIGINT, tsprof said the
  // program was writing its profile. The same order here, made sure of: the program alone first, its
  // write held until tsprof has its SIGINT too, then let go. The line waits for a write that lasts
  // (TSPROF_TEST_WRITE_NOTICE_MS, 1 s outside tests; longer here, so that a slow machine's exit is not a long write).
  let run: Started | undefined;
  try {
    const out = join(scratch(), "p.tsprof.json");
    const hold = join(scratch(), "release");
    run = await startRun(["-o", out, fixture("idle", "main.js")], { TSPROF_TEST_HOLD_WRITE: hold, TSPROF_TEST_WRITE_NOTICE_MS: "60000" });
    const pid = run.child.pid!;
    const program = Number(readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(" ")[0]);
    assert.ok(program > 0, "the program's pid");
    process.kill(program, "SIGINT");
    await until(() => existsSync(`${hold}.held`));
    run.child.kill("SIGINT");
    // Time for tsprof to handle its SIGINT while the write is held (it printed the line at once).
    await new Promise((resolve) => setTimeout(resolve, 300));
    writeFileSync(hold, "");
    const { code, signal } = await run.exited;
    assert.equal(signal, "SIGINT");
    assert.equal(code, null);
    assert.equal(run.stderr(), "");
    assert.equal(run.stdout(), "ready\n");
    assertSetUpRecorded(out);
    assert.deepEqual(leftovers(run.tmp), []);
  } finally {
    killGroup(run?.child.pid);
  }
});

test("Ctrl-C reaches the program's own SIGINT listener once, though tsprof receives it too", { timeout: 60_000 }, async () => {
  let run: Started | undefined;
  try {
    const out = join(scratch(), "p.tsprof.json");
    run = await startRun(["-o", out, fixture("own-sigint", "main.js")]);
    process.kill(-run.child.pid!, "SIGINT");
    const { code } = await run.exited;
    assert.equal(run.stdout(), "ready\nSIGINT 1\n");
    assert.equal(code, 1);
    assert.ok(existsSync(out), "profile written");
    assert.deepEqual(leftovers(run.tmp), []);
  } finally {
    killGroup(run?.child.pid);
  }
});

test("-o into a missing directory, onto a directory: one line and exit 2 before the program runs", () => {
  const dir = scratch();
  const trace = join(dir, "trace.txt");
  mkdirSync(join(dir, "taken.prof"));
  const cases: Array<[string, string]> = [
    [join(dir, "no", "such", "x.prof"), "no such directory"],
    [join(dir, "taken.prof"), "is a directory"],
  ];
  for (const [out, reason] of cases) {
    const result = tsprof(["run", "-o", out, fixture("side-effect", "main.js"), trace]);
    assert.equal(result.status, 2, out);
    assert.equal(result.stderr, `tsprof: cannot write ${out}: ${reason}\n`);
    assert.equal(result.stdout, "", "the program did not run");
    assert.equal(existsSync(trace), false, "the program did not run");
  }
});

test("a short option's value may be attached to it, as with argparse: -oOUT, -sKEY", () => {
  const out = join(scratch(), "p.tsprof.json");
  const trace = join(scratch(), "trace.txt");
  const result = tsprof(["run", `-o${out}`, "-scalls", fixture("side-effect", "main.js"), trace]);
  assert.equal(result.stderr, "");
  assert.equal(result.status, 0);
  assert.ok(existsSync(out));
  const table = tsprof(["run", "-stottime", fixture("side-effect", "main.js"), trace]);
  assert.equal(table.status, 0);
  assert.match(table.stdout, /Ordered by: internal time/);
});
