// The probe protocol types, copied from @tsprof/instrument's protocol.ts (the runtime must not import the instrument package).

/** Kind codes used in site tuples: 0 function, 1 generator, 2 async, 3 async generator. */
export const SITE_KIND_FUNCTION = 0;
export const SITE_KIND_GENERATOR = 1;
export const SITE_KIND_ASYNC = 2;
export const SITE_KIND_ASYNC_GENERATOR = 3;

/**
 * [name, qualifiedName ("" when equal to name), line, column (1-based, original source), kindCode, file?];
 * `file` only when the site is in another file than the module's (a module compiled from several sources).
 */
export type SiteTuple =
  | [name: string, qualifiedName: string, line: number, column: number, kind: number]
  | [name: string, qualifiedName: string, line: number, column: number, kind: number, file: string];

/** What `module(file, sites)` returns. All methods are total: they never throw. */
export interface ModuleHandle {
  /** A call of site `localSite` starts: push a frame, return its token (0 when not recording). */
  enter(localSite: number): number;
  /** The call that `token` names ends. Closes frames left open above it; closes a suspended frame. */
  exit(token: number): void;
  /** The frame leaves the stack at an await/yield; `marker` 1 in a `for await` loop's head and at the end of its body; returns `value` unchanged. */
  suspend<T>(token: number, value?: T, marker?: number): T;
  /** The frame comes back on the stack; no-op when already active or closed; returns `value` unchanged. */
  resume<T>(token: number, value?: T): T;
  /**
   * `yield* x` as `resume(t, yield* delegate(t, x))` (@tsprof/instrument's protocol). Like suspend, and the inner generator then runs under
   * the delegating one (as the engine runs it). Returns `value` unchanged.
   */
  delegate<T>(token: number, value: T): T;
}

/** The runtime entry's shape (`require("@tsprof/runtime/probe")` or `globalThis.__tsprof`). */
export interface ProbeEntry {
  module(file: string, sites: SiteTuple[]): ModuleHandle;
}
