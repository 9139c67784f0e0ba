// Writing profile files, format by extension: .prof/.pstats → Python pstats marshal, .cpuprofile →
// Chrome DevTools' format, anything else → .tsprof.json text.
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

const { closeSync, openSync, renameSync, unlinkSync, writeSync } = fs;
const bufferFrom = Buffer !== undefined ? Buffer.from : undefined;
const reflectApply = Reflect.apply;
const stringIndexOf = String.prototype.indexOf;
const stringSlice = String.prototype.slice;
const threadId = workerThreads.threadId;

/** Writes `profile` to `path` atomically (temp file in the same directory, then rename). Synchronous: safe in exit handlers. */
export function writeProfileFile(path: string, profile: Profile): void {
  // pid and thread id: several processes or worker threads may write next to each other.
  const tmp = `${path}.${process.pid}-${threadId}.tmp`;
  try {
    if (hasExtension(path, ".prof", true) || hasExtension(path, ".pstats", true)) writeBytesFile(tmp, profileToPstatsBytes(profile));
    else if (hasExtension(path, ".cpuprofile", false)) writeTextFile(tmp, (write) => writeCpuProfileJson(profile, write));
    else writeTextFile(tmp, (write) => writeProfileJson(profile, write));
    renameSync(tmp, path);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temp file was never created
    }
    throw namingTarget(error, tmp, path);
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
