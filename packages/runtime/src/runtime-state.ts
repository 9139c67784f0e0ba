// The process-wide runtime state (function table, recording session) shared by every copy of the runtime via a global symbol.
import type { FunctionInfo, FunctionKind } from "@tsprof/format";
import type { ModuleHandle, SiteTuple } from "./probe-types";
import { append, createSafeMap, growUint8, type SafeMap } from "./safe-builtins";

/** What the probes call: the recorder of the session that is recording now. */
export interface ProbeTarget {
  enter(fn: number): number;
  exit(token: number): void;
  suspend(token: number, value?: unknown, marker?: unknown): void;
  resume(token: number): void;
  delegate(token: number, inner?: unknown): void;
}

/** A recorder whose frames may still be open while another records: it tells its tokens from others'. */
export interface TokenOwner extends ProbeTarget {
  /** Whether `token` names one of its open frames. */
  ownsToken(token: number): boolean;
  /** Its token tag (1..15). */
  readonly tag: number;
}

/** A session that can be paused while another records (only one records at a time, like sys.setprofile). */
export interface SessionOwner {
  /**
   * Another session starts recording: stop taking calls. Sessions of this copy keep their open
   * frames (their exits, suspensions and resumptions still reach them, see pausedTarget); copies
   * of the runtime from before that close them, as disable() does.
   */
  pauseForOther(): void;
  /** The other session stopped: record again if still enabled. */
  resumeAfterOther(): void;
  /**
   * While paused with frames that may be open: the recorder the probes of those frames go to
   * (the recording session's router asks it whose a token is), else null. Optional: sessions of
   * older copies of the runtime have none (they closed their frames when paused).
   */
  pausedTarget?(): TokenOwner | null;
}

export interface RuntimeState {
  /** Layout version of this object: copies of the runtime with another layout keep their own state. */
  readonly layout: 1;
  /** Every registered function, by global id (sites of the same file and position are registered once). */
  readonly functions: FunctionInfo[];
  /** Site kind code by global id (0 function, 1 generator, 2 async, 3 async generator). */
  kinds: Uint8Array;
  /** The recorder the probes feed, or null when nothing records. */
  active: ProbeTarget | null;
  /** The session owning `active`. */
  owner: SessionOwner | null;
  /**
   * The sessions paused for another, each still enabled, the one to record again next on top: a
   * session that takes over pushes the owner it paused; one that gives back resumes the top. A
   * session disabled while paused leaves it, wherever it is. Optional: created on first use, so a
   * state made by a copy of the runtime from before it existed works too.
   */
  paused?: SessionOwner[];
  /**
   * Probe cost (compensation bias, ticks per reading) measured for each kind of the runtime's own
   * clocks ("name\u0000unit"), so that a process calibrates each once (compensation.ts). Optional:
   * created on first use.
   */
  probeCosts?: Record<string, number>;
  /** Registers a module's sites and returns its probe handle. */
  module(file: string, sites: SiteTuple[]): ModuleHandle;
  /** A recorder tag (1..15) for tokens: tokens of one recorder are never valid in another. */
  allocateTag(): number;
  /** Run once, at the first module registration (starts the default session). */
  onFirstModule: (() => void) | null;
  /** The automatic session, owned by default-session.ts of whichever copy created it. */
  defaultSession: unknown;
  /**
   * Called first thing when the automatic session's SIGINT/SIGTERM/SIGHUP listener runs (before
   * the profile is written). `tsprof run` sets it to tell its parent process that the signal
   * reached JavaScript: a parent that hears nothing knows the program is busy and cannot flush.
   * Optional: copies of the runtime from before it existed leave it undefined.
   */
  onExitSignal?: ((signal: string) => void) | null;
}

/** Where every copy of the runtime finds the shared state (a registered symbol: shared across realms too). */
export const RUNTIME_STATE_KEY = Symbol.for("tsprof.recorder");
const KIND_NAMES: readonly FunctionKind[] = ["function", "generator", "async", "async-generator"];

/** The shared state, created by the first copy of the runtime that asks. */
export function getRuntimeState(): RuntimeState {
  const holder = globalThis as unknown as Record<symbol, RuntimeState | undefined>;
  const existing = holder[RUNTIME_STATE_KEY];
  if (existing !== undefined && existing !== null && existing.layout === 1) return existing;
  const created = createRuntimeState();
  Object.defineProperty(globalThis, RUNTIME_STATE_KEY, { value: created, writable: true, configurable: true, enumerable: false });
  return created;
}

function createRuntimeState(): RuntimeState {
  const siteIds: SafeMap<number> = createSafeMap();
  let nextTag = 0;
  const state: RuntimeState = {
    layout: 1,
    functions: [],
    kinds: new Uint8Array(256),
    active: null,
    owner: null,
    module(file, sites) {
      let ids: Int32Array;
      try {
        const count = sites !== null && typeof sites === "object" ? sites.length >>> 0 : 0;
        const fileName = String(file);
        ids = new Int32Array(count);
        for (let local = 0; local < count; local++) ids[local] = registerSite(state, siteIds, fileName, sites[local]);
      } catch {
        ids = new Int32Array(0); // unreadable site table (hostile getters): the module runs unprofiled
      }
      const onFirst = state.onFirstModule;
      if (onFirst !== null) {
        state.onFirstModule = null;
        try {
          onFirst();
        } catch {
          // Never throw into user code: the program runs unprofiled.
        }
      }
      return createModuleHandle(state, ids);
    },
    allocateTag() {
      nextTag = (nextTag % 15) + 1;
      return nextTag;
    },
    onFirstModule: null,
    defaultSession: undefined,
    onExitSignal: null,
  };
  return state;
}

function registerSite(state: RuntimeState, siteIds: SafeMap<number>, moduleFile: string, site: SiteTuple | undefined): number {
  const tuple: unknown[] = Array.isArray(site) ? site : [];
  // A module compiled from several sources names the file of each site that is not in the module's.
  const file = typeof tuple[5] === "string" && tuple[5] !== "" ? tuple[5] : moduleFile;
  const name = typeof tuple[0] === "string" && tuple[0] !== "" ? tuple[0] : "(anonymous)";
  const qualifiedName = typeof tuple[1] === "string" && tuple[1] !== "" ? tuple[1] : name;
  const line = naturalOrZero(tuple[2]);
  const column = naturalOrZero(tuple[3]);
  const kindCode = typeof tuple[4] === "number" && tuple[4] >= 0 && tuple[4] <= 3 ? tuple[4] | 0 : 0;
  const key = `${file}\u0000${line}\u0000${column}\u0000${qualifiedName}\u0000${name}\u0000${kindCode}`;
  const known = siteIds.get(key);
  if (known !== undefined) return known;
  const id = state.functions.length;
  append(state.functions, { name, qualifiedName, file, line, column, kind: KIND_NAMES[kindCode] });
  if (id >= state.kinds.length) state.kinds = growUint8(state.kinds, state.kinds.length * 2);
  state.kinds[id] = kindCode;
  siteIds.set(key, id);
  return id;
}

function naturalOrZero(value: unknown): number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : 0;
}

/** The per-module handle: local site index → global id; every method total (never throws). */
function createModuleHandle(state: RuntimeState, ids: Int32Array): ModuleHandle {
  return {
    enter(localSite: number): number {
      const target = state.active;
      if (target === null) return 0;
      const fn = ids[localSite];
      if (fn === undefined) return 0;
      try {
        return target.enter(fn);
      } catch {
        return 0;
      }
    },
    exit(token: number): void {
      const target = state.active;
      if (target === null || token === 0) return;
      try {
        target.exit(token);
      } catch {
        // never throw, never return a value from the finally probe
      }
    },
    suspend<T>(token: number, value?: T, marker?: number): T {
      const target = state.active;
      if (target !== null && token !== 0) {
        try {
          // marker 1: a `for await` loop's head or end of body (recorder.ts FOR_AWAIT_MARKER).
          target.suspend(token, value, marker);
        } catch {
          // never throw into user code
        }
      }
      return value as T;
    },
    delegate<T>(token: number, value: T): T {
      const target = state.active;
      if (target !== null && token !== 0) {
        try {
          target.delegate(token, value);
        } catch {
          // never throw into user code
        }
      }
      return value;
    },
    resume<T>(token: number, value?: T): T {
      const target = state.active;
      if (target !== null && token !== 0) {
        try {
          target.resume(token);
        } catch {
          // never throw into user code
        }
      }
      return value as T;
    },
  };
}
