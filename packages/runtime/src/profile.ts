// The API in the spirit of cProfile.Profile: enable/disable, runcall, run, scope, snapshot, dumpStats, printStats.
import { checkCpuProfileTimes, needsNodeFs, nodeBuiltin, writeProfileFile, type Profile as ProfileData } from "@tsprof/format";
import { createHrtimeClock, type Clock } from "./clock";
import { withCompensation } from "./compensation";
import type { RecorderOptions } from "./recorder";
import { RecordingSession } from "./recording-session";
import { getRuntimeState } from "./runtime-state";
// Captured at load, before user code can patch them (design.md pitfall 8).
import { callWith, defineProperty, objectCreate } from "./safe-builtins";

// Every option is `?: T | undefined`: an option set to undefined counts as absent (the README
// says so, and validateProfileOptions() does so), which a program compiled with
// exactOptionalPropertyTypes can only write when the type says it.
export interface ProfileOptions extends RecorderOptions {
  /** Time source (default: hrtime). Tests pass `createTickClock()`. */
  clock?: Clock | undefined;
  /**
   * Take the measured probe cost out of the times (compensation.ts). Default: on for the default
   * clock, off for a clock passed in; never for tick clocks.
   */
  compensate?: boolean | undefined;
}

/** Where printStats() writes: anything with a write(text) method (process.stdout, a stream, `{ write(s) { out += s; } }`), as @tsprof/stats' Stats takes. */
export interface TextSink {
  write(text: string): unknown;
}

/** A member of @tsprof/stats' SortKey enum (`SortKey.CUMULATIVE`), typed here by its shape: the runtime does not depend on the stats package. */
export interface SortKeyLike {
  readonly value: string;
}

/** What printStats() sorts by: a pstats key name, a SortKey member, a legacy number, several of one kind, or null/undefined for the default. */
export type PrintStatsSort = string | number | SortKeyLike | ReadonlyArray<string | SortKeyLike> | null | undefined;

/** What `scope()` returns: disposing it (or calling `close()`) disables the profile. */
export interface ProfileScope {
  close(): void;
  [Symbol.dispose](): void;
}

/**
 * A profiler under the program's control. Only one recorder records at a time (like
 * sys.setprofile): enabling this one pauses the one recording (the automatic session, another
 * Profile) until it is disabled. A paused profile keeps its open frames: the pause is time of the
 * frame that was on top, and its frames that end or resume meanwhile still reach it
 * (recording-session.ts). Disabling closes the frames still open (cProfile's disable() does the same).
 */
export class Profile {
  private readonly session: RecordingSession;

  constructor(options: ProfileOptions = {}) {
    validateProfileOptions(options);
    const clock = options.clock !== undefined ? outsideRecording(options.clock) : createHrtimeClock();
    const compensate = options.compensate ?? options.clock === undefined;
    this.session = new RecordingSession({ ...options, clock: compensate ? withCompensation(clock) : clock });
  }

  /** Whether this profile is recording now. */
  get enabled(): boolean {
    return this.session.recording;
  }

  enable(): void {
    this.session.enable();
  }

  disable(): void {
    this.session.disable();
  }

  /** Clears every counter collected so far. */
  clear(): void {
    this.session.clear();
  }

  /** Calls `fn(...args)` while recording and returns its result (cProfile's runcall). */
  runcall<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): R {
    this.enable();
    try {
      return fn(...args);
    } finally {
      this.disable();
    }
  }

  /**
   * Runs `body` while recording. When `body` returns a promise, recording continues until it
   * settles and the promise's outcome is returned: `await profile.run(async () => ...)`.
   */
  run<R>(body: () => R): R {
    this.enable();
    let result: R;
    try {
      result = body();
    } catch (error) {
      this.disable();
      throw error;
    }
    if (isThenable(result)) {
      return Promise.resolve(result).finally(() => this.disable()) as R;
    }
    this.disable();
    return result;
  }

  /** Enables now; disables when the returned scope is disposed: `using _ = profile.scope();`. */
  scope(): ProfileScope {
    this.enable();
    let open = true;
    const close = (): void => {
      if (!open) return;
      open = false;
      this.disable();
    };
    return { close, [Symbol.dispose]: close };
  }

  /** The profile so far (canonical). Open frames are closed at this instant on a copy; recording goes on undisturbed. */
  snapshot(): ProfileData {
    return this.session.snapshot();
  }

  /** Writes the profile to `path` (format by extension, atomically). Needs Node: a page takes snapshot() instead. */
  dumpStats(path: string): void {
    // Without a string the write failed inside it (reading `length` of undefined, Node's "newPath"
    // from the last rename); Python's dump_stats() says its file is missing.
    if (typeof path !== "string") throw new TypeError(`Profile.dumpStats needs the path of the file to write (a string), not ${describe(path)}`);
    // A page has no file to write: one line naming this call and snapshot() (format's writers would name themselves).
    if (nodeBuiltin("fs") === undefined) throw needsNodeFs("dumpStats");
    const profile = this.snapshot();
    checkCpuProfileTimes(path, profile);
    writeProfileFile(path, profile);
  }

  /**
   * Prints the pstats table via `@tsprof/stats`, loaded only now (the runtime does not depend on it),
   * as cProfile's print_stats(sort=-1) does: `Stats(self).strip_dirs().sort_stats(sort).print_stats()`.
   * `sort` is a pstats key name or a SortKey member (or an array of several), or a legacy number;
   * -1 (default), null or undefined is "standard name". A SortKey member is an object, as null
   * is: only an array is spread into several keys.
   */
  printStats(sort: PrintStatsSort = -1, stream?: TextSink): void {
    const stats = loadStatsPackage();
    // A bundle for the web gets an empty module here (the package.json "browser" field): printing
    // needs Node. The profile itself works there (snapshot()).
    if (typeof stats.Stats !== "function") throw new Error("printStats needs @tsprof/stats in Node (a browser bundle has none): print profile.snapshot() with it elsewhere");
    const keys: Array<string | number | SortKeyLike> = sort === null || sort === undefined ? [-1] : isArray(sort) ? [...sort] : [sort];
    const table = new stats.Stats(this.snapshot(), stream ?? process.stdout);
    table.stripDirs();
    table.sortStats(...keys);
    table.printStats();
  }
}

/**
 * A clock of the program's own, read with recording off: its now() may be instrumented code
 * (`{ now: () => performance.now() }` in a file tsprof run instruments), whose probe would ask the
 * recorder, which would read the clock again, without end: the program hung. cProfile calls a
 * Python timer function from its C callback, where it is not profiled either. The returned clock
 * has the original as its prototype, so unit, name and anything else it has are the original's.
 */
function outsideRecording(clock: Clock): Clock {
  const state = getRuntimeState();
  const read = clock.now;
  const guarded = objectCreate(clock) as Clock;
  // Defined, not assigned: an inherited read-only now would refuse the assignment.
  defineProperty(guarded, "now", {
    value: function now(): number {
      const active = state.active;
      state.active = null;
      try {
        return callWith(read, clock, []);
      } finally {
        state.active = active;
      }
    },
    writable: true,
    configurable: true,
  });
  return guarded;
}

/** The options a Profile accepts, and what each accepts (the README's options table says the same). */
const OPTION_RULES: Readonly<Record<keyof ProfileOptions, string>> = {
  clock: "an object with a now() function and a positive finite unit (seconds per tick)",
  compensate: "true or false",
  maxTreeNodes: "an integer from 1 to 2^30",
  maxDepth: "an integer from 1 to 2^30",
  maxFrames: "an integer from 1 to 2^21",
};
const KNOWN_OPTIONS = Object.keys(OPTION_RULES).join(", ");
const MAX_CAP = 2 ** 30; // node ids and stack indexes live in Int32Arrays; 2^30 nodes would be 40 GB anyway
const MAX_FRAMES = 0x200000; // recorder.ts's SLOT_RANGE

/**
 * Checks every option before anything is built, so a bad one fails here, with its name, rather
 * than later: a clock without now() used to be accepted and then threw from inside enable()
 * with the profile half-installed as the recorder, and a cap of 0, -1 or "x" was silently
 * clamped (maxDepth 0 recorded nothing below the first call). Unknown keys are refused too, so
 * that a typo ({ maxTreNodes }) does not pass unnoticed; an option set to undefined counts as absent.
 */
function validateProfileOptions(options: unknown): void {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`Profile: options must be an object (${KNOWN_OPTIONS}), not ${describe(options)}`);
  }
  const record = options as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!Object.prototype.hasOwnProperty.call(OPTION_RULES, key)) {
      throw new TypeError(`Profile: unknown option "${key}" (the options are ${KNOWN_OPTIONS})`);
    }
  }
  const fail = (key: keyof ProfileOptions, error: typeof TypeError | typeof RangeError): never => {
    throw new error(`Profile: option ${key} must be ${OPTION_RULES[key]}, not ${describe(record[key])}`);
  };
  const clock = record.clock;
  if (clock !== undefined) {
    if (clock === null || (typeof clock !== "object" && typeof clock !== "function")) fail("clock", TypeError);
    const { now, unit, name } = clock as { now?: unknown; unit?: unknown; name?: unknown };
    if (typeof now !== "function") {
      throw new TypeError(`Profile: option clock must be ${OPTION_RULES.clock}; its now is ${describe(now)}`);
    }
    if (typeof unit !== "number" || !Number.isFinite(unit) || unit <= 0) {
      throw new (typeof unit === "number" ? RangeError : TypeError)(`Profile: option clock must be ${OPTION_RULES.clock}; its unit is ${describe(unit)}`);
    }
    if (name !== undefined && typeof name !== "string") {
      throw new TypeError(`Profile: option clock's name, if given, must be a string, not ${describe(name)}`);
    }
  }
  if (record.compensate !== undefined && typeof record.compensate !== "boolean") fail("compensate", TypeError);
  const caps: Array<[keyof ProfileOptions, number]> = [["maxTreeNodes", MAX_CAP], ["maxDepth", MAX_CAP], ["maxFrames", MAX_FRAMES]];
  for (const [key, max] of caps) {
    const value = record[key];
    if (value === undefined) continue;
    if (typeof value !== "number") fail(key, TypeError);
    if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > max) fail(key, RangeError);
  }
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return "a function";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "bigint") return `${value}n`;
  return String(value);
}

/** `new Profile(options)`. */
export function createProfile(options: ProfileOptions = {}): Profile {
  return new Profile(options);
}

/** The part of @tsprof/stats used here (typed locally: the runtime must not import it at build time). */
interface StatsPackage {
  Stats?: new (
    profile: ProfileData,
    stream: TextSink,
  ) => { stripDirs(): unknown; sortStats(...keys: Array<string | number | SortKeyLike>): unknown; printStats(): unknown };
}

function loadStatsPackage(): StatsPackage {
  try {
    return require("@tsprof/stats") as StatsPackage;
  } catch (error) {
    if ((error as { code?: unknown }).code !== "MODULE_NOT_FOUND") throw error;
    throw new Error("printStats needs @tsprof/stats: install it (npm install @tsprof/stats) or use dumpStats(path)");
  }
}

function isArray(value: unknown): value is ReadonlyArray<string | SortKeyLike> {
  return Array.isArray(value);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
