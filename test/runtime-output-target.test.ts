// Under plain node, TSPROF_OUTPUT naming a symlink or a device: the runtime's exit writer follows
// the link (the link stays, its target gets the profile) and writes a device through, as
// `python -m cProfile -o` does with open(path, 'wb'); a rename over them replaced both with a
// regular file. Device nodes are made with mknod in a temp directory (root only), never at /dev.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { lstatSync, mkdtempSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodePstats, readAnyProfileFile } from "@tsprof/format";
import { throughPipe } from "./helpers/cli";

// Instrumented by hand as the transform would: work() called twice.
const program = `const probe = require(${JSON.stringify(require.resolve("@tsprof/runtime/probe"))}).module("prog.js", [["work", "", 2, 1, 0]]);
function work() { const t = probe.enter(0); try { return 1; } finally { probe.exit(t); } }
work(); work(); console.log("ran");
`;

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("TSPROF_")) env[key] = value;
  return { ...env, ...extra };
}

function run(dir: string, output: string): void {
  const result = spawnSync(process.execPath, ["prog.js"], { cwd: dir, env: cleanEnv({ TSPROF_OUTPUT: output }), encoding: "utf8", timeout: 30_000 });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, "ran\n");
  assert.equal(result.stderr, "");
}

test("TSPROF_OUTPUT naming a symlink writes the link's target and keeps the link", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-output-target-"));
  writeFileSync(join(dir, "prog.js"), program);
  writeFileSync(join(dir, "target.prof"), "old\n");
  const link = join(dir, "link.prof");
  symlinkSync("target.prof", link);
  run(dir, "link.prof");
  assert.equal(readlinkSync(link), "target.prof");
  const profile = readAnyProfileFile(join(dir, "target.prof"));
  assert.equal(profile.stats.find((row) => profile.functions[row.function]!.name === "work")?.calls, 2);
  assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith(".tmp")), []);
});

test("TSPROF_OUTPUT naming a character device (mknod) writes through it: still a device", { skip: !isRoot && "mknod needs root" }, () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-output-target-"));
  writeFileSync(join(dir, "prog.js"), program);
  assert.equal(spawnSync("mknod", ["-m", "666", join(dir, "nulldev"), "c", "1", "3"]).status, 0, "mknod");
  run(dir, "nulldev");
  assert.ok(lstatSync(join(dir, "nulldev")).isCharacterDevice());
});

test("TSPROF_OUTPUT=/dev/stdout (or /dev/stderr) where that is a pipe: the profile goes into the pipe after the program's output", { skip: process.platform !== "linux" && "Linux's /proc links" }, () => {
  // /dev/stdout → /proc/self/fd/1 → pipe:[N], no path: read as one, the exit writer made a temp
  // file in /proc/self/fd, failed with ENOENT, and the profile was lost.
  const dir = mkdtempSync(join(tmpdir(), "tsprof-output-target-"));
  writeFileSync(join(dir, "prog.js"), program);
  for (const [output, stream] of [["/dev/stdout", "stdout"], ["/dev/stderr", "stderr"]] as const) {
    // A shell's pipe: Node's spawn() would make a socket, which /dev/stdout cannot be opened on (ENXIO, in Python too).
    const result = throughPipe([process.execPath, "prog.js"], stream, { cwd: dir, env: { TSPROF_OUTPUT: output } });
    assert.equal(result.status, 0, result.other);
    const before = stream === "stdout" ? "ran\n" : "";
    assert.equal(result.other, stream === "stdout" ? "" : "ran\n", output);
    assert.equal(result.piped.subarray(0, before.length).toString(), before, output);
    const entries = decodePstats(result.piped.subarray(before.length), output);
    assert.equal(entries.find((entry) => entry.function.name === "work")?.calls, 2, output);
  }
  assert.deepEqual(readdirSync(dir), ["prog.js"]);
});
