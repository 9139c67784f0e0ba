// Reading a .tsprof.json profile: parse, then validate every field, failing with one line that names the file and the fault.
import { needsNodeFs, nodeBuiltin } from "./node-builtins";
import { PROFILE_FORMAT, PROFILE_VERSION, type FunctionKind, type Profile } from "./types";

// Node's modules from nodeBuiltin() (node-builtins.ts): undefined outside Node, where a page reads
// a profile's text and no file (reading one is needsNodeFs()'s one line there).
const fs = nodeBuiltin("fs");
// Not the global Buffer: a realm given the host's require may lack it (test262's node host).
const buffer = nodeBuiltin("buffer");

function nodeFs(what: string): typeof import("fs") {
  if (fs === undefined) throw needsNodeFs(what);
  return fs;
}

/** A profile file that cannot be used. `message` is one line: `<file>: <what is wrong>`. */
export class ProfileError extends Error {
  override name = "ProfileError";
  constructor(
    /** The file (or label) the profile came from. */
    readonly file: string,
    /** What is wrong, without the file name. */
    readonly reason: string,
    /** The system's error code (ENOENT, EACCES, EISDIR, …) when the file could not be read at all. */
    readonly code?: string,
  ) {
    super(`${printable(file)}: ${printable(reason)}`);
  }
}

/**
 * `text` with its control characters written as escapes (`\x00`, `\n`), as Python's repr() shows them:
 * a damaged file's names reached the one-line message raw (NUL, BEL, a newline that split the line).
 */
function printable(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x20 && code !== 0x7f) out += text[i];
    else if (code === 0x0a) out += "\\n";
    else if (code === 0x0d) out += "\\r";
    else if (code === 0x09) out += "\\t";
    else out += `\\x${code < 0x10 ? "0" : ""}${code.toString(16)}`;
  }
  return out;
}

const FUNCTION_KINDS: readonly FunctionKind[] = ["function", "generator", "async", "async-generator"];

export interface ReadProfileOptions {
  /**
   * false: leave the call tree out (the pstats table never reads it, and in a large profile it is
   * most of the text): it is neither parsed nor validated, and the result has no `callTree`.
   */
  callTree?: boolean;
}

/** Parses and validates the text (or bytes) of a .tsprof.json file; `name` labels error messages. */
export function readProfile(input: string | Uint8Array, name: string, options: ReadProfileOptions = {}): Profile {
  if (options.callTree === false) {
    const withoutTree = readWithoutCallTree(input, name);
    if (withoutTree !== undefined) return withoutTree;
  }
  const text = decodeText(input, name);
  if (text.trim() === "") throw new ProfileError(name, text === "" ? "empty file" : "empty file (only whitespace)");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    if (error instanceof RangeError) throw new ProfileError(name, "JSON nested too deeply");
    throw new ProfileError(name, describeJsonError(text));
  }
  return validateProfile(data, name);
}

/**
 * Reads and validates a .tsprof.json file. Unreadable files become a ProfileError too. With
 * `callTree: false` only the bytes before the call tree are read from disk (a few MB of a profile
 * whose tree is tens of MB), unless the file is not laid out as tsprof writes it.
 */
export function readProfileFile(path: string, options: ReadProfileOptions = {}): Profile {
  return options.callTree === false ? readProfileHead(readFileHead(path), path) : readProfile(readFileBytes(path), path, options);
}

/** readProfile(…, { callTree: false }) of a file from its head (readFileHead()), reading the rest only when the head is not enough. */
export function readProfileHead(head: FileHead, path: string, tables?: FunctionTableCache): Profile {
  if (!head.complete) {
    const range = tables !== undefined ? tableRange(head) : undefined;
    const withoutTree = (range !== undefined ? readWithKnownTable(head, range, path, tables!) : undefined) ?? readWithoutCallTree(head.bytes, path, head.treeComma);
    if (withoutTree !== undefined) {
      if (range !== undefined) rememberTable(head, range, withoutTree, tables!);
      return withoutTree;
    }
  }
  return readProfile(head.complete ? head.bytes : readFileBytes(path), path, { callTree: false });
}

/**
 * The function tables of the last profiles read with it (a few), by their bytes. Profiles of one
 * program (several runs, processes or threads of it) mostly have byte-identical tables, usually
 * the largest part of what precedes the call tree: with a cache, readProfileHead() parses and
 * checks such a table once, and the profiles it returns share that `functions` array (treat it as
 * read-only).
 */
export interface FunctionTableCache {
  tables?: Array<{ bytes: Buffer; functions: Profile["functions"] }>;
}

/** How many tables a FunctionTableCache keeps (the most recently used). */
const CACHED_TABLES = 8;

// The table as writeProfileJson lays it out: from its key to the key after it. (Strings: no Buffer
// may be made at load, where a browser bundle has none.)
const TABLE_START = '\n "functions": [';
const TABLE_END = '\n "stats": [';

interface TableRange {
  start: number;
  end: number;
}

/** The byte range of the function table in a head, or undefined when the layout is not writeProfileJson's. */
function tableRange(head: FileHead): TableRange | undefined {
  if (head.treeComma === undefined) return undefined;
  const start = head.bytes.indexOf(TABLE_START);
  const end = start < 0 ? -1 : head.bytes.indexOf(TABLE_END, start);
  return start >= 0 && end > start && end < head.treeComma ? { start, end } : undefined;
}

/** The profile when its function table is the cached one: the rest is parsed, the table reused. */
function readWithKnownTable(head: FileHead, range: TableRange, path: string, cache: FunctionTableCache): Profile | undefined {
  if (cache.tables === undefined) return undefined;
  const bytes = head.bytes;
  const table = bytes.subarray(range.start, range.end);
  const known = cache.tables.find((entry) => entry.bytes.length === table.length && entry.bytes.equals(table));
  if (known === undefined) return undefined;
  let data: Record<string, unknown>;
  try {
    // What precedes the table ends with a comma, and the table ends with "],": the two sides join.
    data = JSON.parse(`${decodeText(bytes.subarray(0, range.start), path)}${decodeText(bytes.subarray(range.end, head.treeComma), path)}}`) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (data === null || typeof data !== "object" || "functions" in data) return undefined;
  data.functions = known.functions;
  try {
    return validateProfile(data, path);
  } catch {
    return undefined; // the full read says what is wrong
  }
}

function rememberTable(head: FileHead, range: TableRange, profile: Profile, cache: FunctionTableCache): void {
  const tables = (cache.tables ??= []);
  const at = tables.findIndex((entry) => entry.functions === profile.functions);
  if (at >= 0) {
    tables.unshift(...tables.splice(at, 1)); // most recently used first
    return;
  }
  tables.unshift({ bytes: buffer!.Buffer.from(head.bytes.subarray(range.start, range.end)), functions: profile.functions });
  if (tables.length > CACHED_TABLES) tables.length = CACHED_TABLES;
}

/** Whether `functions` is a table `cache` handed out (so it has not changed since it was parsed). */
export function isCachedTable(cache: FunctionTableCache, functions: Profile["functions"]): boolean {
  return cache.tables !== undefined && cache.tables.some((entry) => entry.functions === functions);
}

/** The first bytes of a file read by readFileHead(): `complete` when they are the whole file. */
export interface FileHead {
  bytes: Buffer;
  complete: boolean;
  /** When not complete: the offset of the comma before the `"callTree"` key the bytes end with. */
  treeComma?: number;
}

/**
 * The bytes of `path` up to and including its top-level `"callTree":` key (what a reader without
 * the call tree needs), or the whole file when it has no such key. Read in growing chunks, so a
 * file whose tree is most of it is never read whole. Unreadable: a ProfileError, as readFileBytes.
 */
export function readFileHead(path: string, firstChunk = 4 << 20): FileHead {
  const held = heldStreams.get(path);
  if (held !== undefined) return { bytes: held, complete: true };
  const { closeSync, fstatSync, openSync, readFileSync, readSync } = nodeFs("reading a profile file");
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw fileError(path, error);
  }
  try {
    // A pipe or a device (/dev/stdin) cannot be read a second time: read it whole.
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { bytes: readFileSync(fd), complete: true };
    // No bigger than the file (+1 to see its end in one read).
    let bytes = buffer!.Buffer.allocUnsafe(Math.max(1, Math.min(firstChunk, stat.size + 1)));
    let length = 0;
    let searchFrom = 0;
    for (;;) {
      if (length === bytes.length) {
        const grown = buffer!.Buffer.allocUnsafe(bytes.length * 2);
        bytes.copy(grown, 0, 0, length);
        bytes = grown;
      }
      const read = readSync(fd, bytes, length, bytes.length - length, null);
      if (read === 0) return { bytes: bytes.subarray(0, length), complete: true };
      length += read;
      const view = bytes.subarray(0, length);
      const comma = callTreeComma(view, searchFrom);
      if (comma >= 0) return { bytes: view.subarray(0, view.indexOf(0x3a /* : */, comma) + 1), complete: false, treeComma: comma };
      // The key (and the spaces and colon after it) may straddle the chunk's end: look again from a little before it.
      searchFrom = Math.max(0, length - 64);
    }
  } catch (error) {
    if (error instanceof ProfileError) throw error;
    throw fileError(path, error);
  } finally {
    closeSync(fd);
  }
}

/**
 * The profile without its call tree, decoding and parsing only what comes before it: tsprof
 * writes `callTree` as the last top-level field, and `,"callTree":` cannot occur unescaped inside
 * a string. Undefined when the input is not laid out that way (the caller then reads all of it).
 */
function readWithoutCallTree(input: string | Uint8Array, name: string, comma?: number): Profile | undefined {
  const end = comma ?? callTreeComma(input);
  if (end < 0) return undefined;
  let data: unknown;
  try {
    const text = decodeText(typeof input === "string" ? input.slice(0, end) : input.subarray(0, end), name);
    data = JSON.parse(`${text}}`);
  } catch {
    return undefined;
  }
  try {
    return validateProfile(data, name);
  } catch {
    return undefined; // not the layout assumed (the cut dropped something): the full read says what is wrong
  }
}

/** The offset of the comma before the first `"callTree":` key (bytes or characters) at or after `start`, or -1. */
function callTreeComma(input: string | Uint8Array, start = 0): number {
  const key = '"callTree"';
  const bytes = typeof input === "string" ? undefined : buffer!.Buffer.from(input.buffer, input.byteOffset, input.length);
  const codeAt = (index: number): number => (bytes === undefined ? (input as string).charCodeAt(index) : bytes[index]!);
  for (let from = start; ; ) {
    const at = bytes === undefined ? (input as string).indexOf(key, from) : bytes.indexOf(key, from);
    if (at < 0) return -1;
    let before = at - 1;
    while (before >= 0 && isJsonSpace(codeAt(before))) before--;
    let after = at + key.length;
    while (after < input.length && isJsonSpace(codeAt(after))) after++;
    if (before >= 0 && codeAt(before) === 0x2c /* , */ && codeAt(after) === 0x3a /* : */) return before;
    from = at + 1;
  }
}

function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/** Inputs that are streams, read whole once by holdStreamInputs(), by the path they were named by. */
const heldStreams = new Map<string, Buffer>();

/**
 * Reads each of `paths` that is a stream (a pipe, a FIFO, a device: `<(cat p)`, `/dev/stdin`) whole,
 * now, and hands those bytes to every later read of that path in this process (readFileHead(),
 * readFileBytes()). A command reads an input more than once (`tsprof stats --dump`: the table from
 * the file's head, the dump from the whole file): a pipe then read empty the second time ("empty
 * file"), and a named FIFO's second open waited for another writer forever. Python's pstats reads a
 * file once. A path that cannot be stat'ed or read is left for the read to report.
 */
export function holdStreamInputs(paths: readonly string[]): void {
  const { readFileSync, statSync } = nodeFs("reading a profile file");
  for (const path of paths) {
    if (heldStreams.has(path)) continue;
    try {
      const stat = statSync(path);
      if (stat.isFile() || stat.isDirectory()) continue;
      heldStreams.set(path, readFileSync(path));
    } catch {
      // readFileHead()/readFileBytes() say what is wrong with it
    }
  }
}

/** The bytes of `path`, or a ProfileError saying why it cannot be read (missing, a directory, no permission). */
export function readFileBytes(path: string): Buffer {
  const held = heldStreams.get(path);
  if (held !== undefined) return held;
  const { readFileSync } = nodeFs("reading a profile file");
  try {
    return readFileSync(path);
  } catch (error) {
    throw fileError(path, error);
  }
}

function fileError(path: string, error: unknown): ProfileError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : code === "EACCES" ? "permission denied" : `cannot read (${code ?? String(error)})`;
  return new ProfileError(path, reason, code);
}

function decodeText(input: string | Uint8Array, name: string): string {
  if (typeof input === "string") return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (input.length > 0 && (input[0] === 0xfb || (input[0] === 0x7b && input.length > 1 && isMarshalTypeCode(input[1]!)))) {
    // Said of files already named .prof, which readProfileFile() reads as JSON whatever the name:
    // "name it .prof" sent the user in a circle. readAnyProfileFile() goes by the content.
    throw new ProfileError(name, "not a tsprof profile: looks like a Python pstats (marshal) file; read it with readAnyProfileFile() (as tsprof stats does)");
  }
  let text: string;
  try {
    // ASCII (a profile nearly always is) decodes as Latin-1, the cheapest way to a string.
    text =
      buffer !== undefined && typeof buffer.isAscii === "function" && buffer.isAscii(input)
        ? buffer.Buffer.from(input.buffer, input.byteOffset, input.length).toString("latin1")
        : new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(input);
  } catch {
    throw new ProfileError(name, "not a tsprof profile: binary data, not UTF-8 JSON");
  }
  if (text.includes("\u0000")) throw new ProfileError(name, "not a tsprof profile: binary data, not JSON");
  return text;
}

// The type codes (with or without FLAG_REF) that follow a marshal dict's "{": a key tuple, or "0" for an empty dict.
function isMarshalTypeCode(byte: number): boolean {
  const code = byte & 0x7f;
  return code === 0x28 /* ( */ || code === 0x29 /* ) */ || code === 0x30 /* 0 */ || (byte & 0x80) !== 0;
}

// JSON.parse's messages differ between Node versions and rarely give a position, so find the first fault ourselves.
function describeJsonError(text: string): string {
  const fault = findJsonFault(text);
  if (fault.offset >= text.length) return `truncated JSON at offset ${text.length}`;
  const char = text.codePointAt(fault.offset)!;
  const shown = char < 0x20 || char === 0x7f ? `\\u${char.toString(16).padStart(4, "0")}` : String.fromCodePoint(char);
  if (text.slice(0, fault.offset).trim() === "") return `not a tsprof profile: not JSON (starts with '${shown}')`;
  return `invalid JSON at offset ${fault.offset}: unexpected '${shown}'${fault.expected ? `, expected ${fault.expected}` : ""}`;
}

interface JsonFault {
  offset: number;
  expected?: string;
}

/** Scans JSON without building values; returns where it first goes wrong (offset == length: input ended early). */
function findJsonFault(text: string): JsonFault {
  let pos = 0;
  const fail = (expected?: string): never => {
    throw { offset: pos, expected } satisfies JsonFault;
  };
  const skipSpace = () => {
    while (pos < text.length && isJsonSpace(text.charCodeAt(pos))) pos++;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[pos] !== ch) fail(`'${word}'`);
      pos++;
    }
  };
  const string = () => {
    pos++; // opening quote
    for (;;) {
      if (pos >= text.length) fail();
      const ch = text.charCodeAt(pos);
      if (ch === 0x22) return void pos++;
      if (ch < 0x20) fail("a closing '\"'");
      if (ch === 0x5c) {
        pos++;
        if (pos >= text.length) fail();
        if (text[pos] === "u") {
          for (let i = 0; i < 4; i++) {
            pos++;
            if (pos >= text.length) fail();
            if (!/[0-9a-fA-F]/.test(text[pos]!)) fail("a hex digit");
          }
        } else if (!'"\\/bfnrt'.includes(text[pos]!)) fail("an escape character");
      }
      pos++;
    }
  };
  const number = () => {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(pos, pos + 400));
    if (!match || match[0] === "-") fail("a value");
    pos += match![0].length;
  };
  const scalar = () => {
    const ch = text[pos]!;
    if (ch === '"') string();
    else if (ch === "t") literal("true");
    else if (ch === "f") literal("false");
    else if (ch === "n") literal("null");
    else if (ch === "-" || (ch >= "0" && ch <= "9")) number();
    else fail("a value");
  };
  // A state machine with an explicit stack of closers: hostile nesting depth cannot overflow ours.
  const closers: string[] = [];
  let state: "value" | "key" | "after" = "value";
  try {
    for (;;) {
      skipSpace();
      if (state === "value") {
        if (pos >= text.length) fail();
        const ch = text[pos]!;
        if (ch === "{" || ch === "[") {
          const closer = ch === "{" ? "}" : "]";
          pos++;
          skipSpace();
          if (text[pos] === closer) {
            pos++;
            state = "after";
          } else {
            closers.push(closer);
            state = closer === "}" ? "key" : "value";
          }
        } else {
          scalar();
          state = "after";
        }
      } else if (state === "key") {
        if (pos >= text.length) fail();
        if (text[pos] !== '"') fail("a property name");
        string();
        skipSpace();
        if (pos >= text.length) fail();
        if (text[pos] !== ":") fail("':'");
        pos++;
        state = "value";
      } else {
        const closer = closers[closers.length - 1];
        if (closer === undefined) {
          if (pos < text.length) fail("end of input");
          return { offset: text.length };
        }
        if (pos >= text.length) fail();
        if (text[pos] === ",") {
          pos++;
          state = closer === "}" ? "key" : "value";
        } else if (text[pos] === closer) {
          pos++;
          closers.pop();
        } else fail(`',' or '${closer}'`);
      }
    }
  } catch (fault) {
    return fault as JsonFault;
  }
}

/** Checks that `data` (parsed JSON) is a valid Profile; returns it typed. Every fault names its JSON path. */
export function validateProfile(data: unknown, name: string): Profile {
  const fail = (path: string, reason: string): never => {
    throw new ProfileError(name, path ? `${path}: ${reason}` : reason);
  };
  if (!isObject(data)) fail("", `not a tsprof profile: expected a JSON object, got ${describe(data)}`);
  const root = data as Record<string, unknown>;
  if (!("format" in root)) {
    if (Array.isArray(root.nodes) && Array.isArray(root.samples)) {
      fail("", "not a tsprof profile: a Chrome .cpuprofile (timed samples, no call counts); tsprof reads .tsprof.json and Python pstats files");
    }
    fail("", 'not a tsprof profile: missing "format"');
  }
  if (root.format !== PROFILE_FORMAT) fail("", `not a tsprof profile: "format" is ${JSON.stringify(root.format)}, expected "${PROFILE_FORMAT}"`);
  if (!("version" in root)) fail("", 'missing "version"');
  if (root.version !== PROFILE_VERSION) {
    fail("version", `unsupported version ${JSON.stringify(root.version)} (this tsprof reads version ${PROFILE_VERSION})`);
  }
  if (root.timeUnit !== "s") fail("timeUnit", `expected "s", got ${describe(root.timeUnit)}`);

  const check = new FieldChecker(fail);
  const meta = check.object(root.meta, "meta");
  check.string(meta.tool, "meta.tool");
  check.string(meta.clock, "meta.clock");
  if (meta.argv !== undefined) check.array(meta.argv, "meta.argv").forEach((arg, i) => check.string(arg, `meta.argv[${i}]`));
  for (const field of ["pid", "droppedTreeNodes", "droppedCalls", "maxDepth", "reclaimedFrames"] as const) {
    if (meta[field] !== undefined) check.count(meta[field], `meta.${field}`);
  }
  if (meta.probeCost !== undefined) check.nonNegativeSeconds(meta.probeCost, "meta.probeCost");
  if (meta.startedAt !== undefined) check.string(meta.startedAt, "meta.startedAt");
  if (meta.root !== undefined) check.string(meta.root, "meta.root");
  check.seconds(root.duration, "duration");

  // The rows of a large profile are checked with plain predicates; a row that fails is checked
  // again field by field, which builds the JSON path of the first fault for the message.
  const functions = check.array(root.functions, "functions");
  for (let i = 0; i < functions.length; i++) {
    const info = functions[i] as Record<string, unknown>;
    if (isObject(info) && isFunctionInfo(info)) continue;
    const path = `functions[${i}]`;
    check.object(info, path);
    check.string(info.name, `${path}.name`);
    check.string(info.qualifiedName, `${path}.qualifiedName`);
    check.string(info.file, `${path}.file`);
    check.count(info.line, `${path}.line`);
    check.count(info.column, `${path}.column`);
    fail(`${path}.kind`, `expected one of ${FUNCTION_KINDS.map((k) => `"${k}"`).join(", ")}, got ${describe(info.kind)}`);
  }
  const functionCount = functions.length;
  const functionIndex = (value: unknown, path: string) => {
    const index = check.count(value, path);
    if (index >= functionCount) fail(path, `index ${index} out of range (${functionCount} functions)`);
    return index;
  };
  const callCounts = (row: Record<string, unknown>, path: string) => {
    const calls = check.count(row.calls, `${path}.calls`);
    const primitive = check.count(row.primitiveCalls, `${path}.primitiveCalls`);
    if (primitive > calls) fail(`${path}.primitiveCalls`, `${primitive} exceeds calls (${calls})`);
    check.seconds(row.selfTime, `${path}.selfTime`);
    check.seconds(row.totalTime, `${path}.totalTime`);
  };

  const seenRows = new Map<number, number>();
  const rows = check.array(root.stats, "stats");
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Record<string, unknown>;
    const valid =
      isObject(row) &&
      isIndex(row.function, functionCount) &&
      hasCallCounts(row) &&
      (row.asyncWallTime === undefined || (isSeconds(row.asyncWallTime) && (row.asyncWallTime as number) >= 0));
    if (!valid) {
      const path = `stats[${i}]`;
      check.object(row, path);
      functionIndex(row.function, `${path}.function`);
      callCounts(row, path);
      check.nonNegativeSeconds(row.asyncWallTime, `${path}.asyncWallTime`);
    }
    const fn = row.function as number;
    const seen = seenRows.get(fn);
    if (seen !== undefined) fail(`stats[${i}].function`, `function ${fn} already has a row (stats[${seen}])`);
    seenRows.set(fn, i);
  }

  const seenEdges = new Map<number, number>();
  const edges = check.array(root.edges, "edges");
  for (let i = 0; i < edges.length; i++) {
    const edge = edges[i] as Record<string, unknown>;
    if (!(isObject(edge) && isIndex(edge.caller, functionCount) && isIndex(edge.callee, functionCount) && hasCallCounts(edge))) {
      const path = `edges[${i}]`;
      check.object(edge, path);
      functionIndex(edge.caller, `${path}.caller`);
      functionIndex(edge.callee, `${path}.callee`);
      callCounts(edge, path);
    }
    if (edge.countsOnly !== undefined && edge.countsOnly !== true) fail(`edges[${i}].countsOnly`, `expected true or nothing, got ${describe(edge.countsOnly)}`);
    const caller = edge.caller as number;
    const callee = edge.callee as number;
    // A function called along an edge was called: a file without its row printed callers of a
    // function missing from the table (and a 0-call row for it under --limit). (An edge of 0 calls,
    // as merges and pstats' callers dicts may hold, says nothing of it.)
    if ((edge.calls as number) > 0 && !seenRows.has(callee)) fail(`edges[${i}].callee`, `function ${callee} has no row in stats`);
    const pair = caller * functionCount + callee;
    const seen = seenEdges.get(pair);
    if (seen !== undefined) fail(`edges[${i}]`, `edge ${caller}->${callee} already listed (edges[${seen}])`);
    seenEdges.set(pair, i);
  }

  if (root.callTree !== undefined) {
    // Explicit stack: a deep tree must not overflow ours.
    const pending: Array<[unknown, string]> = check
      .array(root.callTree, "callTree")
      .map((node, i) => [node, `callTree[${i}]`] as [unknown, string])
      .reverse();
    // A Profile built in code (validateProfile() of an API user's object) can hold a node twice: a
    // node among its own descendants made this loop run forever. JSON never does; the set costs
    // little next to the checks.
    const visited = new Set<object>();
    while (pending.length > 0) {
      const [entry, path] = pending.pop()!;
      const node = check.object(entry, path);
      if (visited.has(node)) fail(path, "a node already in the call tree (a cycle, or a subtree shared by two parents)");
      visited.add(node);
      functionIndex(node.function, `${path}.function`);
      check.count(node.calls, `${path}.calls`);
      check.seconds(node.selfTime, `${path}.selfTime`);
      check.seconds(node.totalTime, `${path}.totalTime`);
      const children = check.array(node.children, `${path}.children`);
      for (let i = children.length - 1; i >= 0; i--) pending.push([children[i], `${path}.children[${i}]`]);
    }
  }
  return data as Profile;
}

class FieldChecker {
  constructor(private readonly fail: (path: string, reason: string) => never) {}
  object(value: unknown, path: string): Record<string, unknown> {
    if (!isObject(value)) this.fail(path, `expected an object, got ${describe(value)}`);
    return value as Record<string, unknown>;
  }
  array(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) this.fail(path, `expected an array, got ${describe(value)}`);
    return value as unknown[];
  }
  string(value: unknown, path: string): string {
    if (typeof value !== "string") this.fail(path, `expected a string, got ${describe(value)}`);
    return value as string;
  }
  count(value: unknown, path: string): number {
    if (!isCount(value)) this.fail(path, `expected a non-negative integer, got ${describe(value)}`);
    return value as number;
  }
  seconds(value: unknown, path: string): number {
    if (!isSeconds(value)) this.fail(path, `expected a number of seconds, got ${describe(value)}`);
    return value as number;
  }
  /** A time only tsprof writes (async wall time, the probe cost): never negative. */
  nonNegativeSeconds(value: unknown, path: string): number {
    if (!isSeconds(value) || (value as number) < 0) this.fail(path, `expected a non-negative number of seconds, got ${describe(value)}`);
    return value as number;
  }
}

/**
 * A whole number >= 0. Not only a safe integer: a pstats file may hold a count past 2^53 (Python's
 * ints have no bound; marshal writes a long), which reads as the nearest double, is printed and
 * dumped as that double, and must read back from the dump.
 */
function isCount(value: unknown): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

/**
 * Any finite number. tsprof's recorder never writes a negative time, but Python's `profile` module
 * with its documented calibration bias does (pstats prints "in -0.180 seconds"), and such a file
 * dumped as .tsprof.json must read back, as pstats reads it.
 */
function isSeconds(value: unknown): boolean {
  return typeof value === "number" && Number.isFinite(value);
}

function isIndex(value: unknown, length: number): boolean {
  return isCount(value) && (value as number) < length;
}

function isFunctionInfo(info: Record<string, unknown>): boolean {
  return (
    typeof info.name === "string" &&
    typeof info.qualifiedName === "string" &&
    typeof info.file === "string" &&
    isCount(info.line) &&
    isCount(info.column) &&
    FUNCTION_KINDS.includes(info.kind as FunctionKind)
  );
}

/** calls, primitiveCalls <= calls, selfTime and totalTime, as a stats row and an edge have them. */
function hasCallCounts(row: Record<string, unknown>): boolean {
  return isCount(row.calls) && isCount(row.primitiveCalls) && (row.primitiveCalls as number) <= (row.calls as number) && isSeconds(row.selfTime) && isSeconds(row.totalTime);
}

function isObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing (missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
