// A profile as a Chrome .cpuprofile (the Profiler.Profile of the DevTools protocol), for Chrome
// DevTools' JavaScript profiler, speedscope and every other viewer of V8's own profiles.
//
// A .cpuprofile is a call tree plus samples: `samples[i]` is the node running during
// `timeDeltas[i]` microseconds, and viewers sum a node's samples into its self time (DevTools' tree
// views use hitCount × the mean interval, the timelines use the deltas). tsprof knows the self time
// of every call-tree node exactly, so each node with self time gets one sample that runs for that
// time in whole microseconds, and hitCount is the same number: both views agree. Deltas are rounded
// on the running sum, so the total is exact to a microsecond and no node is off by more than one.
// Nodes come in depth-first order (children in the profile's canonical order), which is the order
// the samples run in: a timeline shows each subtree as one block, like speedscope's "left heavy".
//
// Time the tree does not hold goes under a node "(outside the call tree)": with no tree at all (a
// profile read from a pstats file), or a tree that holds only part of each function's time, one
// child per function, so per-function self times (DevTools' Bottom-Up view) add up to the table's.
// tsprof's own runtime puts the time of calls past the tree's node cap into the node where the
// cap was met (the .tsprof.json tree's meaning): that tree holds all the time, some of it at those
// nodes rather than with its functions; only a remainder, if any, goes outside (one leaf).
//
// Times are V8's: microseconds on a clock with an arbitrary origin, `startTime` the first sample's,
// `endTime` = startTime + Σ timeDeltas. Never 0: DevTools' Performance panel takes a trace event at
// time 0 for a missing timestamp and leaves it out of the trace's range, so a profile starting at 0
// has no range at all and the panel stays empty. tsprof's start is the recording's start on the
// wall clock (meta.startedAt, µs since 1970), else (a tick clock, a pstats file) one second.
//
// Call frames are V8's too. `scriptId` is a string of a small integer per distinct url (ids in the
// order the urls first appear, "0" for the synthetic nodes): DevTools tells functions apart by
// name, scriptId, line and column, and with one id for every file it merged the same-named
// functions of different files. `url` is what V8 writes for a script on disk, a file:// URL of
// its absolute path, when the profile knows the root its paths are relative to (meta.root); a url
// the site table holds already (a page's http://…) and a name that is no path ("~", "<unknown>")
// stay as they are, and so does every path when the root is unknown.
//
// Runs at exit inside user code, whose builtins may be patched: index writes, no push, Map,
// iterators or JSON.stringify of objects (strings only); Date.parse and encodeURI captured at load.
import { chunkedEmitter, wholeText } from "./profile-json";
import type { CallTreeNode, FunctionInfo, Profile } from "./types";

const stringify = JSON.stringify;
const mathMax = Math.max;
const mathRound = Math.round;
const dateParse = Date.parse;
const encodeUri = encodeURI;
const objectCreate = Object.create;
/** "%XX" of each ASCII character urlPath() encodes (encodeURI leaves "#" and "?" alone). */
const PERCENT_ENCODED_ASCII: Record<string, string> = objectCreate(null);
for (let code = 0; code < 0x7f; code++) {
  const hex = code.toString(16).toUpperCase();
  PERCENT_ENCODED_ASCII[String.fromCharCode(code)] = code < 0x10 ? `%0${hex}` : `%${hex}`;
}
/** The start when the profile has no wall-clock start: one second, in µs (never 0, see above). */
const UNKNOWN_START = 1_000_000;

/** A node's call frame: its name, and the function it is (undefined for the root and the synthetic nodes). */
interface Frame {
  name: string;
  info: FunctionInfo | undefined;
}

/** Calls `write` with consecutive chunks (about 1 MB each) of the profile's .cpuprofile JSON text. */
export function writeCpuProfileJson(profile: Profile, write: (chunk: string) => void): void {
  const functions = profile.functions;
  // Nodes by id - 1 (id 1 is the root): frame, parent id, self time (s).
  const frames: Frame[] = [];
  const parents: number[] = [];
  const selfTimes: number[] = [];
  const add = (frame: Frame, parent: number, selfTime: number): number => {
    const id = frames.length + 1;
    frames[id - 1] = frame;
    parents[id - 1] = parent;
    selfTimes[id - 1] = selfTime;
    return id;
  };
  /** The frame of function `fn` (a name from the profile, or "(unknown)" for an index it lacks). */
  const frameOf = (fn: number): Frame => {
    const info = functions[fn];
    return { name: info !== undefined ? info.qualifiedName : "(unknown)", info };
  };
  add({ name: "(root)", info: undefined }, 0, 0);
  const treeSelf: number[] = [];
  for (let i = 0; i < functions.length; i++) treeSelf[i] = 0;

  // Depth first, children in order, with an explicit stack (a linked list: trees run thousands deep).
  interface Pending {
    node: CallTreeNode;
    parent: number;
    below: Pending | undefined;
  }
  let pending: Pending | undefined;
  const pushChildren = (nodes: readonly CallTreeNode[], parent: number): void => {
    for (let i = nodes.length - 1; i >= 0; i--) pending = { node: nodes[i]!, parent, below: pending };
  };
  const tree = profile.callTree;
  if (tree !== undefined) pushChildren(tree, 1);
  while (pending !== undefined) {
    const { node, parent } = pending;
    pending = pending.below;
    const frame = frameOf(node.function);
    const id = add(frame, parent, node.selfTime);
    if (frame.info !== undefined) treeSelf[node.function] += node.selfTime;
    pushChildren(node.children, id);
  }

  // What the tree lacks. Sums of the same numbers in another order differ in the last bits: only
  // a gap above a nanosecond-per-second tolerance counts.
  const tolerance = (seconds: number): number => 1e-9 * mathMax(1, seconds);
  let lacking = 0;
  let overCredited = false;
  for (let i = 0; i < profile.stats.length; i++) {
    const row = profile.stats[i]!;
    const gap = row.selfTime - (treeSelf[row.function] ?? 0);
    if (gap > tolerance(row.selfTime)) lacking += gap;
    else if (-gap > tolerance(row.selfTime)) overCredited = true;
  }
  if (lacking > 0 && !overCredited) {
    // The tree holds a part of each function's time (or nothing): the rest, function by function.
    const outside = add({ name: "(outside the call tree)", info: undefined }, 1, 0);
    for (let i = 0; i < profile.stats.length; i++) {
      const row = profile.stats[i]!;
      const gap = row.selfTime - (treeSelf[row.function] ?? 0);
      if (gap > tolerance(row.selfTime)) add(frameOf(row.function), outside, gap);
    }
  } else if (overCredited) {
    // Nodes at the node cap hold their callees' time: whatever the whole tree still lacks, as one leaf.
    let treeTotal = 0;
    let statsTotal = 0;
    for (let i = 0; i < selfTimes.length; i++) treeTotal += selfTimes[i]!;
    for (let i = 0; i < profile.stats.length; i++) statsTotal += profile.stats[i]!.selfTime;
    if (statsTotal - treeTotal > tolerance(statsTotal)) add({ name: "(outside the call tree)", info: undefined }, 1, statsTotal - treeTotal);
  }

  // Children lists: ids ascend in depth-first order, so appending keeps each parent's children in order.
  const children: number[][] = [];
  for (let id = 1; id <= frames.length; id++) children[id - 1] = [];
  for (let id = 2; id <= frames.length; id++) {
    const list = children[parents[id - 1]! - 1]!;
    list[list.length] = id;
  }

  // One sample per node with self time; deltas in whole µs, rounded on the running sum.
  const hitCounts: number[] = [];
  let exact = 0;
  let emitted = 0;
  for (let id = 1; id <= frames.length; id++) {
    exact += selfTimes[id - 1]! * 1e6;
    const delta = mathRound(exact) - emitted;
    hitCounts[id - 1] = delta > 0 ? delta : 0;
    if (delta > 0) emitted += delta;
  }

  // Each distinct file: its url and scriptId (a prototype-less table, nothing inherited).
  const root = profile.meta.root;
  const scripts = objectCreate(null) as Record<string, { url: string; scriptId: string }>;
  let scriptCount = 0;
  const scriptOf = (file: string): { url: string; scriptId: string } => {
    let script = scripts[file];
    if (script === undefined) {
      script = { url: cpuProfileUrl(file, root), scriptId: `${++scriptCount}` };
      scripts[file] = script;
    }
    return script;
  };

  const { emit, flush } = chunkedEmitter(write);
  emit('{"nodes":[');
  for (let id = 1; id <= frames.length; id++) {
    const { name, info } = frames[id - 1]!;
    const script = info !== undefined ? scriptOf(info.file) : { url: "", scriptId: "0" };
    // DevTools' lines and columns are 0-based; tsprof's 1-based, 0 when unknown.
    const line = info !== undefined ? info.line - 1 : -1;
    const column = info !== undefined && info.line > 0 ? info.column - 1 : -1;
    const list = children[id - 1]!;
    let text = `${id > 1 ? ",\n" : "\n"}{"id":${id},"callFrame":{"functionName":${stringify(name)},"scriptId":"${script.scriptId}","url":${stringify(script.url)},"lineNumber":${line},"columnNumber":${column}},"hitCount":${hitCounts[id - 1]}`;
    if (list.length > 0) {
      text += `,"children":[${list[0]}`;
      for (let i = 1; i < list.length; i++) text += `,${list[i]}`;
      text += "]";
    }
    emit(`${text}}`);
  }
  // Sample i starts when the deltas before it add up to; each sample runs until the next one. A
  // last sample on the root at the end time closes the last real one (speedscope ends a profile
  // at its last sample; DevTools at endTime), and costs nothing: hitCount 0.
  const startTime = startMicroseconds(profile);
  emit(`\n],"startTime":${startTime},"endTime":${startTime + emitted},"samples":[`);
  for (let id = 1; id <= frames.length; id++) if (hitCounts[id - 1]! > 0) emit(`${id},`);
  emit('1],"timeDeltas":[0');
  for (let id = 1; id <= frames.length; id++) {
    const delta = hitCounts[id - 1]!;
    if (delta > 0) emit(`,${delta}`);
  }
  emit("]}\n");
  flush();
}

/** Why a profile with calls and no times (holdsNoTimes()) makes no .cpuprofile; writers that refuse it say this. */
export const NO_TIMES_FOR_CPUPROFILE = "the profile has calls and no times (as TSPROF_MODE=count records them), and a .cpuprofile holds nothing else";

/**
 * Whether `profile` has calls and not one time, and nothing says a clock was running: TSPROF_MODE=count's
 * (meta.clock "none"), or a pstats file written from one ("python", "unknown": nothing else says so). Its
 * .cpuprofile would be a tree of zeros that starts where it ends: a blank panel in DevTools and speedscope.
 * A profile of a running clock (hrtime, fast, tick, a custom one) can have every time 0 and still be a
 * timed recording (calls shorter than the fast clock's 50 µs period): that one is written.
 */
export function holdsNoTimes(profile: Profile): boolean {
  const clocks = typeof profile.meta.clock === "string" ? profile.meta.clock.split("+") : ["unknown"];
  if (!clocks.every((clock) => clock === "none" || clock === "python" || clock === "unknown")) return false;
  let calls = 0;
  for (let i = 0; i < profile.stats.length; i++) {
    const row = profile.stats[i]!;
    if (row.selfTime !== 0 || row.totalTime !== 0) return false;
    calls += row.calls;
  }
  return calls > 0;
}

/** The recording's start in µs on the wall clock (meta.startedAt), else UNKNOWN_START. */
function startMicroseconds(profile: Profile): number {
  const startedAt = profile.meta.startedAt;
  const ms = typeof startedAt === "string" ? dateParse(startedAt) : NaN;
  return ms > 0 ? ms * 1000 : UNKNOWN_START;
}

/**
 * The url V8 would write for `file` (a site-table path, relative to `root` or absolute): the
 * file:// URL of its absolute path. A url already (`scheme://…`), a name that is no path ("~" for
 * Python's builtins, "<unknown>"), or a relative path with no root to resolve it: as it is.
 * Percent-encoded as V8 has it (see urlPath): for an ES module, Node's pathToFileURL() form, which
 * also encodes "[", "]", "^", "|" and "~"; only the extension tells one here (.mjs, .mts: a `.js` of a
 * `"type": "module"` package gets the CommonJS form).
 */
export function cpuProfileUrl(file: string, root: string | undefined): string {
  if (isUrl(file) || file === "" || file[0] === "~" || file[0] === "<") return file;
  let absolute: string;
  if (file[0] === "/") absolute = normalizedPath(file);
  else if (root !== undefined && root[0] === "/") absolute = normalizedPath(`${root}/${file}`);
  else return file;
  return `file://${urlPath(absolute, isModulePath(absolute))}`;
}

/**
 * An absolute path percent-encoded as in the url V8 gives a script Node loaded from disk: the
 * WHATWG URL path percent-encode set (controls, space, `"#<>?\`{}`, everything past "~", as UTF-8)
 * plus "%", and nothing else ("[", "]", "^", "|", "~" stay; encodeURI would take those too). V8
 * drops a tab, newline or carriage return from a CommonJS file's url and reads "\\" as "/", a url
 * of no file: those are encoded, as Node's pathToFileURL does. A lone surrogate is U+FFFD, as in
 * any URL (no name on disk has one; a site table may). An ES module's (`module`) is pathToFileURL's
 * form, which encodes "[", "]", "^", "|" and "~" too.
 */
function urlPath(path: string, module: boolean): string {
  let encoded = "";
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c > "~") {
      // DEL and everything past ASCII: its UTF-8 bytes, a surrogate pair as one code point.
      const low = path[i + 1];
      const pair = c >= "\uD800" && c <= "\uDBFF" && low !== undefined && low >= "\uDC00" && low <= "\uDFFF";
      const point = pair ? c + low : c;
      if (pair) i++;
      try {
        encoded += encodeUri(point);
      } catch {
        encoded += "%EF%BF%BD";
      }
    } else if (c <= " " || c === '"' || c === "#" || c === "%" || c === "<" || c === ">" || c === "?" || c === "\\" || c === "`" || c === "{" || c === "}") {
      encoded += PERCENT_ENCODED_ASCII[c]!;
    } else if (module && (c === "[" || c === "]" || c === "^" || c === "|" || c === "~")) {
      encoded += PERCENT_ENCODED_ASCII[c]!;
    } else encoded += c;
  }
  return encoded;
}

/** Whether `path` names an ES module by its extension alone (.mjs, .mts), compared without string methods. */
function isModulePath(path: string): boolean {
  const n = path.length;
  return n > 4 && path[n - 4] === "." && path[n - 3] === "m" && (path[n - 2] === "j" || path[n - 2] === "t") && path[n - 1] === "s";
}

/** `scheme://…` (RFC 3986 scheme: a letter, then letters, digits, "+", "-", "."). */
function isUrl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const letter = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");
    if (i === 0 ? !letter : !(letter || (c >= "0" && c <= "9") || c === "+" || c === "-" || c === ".")) {
      return i > 0 && c === ":" && text[i + 1] === "/" && text[i + 2] === "/";
    }
  }
  return false;
}

/** An absolute POSIX path with its "." and ".." segments and repeated "/" resolved (path.posix.normalize without string methods). */
function normalizedPath(path: string): string {
  const segments: string[] = [];
  let count = 0;
  let segment = "";
  for (let i = 0; i <= path.length; i++) {
    const c = i < path.length ? path[i] : "/";
    if (c !== "/") {
      segment += c;
      continue;
    }
    if (segment === "..") {
      if (count > 0) count--;
    } else if (segment !== "" && segment !== ".") segments[count++] = segment;
    segment = "";
  }
  let result = "";
  for (let i = 0; i < count; i++) result += `/${segments[i]}`;
  return result === "" ? "/" : result;
}

/** The whole .cpuprofile text at once (tests and small profiles). */
export function profileToCpuProfileText(profile: Profile): string {
  return wholeText((write) => writeCpuProfileJson(profile, write));
}
