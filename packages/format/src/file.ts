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
// Node's modules come from nodeBuiltin() (node-builtins.ts: no require() in an ES module bundle, nothing
// read in a page); outside Node, or where a bundle cannot reach fs, every entry here that touches a
// file throws needsNodeFs()'s one line (test/browser.test.ts, test/bundles.test.ts).
import type * as NodeFs from "fs";
import { needsNodeFs, nodeBuiltin } from "./node-builtins";
import { profileToPstatsBytes } from "./pstats-marshal";
import { writeProfileJson } from "./profile-json";
import { holdsNoTimes, NO_TIMES_FOR_CPUPROFILE, writeCpuProfileJson } from "./cpuprofile";
import type { Profile } from "./types";

const nodeFs = nodeBuiltin("fs");
// Outside Node every function below is undefined, and never called: ensureFs() comes first.
const fs: typeof NodeFs = nodeFs ?? ({} as typeof NodeFs);
const { accessSync, closeSync, fchmodSync, fchownSync, linkSync, lstatSync, openSync, readlinkSync, renameSync, statSync, unlinkSync, writeSync } = fs;
// realpathSync.native: the plain one walks the path in JavaScript with lstat calls the program may have replaced.
const realpathSync = fs.realpathSync !== undefined ? fs.realpathSync.native : undefined!;
const W_OK = fs.constants !== undefined ? fs.constants.W_OK : 2;
// Not the global Buffer: a realm given the host's require may lack it (test262's node host).
const NodeBuffer = nodeBuiltin("buffer")?.Buffer;
const bufferFrom = NodeBuffer !== undefined ? NodeBuffer.from : undefined;
const byteLength = NodeBuffer !== undefined ? NodeBuffer.byteLength : undefined;
const reflectApply = Reflect.apply;
const stringIndexOf = String.prototype.indexOf;
const stringSlice = String.prototype.slice;
const stringCharCodeAt = String.prototype.charCodeAt;
const imul = Math.imul;
const threadId = nodeBuiltin("worker_threads")?.threadId ?? 0;

/** Throws needsNodeFs()'s line where there is no fs to read or write with (a page, an ES module bundle on an old Node). */
function ensureFs(what: string): void {
  if (nodeFs === undefined) throw needsNodeFs(what);
}

/** When `path` may have been written by someone else since the writer last looked (writeProfileFile). */
export interface UnlessChanged {
  /** fileIdentity(path) as it was when the writer looked ("" when there was no file). */
  identity: string;
  /** Where the profile goes instead when `path` is another file now. */
  otherwise: string;
}

/**
 * Writes `profile` to `path` and returns the path written. Synchronous: safe in exit handlers.
 *
 * What is at `path` decides how, as Python's `cProfile -o` (`open(path, 'wb')`) and
 * `node --cpu-prof` treat it; renaming a new file over the path, as every write once did, replaced
 * whatever was there with a regular file (design.md §6 wants atomic writes for profile files, not
 * for the things a user may name instead):
 * - a symlink is followed (profileTarget()) and the file it names is written, by the rules below in
 *   that file's directory: the link stays a link and the target gets the profile;
 * - a character or block device, FIFO or socket (`-o /dev/stdout`, a twin of /dev/null, a FIFO with a
 *   reader) is opened and written through, with no temp file: there is nothing to replace atomically,
 *   and a rename would leave a regular file where the device was and the FIFO's reader waiting;
 * - a regular file, or nothing, is written atomically: a temp file beside it (a short name of its
 *   own, so a target name of up to 255 bytes still leaves room), then a rename. An existing file
 *   keeps its permission bits (and, for root, its owner): the rename would make them the umask's.
 *   When no temp file can be made there (a read-only directory holding a writable file), an
 *   existing regular file is written in place, as Python would: not atomic, but the only write left.
 *
 * With `unlessChanged`, a `path` that another writer has made or replaced since `identity` was
 * taken is left alone and the profile goes to `unlessChanged.otherwise`: two processes given one
 * output path (a forked child inherits TSPROF_OUTPUT) would otherwise each replace the other's
 * file, and one profile would be lost without a word. Many processes ending in the same moment lose
 * nothing either (placedUnlessChanged()): when there was no file, the temp file is hard-linked to
 * the target, which fails if another process made it meanwhile; a file that was there is replaced
 * only by the one writer holding the claim on replacing it, the others go to their `otherwise`. A
 * file system without hard links uses the claim for both. What no writer can tell is a file written
 * by a process that ended before this one started from an earlier run's: that one is replaced
 * (fileIdentitySince(); `%p` in the name keeps every profile).
 * A device or FIFO is written through whatever `unlessChanged` says: many writers are what it is for.
 */
export function writeProfileFile(path: string, profile: Profile, unlessChanged?: UnlessChanged): string {
  ensureFs("writing a profile file");
  // The format goes by the name the user gave (a link's target may be named anything).
  return writeThrough(path, (write) => writeProfileChunks(path, profile, write), unlessChanged);
}

/**
 * Writes `bytes` (a profile already encoded: Stats.dumpStats' pstats marshal) to `path` by
 * writeProfileFile()'s rules: through a symlink, device or FIFO, atomically onto a regular file.
 */
export function writeProfileBytesFile(path: string, bytes: Uint8Array): string {
  ensureFs("writing a profile file");
  return writeThrough(path, (write) => write(bytes));
}

/** A profile's text (UTF-8 when written) or bytes, in pieces. */
type Chunk = string | Uint8Array;

function writeThrough(path: string, bytes: (write: (chunk: Chunk) => void) => void, unlessChanged?: UnlessChanged): string {
  checkProfileTarget(path);
  const target = profileTarget(path);
  const existing = statOrUndefined(target);
  if (existing !== undefined && !isRegularFile(existing)) {
    writeInPlace(target, path, bytes);
    return path;
  }
  const tmp = tempPathBeside(target);
  let fd: number;
  try {
    fd = openTemp(tmp, existing !== undefined ? existing.mode & 0o7777 : 0o666);
  } catch (error) {
    // No temp file can be made beside it: a file that is there is written in place (a read-only
    // directory, a file the user may write); with nothing there, the open's error is the reason.
    if (existing === undefined) throw namingTarget(error, tmp, path);
    writeInPlace(target, path, bytes);
    return path;
  }
  try {
    try {
      if (existing !== undefined) keepModeAndOwner(fd, existing);
      bytes((chunk) => writeAll(fd, chunk));
    } finally {
      closeSync(fd);
    }
    if (unlessChanged === undefined) {
      renameSync(tmp, target);
      return path;
    }
    if (placedUnlessChanged(tmp, target, path, unlessChanged.identity)) return path;
  } catch (error) {
    removeQuietly(tmp);
    throw namingTarget(error, tmp, path);
  }
  // Another process wrote `path` meanwhile: the profile goes to `otherwise`, a name of its own
  // beside the user's path (which may be in another directory than the link's target, so no rename).
  removeQuietly(tmp);
  return writeThrough(unlessChanged.otherwise, bytes);
}

/**
 * Creates the temp file, never opening one that is there ("wx": a link planted at the name is not
 * followed). One that is there is a crashed writer's with this pid and thread id: removed, and the
 * open tried once more, so a leftover does not cost the profile.
 */
function openTemp(tmp: string, mode: number): number {
  try {
    return openSync(tmp, "wx", mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException | null)?.code !== "EEXIST") throw error;
    unlinkSync(tmp);
    return openSync(tmp, "wx", mode);
  }
}

/**
 * The file a write to `path` lands in: `path` itself unless it is a symlink, else the file the
 * chain of links ends at, which may not exist yet (a dangling link: Python's open() creates its
 * target, and so does this). A link to what is no file (`/dev/stdout` → `/proc/self/fd/1` →
 * `pipe:[N]`) ends the chain at the last link, which opens the pipe or socket itself. Uses no string
 * method (see the header).
 */
export function profileTarget(path: string): string {
  ensureFs("writing a profile file");
  try {
    return realpathSync(path);
  } catch {
    // nothing there, or a dangling link: follow the links one by one
  }
  let current = path;
  for (let hops = 0; hops < 40; hops++) {
    let link: string;
    try {
      if (!lstatSync(current).isSymbolicLink()) return current;
      link = readlinkSync(current);
    } catch {
      return current;
    }
    const absolute = link[0] === "/" || (process.platform === "win32" && (link[0] === "\\" || link[1] === ":"));
    // `/dev/stdout` → `/proc/self/fd/1` → `pipe:[5425786]`: Linux's links for open descriptors name
    // what is not a file by a word and a colon (`pipe:[N]`, `socket:[N]`, `anon_inode:[eventfd]`),
    // and the kernel follows them to the pipe all the same. The target is no path (realpath fails
    // on it, hence this loop), and read as one it named a file in /proc/self/fd, where nothing can
    // be made: `-o /dev/stdout | …` failed before the program ran, and TSPROF_OUTPUT=/dev/stdout
    // lost the profile (ENOENT). The link itself is what to open, as Python's open('/dev/stdout',
    // 'wb') does; its stat() is the pipe's, which writeThrough() writes through.
    if (!absolute && isDescriptorObjectName(link) && statOrUndefined(current) !== undefined && !anythingAt(`${directoryOf(current)}${link}`)) return current;
    current = absolute ? link : `${directoryOf(current)}${link}`;
  }
  return current; // a loop of links: the write says ELOOP
}

/**
 * Whether a profile can be written to `path` by writeProfileFile(), tried without writing it (the
 * check `tsprof run -o` makes before the program runs, so a bad path does not cost the whole run).
 * Throws the error the write would meet: a temp file beside the target is made and removed; a
 * device, FIFO or socket, or a regular file where no temp file can be made, must be writable itself
 * (access(), not open(): opening a FIFO for writing waits for a reader). A socket is opened, which
 * never waits and always fails (ENXIO, as Python's open() does): access() passed it, so `-o
 * /dev/stdout` from a program whose stdout is a socket (Node's spawn() makes its pipes of socket
 * pairs) ran the whole program before the write failed.
 */
export function checkProfileWritable(path: string): void {
  ensureFs("writing a profile file");
  checkProfileTarget(path);
  const target = profileTarget(path);
  const existing = statOrUndefined(target);
  if (existing !== undefined && (existing.mode & 0o170000) === 0o140000) {
    closeSync(openSync(target, "w"));
    return;
  }
  if (existing !== undefined && !isRegularFile(existing)) {
    accessSync(target, W_OK);
    return;
  }
  const tmp = tempPathBeside(target);
  try {
    closeSync(openTemp(tmp, 0o666));
  } catch (error) {
    if (existing === undefined) throw namingTarget(error, tmp, path);
    accessSync(target, W_OK);
    return;
  }
  unlinkSync(tmp);
}

/**
 * Whether a link's target reads as the name Linux gives an open descriptor's object that is not a
 * file (`pipe:[N]`, `socket:[N]`, `anon_inode:[eventfd]`, `anon_inode:inotify`): lower-case letters
 * or `_`, a colon, and no `/` (profileTarget()). Uses no string method (see the header).
 */
function isDescriptorObjectName(link: string): boolean {
  let at = 0;
  for (; at < link.length; at++) {
    const c = link[at]!;
    if (!((c >= "a" && c <= "z") || c === "_")) break;
  }
  if (at === 0 || link[at] !== ":") return false;
  for (; at < link.length; at++) if (link[at] === "/") return false;
  return true;
}

/** Whether something (a link included, dangling or not) is at `path`. */
function anythingAt(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** By the mode bits, not Stats.isFile(): a method the program may have replaced on the prototype. */
function isRegularFile(stats: NodeFs.Stats): boolean {
  return (stats.mode & 0o170000) === 0o100000;
}

function statOrUndefined(path: string): NodeFs.Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The directory part of `path` with its trailing separator ("" for a bare name). */
function directoryOf(path: string): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const c = path[i];
    if (c === "/" || (c === "\\" && process.platform === "win32")) return reflectApply(stringSlice, path, [0, i + 1]) as string;
  }
  return "";
}

/**
 * A temp file's name beside `target`: short and its own (`.tsprof-PID-THREAD.tmp`), not the target's
 * name with a suffix, which went past the 255 bytes a name may have for targets of 236 and more
 * (ENAMETOOLONG for a name the user could write). pid and thread id: several processes or worker
 * threads may write next to each other. A dot file, so a listing does not show it while it lives.
 */
function tempPathBeside(target: string): string {
  return `${directoryOf(target)}.tsprof-${process.pid}-${threadId}.tmp`;
}

/** The new file gets the replaced one's permission bits (past the umask) and, where allowed, its owner. */
function keepModeAndOwner(fd: number, existing: NodeFs.Stats): void {
  try {
    fchmodSync(fd, existing.mode & 0o7777);
  } catch {
    // a file system without modes: its default
  }
  if (typeof process.getuid === "function" && process.getuid() === 0) {
    try {
      fchownSync(fd, existing.uid, existing.gid);
    } catch {
      // as it is
    }
  }
}

/** Opens `target` for writing (truncating a regular file) and writes the profile through it: devices, FIFOs, sockets, and files in read-only directories. */
function writeInPlace(target: string, path: string, bytes: (write: (chunk: Chunk) => void) => void): void {
  let fd: number;
  try {
    fd = openSync(target, "w");
  } catch (error) {
    throw namingTarget(error, target, path);
  }
  try {
    bytes((chunk) => writeAll(fd, chunk));
  } catch (error) {
    throw namingTarget(error, target, path);
  } finally {
    closeSync(fd);
  }
}

/**
 * The profile in the format `name` calls for, given to `write` in chunks (a large call tree never has
 * to fit in one string). The JSON formats' text chunks go to the file as they are made (writeAll()):
 * a Buffer.from() of each, as before, copied every megabyte once more in JavaScript's heap, 0.4 s of
 * the 2 s a 200,000-node profile took at exit.
 */
function writeProfileChunks(name: string, profile: Profile, write: (chunk: Chunk) => void): void {
  const format = profileFileFormat(name);
  if (format === "pstats") write(profileToPstatsBytes(profile));
  else if (format === "cpuprofile") writeCpuProfileJson(profile, write);
  else writeProfileJson(profile, write);
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // never created, or gone
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

/** Whether a profile written to `path` is a Chrome .cpuprofile (profileFileFormat()'s rule, for the callers that only ask that). */
export function isCpuProfilePath(path: string): boolean {
  return profileFileFormat(path) === "cpuprofile";
}

/**
 * Throws when `path` names a .cpuprofile and `profile` has calls and no times (holdsNoTimes()), for
 * a writer the user named the file to (Profile.dumpStats, Stats.dumpStats), before it writes: the
 * file would show nothing. The runtime's write at exit does not ask: it puts such a profile in a
 * .tsprof.json instead (countOnlyTarget()), so the run's counts are kept.
 */
export function checkCpuProfileTimes(path: string, profile: Profile): void {
  if (isCpuProfilePath(path) && holdsNoTimes(profile)) throw new Error(`${path}: ${NO_TIMES_FOR_CPUPROFILE}: write .tsprof.json, .prof or .pstats for the counts`);
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
  ensureFs("writing a profile file");
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
  const stats = statOrUndefined(path);
  return stats === undefined ? "" : identityOf(stats);
}

/** fileIdentity()'s string for a file's stats. */
function identityOf(stats: NodeFs.Stats): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}

/**
 * The `identity` for `unlessChanged` of a writer whose process started at `startedMs` (ms since the
 * epoch: performance.timeOrigin), taken when it starts recording: fileIdentity(path), but a file
 * modified since the process started is another process's, never an earlier run's, and gets an
 * identity no file has, so that it is kept at exit. The runtime starts recording at the first
 * instrumented module, well after the process started: a test runner's workers, started together,
 * do not all get that far before the quickest has ended and written the file, and the slower ones
 * took it for an earlier run's and replaced it. A file written before this process started is
 * still replaced (nothing tells a process that ended then from an earlier run). The two times come
 * from one clock, the system's (a network file system with a skewed clock may keep an earlier run's
 * file: the profile goes beside it, said in a line, and nothing is lost).
 */
export function fileIdentitySince(path: string, startedMs: number): string {
  const stats = statOrUndefined(path);
  if (stats === undefined) return "";
  return stats.mtimeMs >= startedMs ? `written since ${startedMs}` : identityOf(stats);
}

/**
 * Puts the written temp file `tmp` at `target` if what `path` names is still what the writer saw
 * (`identity`, "" for nothing), and no other writer is putting its own file there: true when it did;
 * false when the profile is to go to `otherwise` (writeProfileFile()'s `unlessChanged`).
 *
 * A look followed by a rename is not enough: N processes ending together (a test runner's workers
 * with one TSPROF_OUTPUT) over a file an earlier run left all saw that file at start, all still see
 * it, and each rename replaced the one before: N-1 profiles lost without a word. So:
 * - nothing there: the temp file is hard-linked as `target`, which fails if another process made it
 *   meanwhile (atomic: one of many wins, the others go beside it);
 * - the file the writer saw: only the holder of a claim on replacing that very file (claimReplacing())
 *   looks again and renames; a writer that cannot take the claim (another holds it: it is replacing
 *   the same file now) goes beside it. Any change to the path by a writer here is made under the
 *   claim on what was there, so between its holder's look and its rename nothing changes the path.
 * - a file system without hard links (FAT, some network shares: link() fails, but not with EEXIST)
 *   takes the claim for "nothing there" as well, so it loses nothing either.
 */
function placedUnlessChanged(tmp: string, target: string, path: string, identity: string): boolean {
  const now = fileIdentity(path);
  if (now !== "" && now !== identity) return false;
  if (now === "") {
    try {
      linkSync(tmp, target);
      unlinkSync(tmp);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException | null)?.code === "EEXIST") return false;
      // no hard links here: the claim below
    }
  }
  const claim = replacementClaimPath(target, now);
  if (!claimReplacing(claim, tmp)) return false;
  try {
    if (fileIdentity(path) !== now) return false;
    renameSync(tmp, target);
    return true;
  } finally {
    removeQuietly(claim);
  }
}

/**
 * How old a claim must be, against the temp file just written (both times by the file system's
 * clock), to have been left by a writer that died holding it. A claim lives for one stat() and one
 * rename(); a minute is far beyond any scheduling delay, and a writer stopped that long (SIGSTOP in
 * that very instant) is the one case it cannot tell apart.
 */
const STALE_CLAIM_MS = 60_000;

/**
 * Takes the claim `claim` (replacementClaimPath()): creates it, failing if it is there ("wx", atomic
 * on every file system, hard links or not). False when another writer holds it, or when it cannot be
 * made (the profile then goes beside the path, which loses nothing). A claim whose writer was killed
 * between making and removing it (SIGKILL in that instant) would send every later profile of that
 * file beside it: one older than STALE_CLAIM_MS is removed, so the next writer replaces the file,
 * but this one still goes beside it, as two writers that both found it old must not both take it.
 */
function claimReplacing(claim: string, tmp: string): boolean {
  try {
    closeSync(openSync(claim, "wx", 0o600));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException | null)?.code !== "EEXIST") return false;
  }
  const claimed = statOrUndefined(claim);
  const written = statOrUndefined(tmp);
  if (claimed !== undefined && written !== undefined && written.mtimeMs - claimed.mtimeMs > STALE_CLAIM_MS) removeQuietly(claim);
  return false;
}

/**
 * The claim a writer holds while it replaces what is at `target` (fileIdentity() `identity`, ""
 * for nothing): `.tsprof-HASH.claim` beside it, the hash of both, so that writers replacing the same
 * file contend and no others. Short, as tempPathBeside()'s name, and a dot file. An existing file's
 * `target` is its real path, the same for every writer. Uses no string method (see the header).
 */
export function replacementClaimPath(target: string, identity: string): string {
  const key = `${target}\0${identity}`;
  // Two 32-bit FNV-1a hashes, of different offsets: a collision only sends a profile beside the path.
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    const c = reflectApply(stringCharCodeAt, key, [i]) as number;
    a = imul(a ^ c, 0x01000193);
    b = imul(b ^ c, 0x050c5d1f);
  }
  return `${directoryOf(target)}.tsprof-${hex32(a)}${hex32(b)}.claim`;
}

function hex32(value: number): string {
  let text = "";
  for (let shift = 28; shift >= 0; shift -= 4) text += HEX[(value >>> shift) & 15];
  return text;
}

const HEX = "0123456789abcdef";

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
 * Whether `path` ends with `extension` (lower case, ASCII), in any case, without string methods
 * (profileFileFormat()). `ownName`: the extension must follow some other
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

/**
 * Writes all of `chunk`. Text goes to writeSync() as it is, which encodes it as UTF-8 outside the
 * JavaScript heap; only when the system took part of it (a pipe, a full disk) is the text made bytes,
 * and the rest written from there. A chunk is whole JSON tokens, so it never splits a surrogate pair.
 */
function writeAll(fd: number, chunk: Chunk): void {
  let bytes: Uint8Array;
  let offset = 0;
  if (typeof chunk === "string") {
    if (chunk.length === 0) return;
    offset = writeSync(fd, chunk);
    if (offset === reflectApply(byteLength as (text: string, encoding: string) => number, NodeBuffer, [chunk, "utf8"])) return;
    bytes = toUtf8(chunk);
  } else bytes = chunk;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
}

function toUtf8(text: string): Uint8Array {
  return reflectApply(bufferFrom as (text: string, encoding: string) => Uint8Array, NodeBuffer, [text, "utf8"]);
}
