// writeProfileFile() onto what is already at the output path: a device, FIFO or socket is written
// through, a symlink is followed, a regular file keeps its mode, a file in a read-only directory is
// written in place, a 255-byte name is written; and checkProfileWritable(), the same rules tried
// before `tsprof run` starts the program. Device nodes are made with mknod in a temp directory
// (root only; else the test skips visibly), never at /dev.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, cpSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { checkProfileWritable, writeProfileFile } from "./file";
import { looksLikeMarshal, readAnyProfileFile } from "./pstats-marshal";
import { ONE_CALL_PROFILE as PROFILE } from "./one-call-profile.test-helper";

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
const hasSetpriv = spawnSync("setpriv", ["--version"]).status === 0;

function workDir(): string {
  return mkdtempSync(join(tmpdir(), "tsprof-write-target-"));
}

function tempNames(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith(".tmp"));
}

test("a character device (a /dev/null twin made with mknod) is written through and stays a device", { skip: !isRoot && "mknod needs root" }, () => {
  const dir = workDir();
  const device = join(dir, "nulldev");
  assert.equal(spawnSync("mknod", ["-m", "666", device, "c", "1", "3"]).status, 0, "mknod");
  assert.equal(writeProfileFile(device, PROFILE), device);
  assert.ok(lstatSync(device).isCharacterDevice(), "still a character device, not a regular file");
  assert.deepEqual(tempNames(dir), []);
  checkProfileWritable(device);
});

test("a symlink is followed: the link stays, its target gets the profile (relative, across directories, dangling)", () => {
  const dir = workDir();
  mkdirSync(join(dir, "real"));
  writeFileSync(join(dir, "real", "target.prof"), "old\n");
  symlinkSync(join("real", "target.prof"), join(dir, "link.prof"));
  assert.equal(writeProfileFile(join(dir, "link.prof"), PROFILE), join(dir, "link.prof"));
  assert.equal(readlinkSync(join(dir, "link.prof")), join("real", "target.prof"), "the link is still the link");
  assert.equal(readAnyProfileFile(join(dir, "real", "target.prof")).stats[0]?.calls, 1, "the target holds the profile");
  assert.deepEqual(tempNames(dir), []);
  assert.deepEqual(tempNames(join(dir, "real")), []);
  // A link to a link to a file that is not there yet: Python's open() creates the last target.
  symlinkSync("dangling.tsprof.json", join(dir, "hop.tsprof.json"));
  symlinkSync(join("real", "new.tsprof.json"), join(dir, "dangling.tsprof.json"));
  writeProfileFile(join(dir, "hop.tsprof.json"), PROFILE);
  assert.ok(lstatSync(join(dir, "hop.tsprof.json")).isSymbolicLink());
  assert.ok(lstatSync(join(dir, "dangling.tsprof.json")).isSymbolicLink());
  assert.equal(JSON.parse(readFileSync(join(dir, "real", "new.tsprof.json"), "utf8")).format, "tsprof-profile");
});

test("a FIFO is written through to its reader (no temp file renamed over it, which left the reader waiting)", async () => {
  const dir = workDir();
  const fifo = join(dir, "fifo");
  assert.equal(spawnSync("mkfifo", [fifo]).status, 0, "mkfifo");
  const out = join(dir, "read.prof");
  // The reader is another process: the write is synchronous and blocks until a reader opens.
  const reader = spawn("sh", ["-c", 'exec cat "$1" > "$2"', "sh", fifo, out], { stdio: "ignore", timeout: 30_000 });
  const done = new Promise<number | null>((resolve) => reader.on("exit", resolve));
  writeProfileFile(fifo, PROFILE);
  assert.equal(await done, 0, "the reader got EOF");
  assert.ok(lstatSync(fifo).isFIFO(), "still a FIFO");
  assert.ok(looksLikeMarshal(readFileSync(out)), "the reader got the profile");
  assert.deepEqual(tempNames(dir), []);
  checkProfileWritable(fifo); // access(), no open: returns without a reader
});

test("an existing regular file keeps its permission bits (a read-only one too), not the umask's 644", () => {
  const dir = workDir();
  for (const mode of [0o444, 0o640, 0o600]) {
    const path = join(dir, `m${mode.toString(8)}.prof`);
    writeFileSync(path, "old\n");
    chmodSync(path, mode);
    if (mode === 0o444 && !isRoot) chmodSync(path, 0o644); // a non-root writer may not replace it; the mode rule is the same
    const expected = statSync(path).mode & 0o7777;
    writeProfileFile(path, PROFILE);
    assert.equal(statSync(path).mode & 0o7777, expected, path);
    assert.ok(looksLikeMarshal(readFileSync(path)));
  }
  const fresh = join(dir, "fresh.prof");
  writeProfileFile(fresh, PROFILE);
  assert.equal(statSync(fresh).mode & 0o7777, 0o666 & ~process.umask(), "a new file: the umask's");
});

test("an output name of 245 bytes (the limit is 255) is written; the temp file's name is its own and short", () => {
  const dir = workDir();
  const path = join(dir, `${"x".repeat(240)}.prof`);
  writeProfileFile(path, PROFILE);
  assert.ok(looksLikeMarshal(readFileSync(path)));
  checkProfileWritable(path);
  const json = join(dir, `${"y".repeat(250)}.json`);
  writeProfileFile(json, PROFILE);
  assert.equal(JSON.parse(readFileSync(json, "utf8")).format, "tsprof-profile");
  assert.deepEqual(tempNames(dir), []);
});

test("a directory removed before the write: ENOENT naming the user's path, no temp file named", () => {
  const dir = workDir();
  const path = join(dir, "gone", "x.prof");
  for (const attempt of [() => writeProfileFile(path, PROFILE), () => checkProfileWritable(path)]) {
    assert.throws(attempt, (error: NodeJS.ErrnoException) => {
      assert.equal(error.code, "ENOENT");
      assert.equal(error.path, path);
      assert.ok(!error.message.includes(".tmp"), error.message);
      return true;
    });
  }
});

// As another user (uid 65534) when root, so the directory's permissions hold.
test("an existing writable file in a read-only directory is written in place, as Python's cProfile -o does; a new file there is refused", { skip: !(isRoot ? hasSetpriv : typeof process.getuid === "function") && "needs root with setpriv, or a non-root user" }, () => {
  // Under /tmp, not the test's TMPDIR: uid 65534 must be able to reach it (mkdtemp makes 0700).
  const dir = mkdtempSync(join("/tmp", "tsprof-rodir-"));
  try {
    chmodSync(dir, 0o755);
    const rodir = join(dir, "rodir");
    mkdirSync(rodir);
    const file = join(rodir, "out.prof");
    writeFileSync(file, "x\n");
    chmodSync(file, 0o666);
    chmodSync(rodir, 0o555);
    // The package's compiled files, copied where uid 65534 can read them (the build may sit in a
    // directory it cannot enter: the self-hosting test copies it under its 0700 TMPDIR).
    const lib = join(dir, "lib");
    cpSync(dirname(require.resolve("./file")), lib, { recursive: true, filter: (source) => !source.endsWith(".test.js") });
    const script = `const f = require(${JSON.stringify(join(lib, "file.js"))});
const profile = ${JSON.stringify(PROFILE)};
const attempt = (what) => { try { what(); return "ok"; } catch (e) { return e.code; } };
console.log(JSON.stringify({
  check: attempt(() => f.checkProfileWritable(${JSON.stringify(file)})),
  write: attempt(() => f.writeProfileFile(${JSON.stringify(file)}, profile)),
  checkNew: attempt(() => f.checkProfileWritable(${JSON.stringify(join(rodir, "new.prof"))})),
  writeNew: attempt(() => f.writeProfileFile(${JSON.stringify(join(rodir, "new.prof"))}, profile)),
}));`;
    const command = isRoot ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, "-e", script] : [process.execPath, "-e", script];
    const result = spawnSync(command[0]!, command.slice(1), { encoding: "utf8", timeout: 60_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { check: "ok", write: "ok", checkNew: "EACCES", writeNew: "EACCES" });
    assert.equal(readAnyProfileFile(file).stats[0]?.calls, 1);
    assert.deepEqual(readdirSync(rodir), ["out.prof"]);
  } finally {
    chmodSync(join(dir, "rodir"), 0o755);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a temp file a crashed writer left (same pid and thread id) is replaced, not a reason to fail", () => {
  const dir = workDir();
  const stale = join(dir, `.tsprof-${process.pid}-0.tmp`);
  writeFileSync(stale, "half a profile");
  const path = join(dir, "new.prof");
  writeProfileFile(path, PROFILE);
  assert.ok(looksLikeMarshal(readFileSync(path)));
  assert.deepEqual(tempNames(dir), []);
});
