// The probe protocol: the contract between the transforms (Babel, tsc) and the runtime.
//
// Every instrumented module gets, ahead of everything else except its directive
// prologue (and, in ES modules, an import of the runtime):
//
//   var _tsprof$k2x9a0bq$m;                          // the module handle, once loaded
//   function _tsprof$k2x9a0bq() {                    // hoisted: works during circular imports
//     return _tsprof$k2x9a0bq$m || (_tsprof$k2x9a0bq$m = require("<runtime>").module("src/a.ts", [SITE, ...]));
//   }
//   _tsprof$k2x9a0bq();                              // load the runtime before user code runs
//
// (k2x9a0bq: the module's tag, see probe-identifiers.ts; written `_tsprof$` below.
//  ESM: `import * as _tsprof$k2x9a0bq$rt from "<runtime>"` and `….module(...)`;
//  runtime "global": `globalThis.__tsprof.module(...)`.)
//
// Every instrumented function body becomes:
//
//   function m(a, b = g()) {                         // parameters untouched
//     "use strict";                                  // directive prologue stays first
//     const _tsprof$h = typeof _tsprof$ === "function" ? _tsprof$() : function () { return NO_OP; }();
//                                                    // the handle in a local: cheaper than two accessor calls
//     const _tsprof$t = _tsprof$h.enter(17);         // 17 = index in this module's site list
//     try { /* original body */ } finally { try { _tsprof$h.exit(_tsprof$t); } catch (_tsprof$e) {} }
//   }
//
// NO_OP is `{ enter: function () { return 0; }, exit: function () {} }`, plus suspend, delegate and resume
// returning their value in generators and async functions: the handle of a copy of the function evaluated
// from its source outside its module (new Function, an `eval: true` worker, page.evaluate), where the
// accessor is not in scope; it runs unprofiled. The try/catch keeps an exit probe that overflows the stack
// (after the program caught an overflow) from replacing the function's own completion; the frame it leaves
// open is closed by the next exit below it.
//
// In generator and async bodies (never in nested functions; computed keys belong to the outer body):
//   await x           → _tsprof$h.resume(_tsprof$t, await _tsprof$h.suspend(_tsprof$t, x))
//   yield x           → _tsprof$h.resume(_tsprof$t, yield _tsprof$h.suspend(_tsprof$t, x))
//   yield* x          → _tsprof$h.resume(_tsprof$t, yield* _tsprof$h.delegate(_tsprof$t, x))
//   return x          → return _tsprof$h.suspend(_tsprof$t, x)       (async generators only: the return statement
//                       awaits x before finally blocks run, so the frame leaves the stack there; no resume follows:
//                       the finally blocks' resume re-activates it, the exit probe closes it. Not `return;`)
//   for await (h of x) B → try {
//                            for await (h of _tsprof$h.suspend(_tsprof$t, x, 1)) {
//                              _tsprof$h.resume(_tsprof$t); try { B } finally { _tsprof$h.suspend(_tsprof$t, void 0, 1) } }
//                          } finally { _tsprof$h.resume(_tsprof$t) }   (however the loop ends; labels stay on the loop;
//                        the 1, FOR_AWAIT_MARKER, tells the loop's suspensions from an `await x` or a bare `yield`:
//                        the loop's machinery calls the iterator's methods right after them, under this frame)
//   for (h of x) B    → for (h of x) { try { B } finally { _tsprof$h.resume(_tsprof$t) } }
//                       (only when B holds a yield, yield* or await of this function, not of a nested one:
//                        a return or throw resumption out of that yield/await skips its resume probe and
//                        leaves the loop, which calls the iterator's return(); a generator's finally then
//                        runs, and it must run under this frame, as design.md §2 has a resumed generator
//                        run under whoever drives it. Resume is a no-op when the frame is already active.
//                        The head, labels, per-iteration bindings and B's own block stay as they are.
//                        for-in and other loops close nothing; a yield in the head's destructuring
//                        defaults is not covered)
//   catch (e) { B }   → catch (e) { _tsprof$h.resume(_tsprof$t); B }   (throw resumptions land here)
//   finally { B }     → finally { _tsprof$h.resume(_tsprof$t); B }     (return resumptions land here)
//   `using` and `await using` blocks, which the compiler lowers after the probes are in (tsc's esnext transform,
//   Babel's explicit-resource-management): the lowered block's finally gets the same resume, and the await with
//   which it disposes of its resources the await's probes:
//     tsc:   finally { resume(); const result_1 = __disposeResources(env_1); if (result_1) resume(t, await suspend(t, result_1)); }
//     Babel: finally { resume(); resume(t, await suspend(t, _usingCtx.d())); }
//   (ts-transformer/src/lowered-disposal.ts, babel-plugin/src/lowered-disposal.ts; `resume()` standing for
//   `_tsprof$h.resume(_tsprof$t)`, t for `_tsprof$t`)
//
// Identifiers are `_tsprof$<tag>`, `_tsprof$<tag>$m`, `_tsprof$h`, `_tsprof$t`, `_tsprof$<tag>$rt`, where
// the tag (eight base-36 digits) tells this file's header from any other's in a shared global scope
// (classic scripts, concatenations), unless the file already uses one of them, in which case the
// transform picks a fresh name.

/** Default module specifier of the runtime entry that instrumented modules load. */
export const DEFAULT_RUNTIME_SPECIFIER = "@tsprof/runtime/probe";

/** The third argument of the `suspend` probes of a `for await` loop (its head and the end of its body). */
export const FOR_AWAIT_MARKER = 1;

/** Runtime option value meaning "use globalThis.__tsprof" (browser bundles, inlined runtimes). */
export const GLOBAL_RUNTIME = "global";

/** Name of the global the runtime publishes its probe entry on. */
export const GLOBAL_PROBE_NAME = "__tsprof";

/**
 * Kind codes used in site tuples (compact on purpose: every module embeds its table). A frozen object and a
 * type of its values, not a `const enum`: a const enum in the published types is unusable under
 * `isolatedModules` (TS2748) and undefined at run time for code compiled by esbuild, swc or Babel.
 */
export const SiteKindCode = Object.freeze({
  Function: 0,
  Generator: 1,
  Async: 2,
  AsyncGenerator: 3,
} as const);
export type SiteKindCode = (typeof SiteKindCode)[keyof typeof SiteKindCode];

/**
 * One site as embedded in instrumented code:
 * [name, qualifiedName, line, column, kindCode, file?]. qualifiedName is "" when equal to name.
 * line and column are 1-based, of the original source. `file`, root-relative, only when the site is in
 * another file than the module's `file` argument: a module compiled from several sources (tsc
 * `outFile`, a bundle) whose input source map names a source per function. A runtime that reads only
 * five elements puts such a site in the module's file.
 */
export type SiteTuple =
  | [name: string, qualifiedName: string, line: number, column: number, kind: SiteKindCode]
  | [name: string, qualifiedName: string, line: number, column: number, kind: SiteKindCode, file: string];

/** What `module(file, sites)` returns: the per-module probe handle. All methods are total: they never throw. */
export interface ModuleHandle {
  /** A call of site `localSite` starts: push a frame, return its token (0 when not recording). */
  enter(localSite: number): number;
  /** The call that `token` names ends (normally or by exception). Closes frames left open above it. Suspended frames are closed too. */
  exit(token: number): void;
  /**
   * The frame leaves the stack at an await/yield; returns `value` unchanged. `marker` FOR_AWAIT_MARKER
   * (1) in a `for await` loop's head and at the end of its body: the loop's next() (and, in the head, its
   * [Symbol.asyncIterator]()) runs under the suspended frame.
   */
  suspend<T>(token: number, value?: T, marker?: number): T;
  /** `yield*`: the frame leaves the stack like suspend, and the delegated-to generator runs under it while the delegation lasts; returns `value` unchanged. */
  delegate<T>(token: number, value: T): T;
  /** The frame comes back on the stack; no-op when already active or closed; returns `value` unchanged. */
  resume<T>(token: number, value?: T): T;
}

/** The runtime entry module's shape (`require("@tsprof/runtime/probe")` or `globalThis.__tsprof`). */
export interface ProbeEntry {
  module(file: string, sites: SiteTuple[]): ModuleHandle;
}
