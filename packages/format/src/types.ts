// The .tsprof.json profile file: every field, its meaning, unit and invariant.
//
// One data model end to end: the runtime produces a `Profile`, `@tsprof/stats`
// consumes it, and pstats' positional tuples exist only at the marshal boundary.
// Times are in seconds (`timeUnit: "s"`), as pstats prints them. A tick clock in
// tests yields exact multiples of its tick.

/** Current value of `Profile.version`. Bump on any incompatible change. */
export const PROFILE_VERSION = 1;
/** Value of `Profile.format`: identifies a tsprof profile among JSON files. */
export const PROFILE_FORMAT = "tsprof-profile";

/** What kind of function a site is; decides the suspension rules (the top of @tsprof/runtime's src/recorder.ts). */
export type FunctionKind =
  | "function" // plain function, arrow, method, accessor, constructor, static block
  | "generator" // function* : resumed frames run under whoever called next()
  | "async" // async function/arrow/method: resumed frames run under the logical caller
  | "async-generator"; // async function*: both of the above

/** Static facts about one function, known at compile time (the "site"). */
export interface FunctionInfo {
  /** Name as Chrome DevTools shows it: own name, else V8's inferred name, else "(anonymous)". */
  name: string;
  /** Qualified name: `Class.method`, `Class.#priv`, `static Class.make`, `get Class.x`; equals `name` for free functions. Printed in tables. */
  qualifiedName: string;
  /** Path relative to the project root, "/" separators. "~" for builtins read from Python pstats files. */
  file: string;
  /** 1-based line of the function's start in the original source (0 for builtins). */
  line: number;
  /** 1-based column of the function's start in the original source (0 when unknown). */
  column: number;
  kind: FunctionKind;
}

/** Per-function counters: one pstats row. */
export interface FunctionStats {
  /** Index into `Profile.functions`. */
  function: number;
  /** ncalls column (before "/"): every invocation, counted once however often it suspends. */
  calls: number;
  /** ncalls column (after "/"): invocations made while the function was not already on the stack. primitiveCalls <= calls. */
  primitiveCalls: number;
  /** tottime column, seconds: time in the function's own code, callees and suspensions excluded. */
  selfTime: number;
  /** cumtime column, seconds: time while an outermost activation was on the stack (recursion not double counted). */
  totalTime: number;
  /** async kinds only, seconds: sum over invocations of wall time from invocation to settle (suspensions included). */
  asyncWallTime?: number;
}

/** Per caller→callee counters: one entry of pstats' callers dict. Same four meanings, restricted to calls of `callee` made from `caller`. */
export interface EdgeStats {
  /** Index into `Profile.functions`. */
  caller: number;
  /** Index into `Profile.functions`. */
  callee: number;
  /** Calls of callee made from caller. */
  calls: number;
  /** Of those, the calls made while the pair caller→callee was not already active above. */
  primitiveCalls: number;
  /** Seconds of callee's self time while called from caller. */
  selfTime: number;
  /** Seconds of callee's cumulative time, outermost activations of the pair only. */
  totalTime: number;
  /**
   * true when only the counts are known: a caller that a pstats file of the pure-Python `profile`
   * module of old (`profile.run`) recorded as a bare call count. selfTime and totalTime are then 0
   * and mean nothing; pstats prints such a caller as `name(calls) cumtime`. Absent otherwise.
   */
  countsOnly?: true;
}

/** One node of the calling-context tree: a distinct call path from the root. */
export interface CallTreeNode {
  /** Index into `Profile.functions`. */
  function: number;
  /** Invocations of this function on exactly this path. */
  calls: number;
  /** Seconds of self time on this path. */
  selfTime: number;
  /** Seconds from entry to exit on this path, children included, suspensions excluded. */
  totalTime: number;
  /** Callee nodes, in canonical order (by function index). */
  children: CallTreeNode[];
}

export interface ProfileMeta {
  /** Producer, e.g. "tsprof 0.1.0". */
  tool: string;
  /** Clock used for the times: "hrtime", "performance.now", "tick", or "python" for converted pstats files. */
  clock: string;
  /** Command line of the profiled program, when known. */
  argv?: string[];
  /** Process id of the profiled program, when known. */
  pid?: number;
  /** ISO 8601 time the recording started, when known. */
  startedAt?: string;
  /** Absolute path of the directory the function table's relative `file` paths are relative to (the working directory when recording started), when known. Exports that need absolute paths (.cpuprofile urls) resolve against it. */
  root?: string;
  /** Number of call-tree nodes dropped because the tree cap was hit (0 or absent when complete). */
  droppedTreeNodes?: number;
  /**
   * Number of calls not recorded at all (0 or absent when none): made past the recorder's depth cap
   * (`maxDepth`, TSPROF_MAX_DEPTH) or, for async functions and generators, with every live frame
   * taken (`maxFrames`). Unlike the calls past the node cap they are in no count; their time is
   * their caller's. Readers should say so (`tsprof run` prints a line).
   */
  droppedCalls?: number;
  /** Maximum stack depth the recorder saw. */
  maxDepth?: number;
  /** Abandoned suspended generators closed early because the recorder's live-frame cap was hit. */
  reclaimedFrames?: number;
  /** Seconds of probe work taken out of every clock reading by overhead compensation (the calibrated bias; absent when off). */
  probeCost?: number;
}

export interface Profile {
  format: typeof PROFILE_FORMAT;
  version: typeof PROFILE_VERSION;
  /** Unit of every time field in the file. Always "s" in version 1. */
  timeUnit: "s";
  meta: ProfileMeta;
  /** Wall time, seconds, from enable to disable/snapshot of the recording. */
  duration: number;
  /** Function table, canonical order: by file, line, column, qualifiedName. Referenced by index everywhere else. */
  functions: FunctionInfo[];
  /** One row per function that was called, ordered by `function`. */
  stats: FunctionStats[];
  /** One entry per caller→callee pair, ordered by (callee, caller). Calls from the root (no caller) are not edges. */
  edges: EdgeStats[];
  /** Calling-context tree: the roots are the functions called with no instrumented caller. Omitted by converters that cannot know it (pstats files). */
  callTree?: CallTreeNode[];
}
