// Writing profile files, format by extension (profileFileFormat(): the one rule of every writer,
// Profile.dumpStats, Stats.dumpStats, TSPROF_OUTPUT, `tsprof run -o`, `tsprof stats --dump`):
// .tsprof.json or .json → tsprof's JSON text, .cpuprofile → Chrome DevTools' format, any other
// name → Python's pstats marshal, as cProfile's dump_stats() writes whatever the name (`restats`,
// `x.stats`, `x.out`). A .json given marshal bytes would only fool the next reader, hence the
// exceptions.
//
// The runtime calls writeProfileFile() at exit, inside user code that may have replaced fs
// functions (fs-mocking libraries replace fs.renameSync, fs.writeFileSync and the rest on the
// module object), Buffer.from or String.prototype methods. So the fs functions are taken from the
// module once, when this file loads (the runtime loads before user code), and called from here:
// `import { renameSync } from "fs"` would read the module's property at every call. Nor is
// fs.writeFileSync used: Node's own writeFileSync calls fs.openSync, fs.writeSync and fs.closeSync
// through the live module object. The extension checks index the string instead of calling
// toLowerCase()/endsWith().
// Node's modules by their bare names (not `node:`): the package.json "browser" field maps those to
// empty modules, so bundlers can build the runtime for a page (test/browser.test.ts).
import * as fs from "fs";
import * as workerThreads from "worker_threads";
// Not the global: a realm given the host's require may lack it (test262's node host).
import { Buffer } from "buffer";
import { profileToPstatsBytes } from "./pstats-marshal";
import { writeProfileJson } from "./profile-json";
import { writeCpuProfileJson } from "./cpuprofile";
import type { Profile } from "./types";

const { closeSync, linkSync, openSync, renameSync, statSync, unlinkSync, writeSync } = fs;
const bufferFrom = Buffer !== undefined ? Buffer.from : undefined;
const reflectApply = Reflect.apply;
const stringIndexOf = String.prototype.indexOf;
const stringSlice = String.prototype.slice;
const threadId = workerThreads.threadId;

/** When `path` may have been written by someone else since the writer last looked (writeProfileFile). */
export interface UnlessChanged {
  /** fileIdentity(path) as it was when the writer looked ("" when there was no file). */
  identity: string;
  /** Where the profile goes instead when `path` is another file now. */
  otherwise: string;
}

/**
 * Writes `profile` to `path` atomically (temp file in the same directory, then rename), and returns
 * the path written. Synchronous: safe in exit handlers.
 *
 * With `unlessChanged`, a `path` that another writer has made or replaced since `identity` was
 * taken is left alone and the profile goes to `unlessChanged.otherwise`: two processes given one
 * output path (a forked child inherits TSPROF_OUTPUT) would otherwise each replace the other's
 * file, and one profile would be lost without a word. When there was no file, the temp file is
 * hard-linked to `path`, which fails if another process made it meanwhile (no window at all); a
 * file that was there is compared again just before the rename (two processes ending in the same
 * moment can still both pass that check). A file system without hard links gets the check alone.
 */
export function writeProfileFile(path: string, profile: Profile, unlessChanged?: UnlessChanged): string {
  checkProfileTarget(path);
  // pid and thread id: several processes or worker threads may write next to each other.
  const tmp = `${path}.${process.pid}-${threadId}.tmp`;
  try {
    const format = profileFileFormat(path);
    if (format === "pstats") writeBytesFile(tmp, profileToPstatsBytes(profile));
    else if (format === "cpuprofile") writeTextFile(tmp, (write) => writeCpuProfileJson(profile, write));
    else writeTextFile(tmp, (write) => writeProfileJson(profile, write));
    if (unlessChanged === undefined) {
      renameSync(tmp, path);
      return path;
    }
    if (unlessChanged.identity === "" && linkedAnew(tmp, path)) {
      unlinkSync(tmp);
      return path;
    }
    const now = fileIdentity(path);
    const target = now === "" || now === unlessChanged.identity ? path : unlessChanged.otherwise;
    renameSync(tmp, target);
    return target;
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temp file was never created
    }
    throw namingTarget(error, tmp, path);
  }
}

/** What a profile written to a path is (profileFileFormat()). */
export type ProfileFileFormat = "tsprof" | "cpuprofile" | "pstats";

/**
 * The format every tsprof writer uses for `path`, by its name: `.tsprof.json` or `.json` (any case)
 * tsprof's JSON, `.cpuprofile` Chrome DevTools', anything else (`.prof`, `.pstats`, `restats`,
 * `x.stats`, no extension) a pstats file, as cProfile's dump_stats() writes. A bare `.json` file
 * name is a name without an extension, as Node's extname() reads it. Uses no string method: the
 * runtime calls it at exit, where the program may have replaced them.
 */
export function profileFileFormat(path: string): ProfileFileFormat {
  if (hasExtension(path, ".json", true)) return "tsprof";
  if (hasExtension(path, ".cpuprofile", false)) return "cpuprofile";
  return "pstats";
}

/**
 * Throws, as Node's open() would for the user's path, when `path` cannot name a profile file: empty
 * (ENOENT), or a directory, existing or named with a trailing separator (EISDIR). Writing through a
 * temp file beside `path` turned these into the rename's errors, which named a rename the user never
 * asked for and differed by case (`dd/`: "ENOTDIR: not a directory, rename 'dd/'"); Python says
 * "Is a directory". Node's own message for an open, so the writers (Profile.dumpStats,
 * Stats.dumpStats, the runtime at exit) all say the same. Uses no string method (see the header).
 */
export function checkProfileTarget(path: string): void {
  if (path.length === 0) throw openError("ENOENT", "no such file or directory", path);
  const last = path[path.length - 1];
  if (last === "/" || (last === "\\" && process.platform === "win32")) throw openError("EISDIR", "illegal operation on a directory", path);
  let mode = 0;
  try {
    mode = statSync(path).mode;
  } catch {
    return; // nothing there (or unreadable): the write says what is wrong
  }
  if ((mode & 0o170000) === 0o040000) throw openError("EISDIR", "illegal operation on a directory", path);
}

function openError(code: string, description: string, path: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: ${description}, open '${path}'`);
  error.code = code;
  error.syscall = "open";
  error.path = path;
  return error;
}

/**
 * Which file `path` names now, as a string that changes when the file is replaced or rewritten
 * (device, inode, size, modification time); "" when there is none or it cannot be read.
 */
export function fileIdentity(path: string): string {
  try {
    const stats = statSync(path);
    return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`;
  } catch {
    return "";
  }
}

/** Hard-links `tmp` as `path` if there is no `path`: true when it did; false when `path` exists or the file system has no hard links. */
function linkedAnew(tmp: string, path: string): boolean {
  try {
    linkSync(tmp, path);
    return true;
  } catch {
    return false;
  }
}

/**
 * A failed open, write or rename of the temp file, told as a failure to write `path`: the user
 * never named `x.prof.123-0.tmp` and has nothing to look for there (it is gone). Node's message is
 * `CODE: description, syscall 'tmp'` (rename: `… 'tmp' -> 'path'`); the same error, its message and
 * `path` naming the user's file. Any other error passes as it is.
 */
function namingTarget(error: unknown, tmp: string, path: string): unknown {
  const e = error as NodeJS.ErrnoException | null;
  if (e === null || typeof e !== "object" || e.path !== tmp || typeof e.message !== "string" || typeof e.syscall !== "string") return error;
  const at = reflectApply(stringIndexOf, e.message, [`, ${e.syscall} '`]) as number;
  if (at < 0) return error;
  try {
    e.message = `${reflectApply(stringSlice, e.message, [0, at]) as string}, ${e.syscall} '${path}'`;
    e.path = path;
    delete (e as { dest?: string }).dest;
  } catch {
    // a frozen error: as it is
  }
  return error;
}

/**
 * Whether `path` ends with `extension` (lower case, ASCII), in any case: isPstatsPath() and
 * isCpuProfilePath() without string methods. `ownName`: the extension must follow some other
 * character of the file name, as path.extname() sees it (".prof" alone is a dotfile's name).
 */
function hasExtension(path: string, extension: string, ownName: boolean): boolean {
  const start = path.length - extension.length;
  if (start < 0) return false;
  for (let i = 0; i < extension.length; i++) {
    const c = path[start + i];
    const e = extension[i];
    if (c !== e && c !== UPPER[e]) return false;
  }
  if (!ownName) return true;
  const before = start > 0 ? path[start - 1] : "/";
  return before !== "/" && before !== "\\";
}

/** Upper case of the lower-case letters the extensions use (a prototype-less table: nothing inherited). */
const UPPER: Record<string, string> = Object.create(null) as Record<string, string>;
for (const c of "abcdefghijklmnopqrstuvwxyz") UPPER[c] = c.toUpperCase();

/** JSON text in chunks: a large call tree never has to fit in one string. */
function writeTextFile(path: string, writeText: (write: (chunk: string) => void) => void): void {
  const fd = openSync(path, "w");
  try {
    writeText((chunk) => writeAll(fd, toUtf8(chunk)));
  } finally {
    closeSync(fd);
  }
}

function writeBytesFile(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, "w");
  try {
    writeAll(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
}

function toUtf8(text: string): Uint8Array {
  return reflectApply(bufferFrom as (text: string, encoding: string) => Uint8Array, Buffer, [text, "utf8"]);
}
