// `tsprof run -o OUT` onto what is at OUT (a device, a symlink, a FIFO, a read-only file, a long
// name), and OUT that cannot be written once the program has run: one line, the program's exit
// status (else 1), the table printed instead; never "internal error" and 70.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodePstats, looksLikeMarshal } from "@tsprof/format";
import { throughPipe, tsprof, tsprofBin } from "./helpers/cli";

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

function workWith(program: string): string {
  const work = mkdtempSync(join(tmpdir(), "tsprof-run-output-"));
  writeFileSync(join(work, "prog.js"), program);
  return work;
}

test("run -o onto a symlink writes the link's target and keeps the link; a read-only file keeps its mode; a 245-byte name is written", () => {
  const work = workWith('function f() {} f(); console.log("ran");\n');
  writeFileSync(join(work, "target.prof"), "old\n");
  symlinkSync("target.prof", join(work, "link.prof"));
  let result = tsprof(["run", "-o", "link.prof", "prog.js"], { cwd: work });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(readlinkSync(join(work, "link.prof")), "target.prof");
  assert.ok(looksLikeMarshal(readFileSync(join(work, "target.prof"))), "the target holds the profile");
  writeFileSync(join(work, "ro.prof"), "old\n");
  chmodSync(join(work, "ro.prof"), isRoot ? 0o444 : 0o640);
  const mode = statSync(join(work, "ro.prof")).mode & 0o7777;
  result = tsprof(["run", "-o", "ro.prof", "prog.js"], { cwd: work });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(statSync(join(work, "ro.prof")).mode & 0o7777, mode);
  const long = `${"x".repeat(240)}.prof`;
  result = tsprof(["run", "-o", long, "prog.js"], { cwd: work });
  assert.equal(result.status, 0, result.stderr);
  assert.ok(looksLikeMarshal(readFileSync(join(work, long))));
  assert.deepEqual(readdirSync(work).filter((name) => name.endsWith(".tmp")), []);
});

test("run -o onto a character device (mknod in a temp dir) writes through it", { skip: !isRoot && "mknod needs root" }, () => {
  const work = workWith('function f() {} f(); console.log("ran");\n');
  assert.equal(spawnSync("mknod", ["-m", "666", join(work, "nulldev"), "c", "1", "3"]).status, 0, "mknod");
  const result = tsprof(["run", "-o", "nulldev", "prog.js"], { cwd: work });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, "ran\n");
  assert.ok(lstatSync(join(work, "nulldev")).isCharacterDevice(), "still a device");
});

test("run -o onto a FIFO hands the profile to its reader", async () => {
  const work = workWith('function f() {} f(); console.log("ran");\n');
  const fifo = join(work, "fifo");
  assert.equal(spawnSync("mkfifo", [fifo]).status, 0, "mkfifo");
  const reader = spawn("sh", ["-c", 'exec cat "$1" > "$2"', "sh", fifo, join(work, "read.prof")], { stdio: "ignore", timeout: 60_000 });
  const readerDone = new Promise<number | null>((resolve) => reader.on("exit", resolve));
  const run = spawn(process.execPath, [tsprofBin, "run", "-o", "fifo", "prog.js"], { cwd: work, stdio: "ignore", timeout: 60_000 });
  const runDone = new Promise<number | null>((resolve) => run.on("exit", resolve));
  assert.equal(await runDone, 0);
  assert.equal(await readerDone, 0, "the reader got EOF, not a timeout");
  assert.ok(lstatSync(fifo).isFIFO());
  assert.ok(looksLikeMarshal(readFileSync(join(work, "read.prof"))));
});

test("run -o into a directory the program removed: one 'cannot write' line, the table instead, the program's status or 1", () => {
  for (const [exit, expected] of [["", 1], ["process.exitCode = 3;", 3]] as const) {
    const work = workWith(`function main() { require("fs").rmSync(__dirname + "/gone", { recursive: true, force: true }); console.log("done"); ${exit} }\nmain();\n`);
    mkdirSync(join(work, "gone"));
    const result = tsprof(["run", "-o", "gone/x.prof", "prog.js"], { cwd: work });
    assert.equal(result.status, expected, result.stderr);
    assert.equal(result.stderr, "tsprof: cannot write gone/x.prof: no such directory\n");
    assert.match(result.stdout, /^done\n/);
    assert.match(result.stdout, /function calls in/, "the table is printed instead");
    assert.match(result.stdout, /prog\.js:1\(main\)/);
    assert.ok(!existsSync(join(work, "gone")));
  }
});

test("run -o onto an immutable file (chattr +i): one 'cannot write' line and exit 1, not internal error 70", { skip: !isRoot && "chattr +i needs root" }, (t) => {
  const work = workWith('function f() {} f(); console.log("ran");\n');
  const path = join(work, "imm.prof");
  writeFileSync(path, "");
  if (spawnSync("chattr", ["+i", path]).status !== 0) {
    t.skip("chattr +i is not supported here");
    return;
  }
  try {
    const result = tsprof(["run", "-o", "imm.prof", "prog.js"], { cwd: work });
    assert.equal(result.stderr, "tsprof: cannot write imm.prof: permission denied\n");
    assert.equal(result.status, 1);
    assert.match(result.stdout, /^ran\n[\s\S]*function calls in/);
  } finally {
    spawnSync("chattr", ["-i", path]);
  }
});

// Where fd 1 or 2 is a pipe, /dev/stdout is a link to /proc/self/fd/1, a link to `pipe:[N]`, which
// is no path: the write took it for a file in /proc/self/fd and failed before the program ran
// ("cannot write /dev/stdout: no such directory", exit 2).
test("run -o /dev/stdout, /proc/self/fd/1 or /dev/stderr onto a pipe writes the profile into the pipe, after the program's own output as python -m cProfile -o /dev/stdout does", { skip: process.platform !== "linux" && "Linux's /proc links" }, () => {
  const work = workWith('function f() {} f(); f(); console.log("ran");\n');
  for (const [out, stream] of [["/dev/stdout", "stdout"], ["/proc/self/fd/1", "stdout"], ["/dev/stderr", "stderr"]] as const) {
    const result = throughPipe([process.execPath, tsprofBin, "run", "-o", out, "prog.js"], stream, { cwd: work, env: { TSPROF_CLOCK: "tick" } });
    assert.equal(result.status, 0, `${out}: ${result.other}`);
    // The program writes first (its stdout is the same pipe), the profile at the end: what cProfile does.
    const program = stream === "stdout" ? "ran\n" : "";
    assert.equal(result.piped.subarray(0, program.length).toString(), program, out);
    assert.equal(result.other, stream === "stdout" ? "" : "ran\n", out);
    const entries = decodePstats(result.piped.subarray(program.length), out);
    assert.equal(entries.find((entry) => entry.function.name === "f")?.calls, 2, out);
  }
});

test("run -o /dev/stdout where stdout is a socket is refused before the program runs, as Python's open() refuses it", { skip: process.platform !== "linux" && "Linux's /proc links" }, () => {
  const work = workWith('require("fs").writeFileSync("ran", "");\nfunction f() {}\nf();\n');
  // spawnSync's stdout is a socket pair: opening /proc/self/fd/1 fails (ENXIO). access() let it pass,
  // the program ran, and only the write after it failed.
  const result = tsprof(["run", "-o", "/dev/stdout", "prog.js"], { cwd: work });
  assert.equal(result.status, 2);
  assert.equal(result.stderr, "tsprof: cannot write /dev/stdout: no such device or address\n");
  assert.equal(result.stdout, "");
  assert.equal(existsSync(join(work, "ran")), false, "the program did not run");
});
