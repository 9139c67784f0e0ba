// The automatic session: records from the first probe and writes the profile exactly once however the process ends (design.md §5, §6).
//
// Exit paths and how each is covered:
// - normal exit, process.exit(), uncaught exception, unhandled rejection: Node emits 'exit'
//   on all four (after printing the error and choosing the exit code itself), so one 'exit'
//   listener writes the file and the program's output and exit code stay Node's own;
// - SIGINT/SIGTERM/SIGHUP: when no other listener handles the signal, write, remove our
//   listener and re-raise it, so the process dies by the same signal. When the program has
//   its own listener we do nothing: it decides (and its process.exit() reaches 'exit');
// - a signal that arrives during synchronous work waits for the event loop (JS listeners
//   cannot interrupt running code, unlike Node's default action). If the loop then simply
//   empties, Node would exit without ever reading the signal (exit code 0), so on the first
//   'beforeExit' we ask for one more loop turn (setImmediate) to let the pending signal in.
//   Skipped when the program has its own 'beforeExit' listeners (they would run twice). A
//   program stuck in an endless synchronous loop still ignores SIGINT: the cost of flushing.
//   `tsprof run` hears about each signal this listener sees (state.onExitSignal), so its parent
//   process can tell a program that is flushing from one that never gets there, and stops the
//   latter with SIGKILL (packages/cli/src/child-signals.ts);
// - worker threads: each thread has its own global state, session and 'exit' event, and
//   writes its own file (`-t<threadId>`). worker.terminate() ends a thread without any event:
//   that profile is lost.
//
// Everything here that runs at exit or on a signal calls only functions captured when this
// module loaded, before any user code (design.md pitfall 8): the process methods (on,
// listenerCount, removeListener, kill), fs.writeSync, and writeProfileFile(), whose fs functions
// are captured the same way (format's file.ts). The output path is resolved when the session
// starts, so no path or string method runs at exit either. Test: test/patched-builtins-exit.test.ts.
// Node's modules come from format's nodeBuiltin(): no require() in an ES module bundle for Node
// (esbuild --format=esm), nothing read in a page (test/browser.test.ts, test/bundles.test.ts).
import { fileIdentity, fileIdentitySince, needsNodeFs, nodeBuiltin, writeProfileFile, type Profile as ProfileData, type UnlessChanged } from "@tsprof/format";
import { clockFromEnvironment } from "./clock";
import { environmentProblems, positiveIntegerSetting } from "./environment";
import { countOnlyTarget, otherProcessPath, resolveOutputTarget, type OutputTarget } from "./output-path";
import { RecordingSession } from "./recording-session";
import { getRuntimeState } from "./runtime-state";
import { callWith, shieldListener } from "./safe-builtins";

const hasProcess = typeof process === "object" && process !== null;
// Absent in some realms that still have `process` (a vm context given the host's require, as test262's node host does).
const scheduleImmediate: ((callback: () => void) => unknown) | undefined = typeof setImmediate === "function" ? setImmediate : undefined;
const noop = (): void => {};
const EXIT_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
const fs = nodeBuiltin("fs");
const workerThreads = nodeBuiltin("worker_threads");
// Undefined where a bundle cannot reach fs (an ES module bundle on a Node before 20.16): then
// writeStderr() falls back to process.stderr, and the profile is not written (one line says why).
const writeSync = fs !== undefined ? fs.writeSync : undefined;
const isMainThread = workerThreads !== undefined ? workerThreads.isMainThread : true;
const threadId = workerThreads !== undefined ? workerThreads.threadId : 0;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const defineProperty = Object.defineProperty;
const deleteProperty = Reflect.deleteProperty;
// process's EventEmitter methods and kill() as they are before user code runs: called with callWith().
const processOn = hasProcess ? process.on : undefined;
const processListenerCount = hasProcess ? process.listenerCount : undefined;
const processRemoveListener = hasProcess ? process.removeListener : undefined;
const processKill = hasProcess ? process.kill : undefined;
// When this process started (ms since the epoch), for fileIdentitySince(); undefined where there is no such clock.
const processStartMs = typeof performance === "object" && performance !== null && typeof performance.timeOrigin === "number" ? performance.timeOrigin : undefined;

/** What a host of the automatic session (`tsprof run`'s preload) learns about its writing. */
export interface DefaultSessionHooks {
  /**
   * Called once, just before the profile is written on a way out (the 'exit' event, or a signal the
   * runtime flushes on): from then on the process only writes and ends. `tsprof run` tells its parent
   * process, which then lets a signal wait for the write instead of taking the program for one busy in
   * JavaScript (packages/cli/src/child-signals.ts). Runs at exit: the same rules as afterWrite.
   */
  beforeWrite?(): void;
  /**
   * Called once the profile has been written, or has failed to be, on every way out (before a signal
   * is raised again, too). `failure` is the line the runtime would print on stderr, which it then
   * leaves to the hook: `tsprof run` says nothing once it has gone and removed the directory.
   * Runs at exit: it must call only functions captured before user code ran (see the header).
   */
  afterWrite?(failure: string | undefined): void;
  /**
   * [0]: the seconds the host has spent so far on its own work on another thread (`tsprof run`'s module hooks
   * compiling for an import()), left out of async wall times (SessionRecorderOptions.offClockSeconds in recorder.ts).
   */
  offClockSeconds?: Float64Array;
}

/** The automatic session of this thread, started (and its exit hooks installed) on first call. */
export function startDefaultSession(env: NodeJS.ProcessEnv = processEnv(), hooks: DefaultSessionHooks = {}): RecordingSession {
  const state = getRuntimeState();
  const existing = state.defaultSession;
  // Created by this or another copy of the runtime: same shape, possibly another class object.
  if (existing !== undefined) return existing as RecordingSession;
  // A setting the runtime cannot honour is said once, on stderr, and the default used: a profiler
  // should not stop the program it profiles (`tsprof run` refuses such a run before it starts).
  for (const problem of environmentProblems(env)) writeStderr(`tsprof: ignoring ${problem}\n`);
  const session = new RecordingSession({
    clock: clockFromEnvironment(env),
    maxTreeNodes: positiveIntegerSetting(env.TSPROF_MAX_TREE_NODES),
    maxDepth: positiveIntegerSetting(env.TSPROF_MAX_DEPTH),
    offClockSeconds: hooks.offClockSeconds,
    meta: hasProcess ? { argv: process.argv.slice(), pid: process.pid } : {},
  });
  state.defaultSession = session;
  session.enable();
  // Outside Node (a browser bundle) there is no exit to hook: the page takes the profile with
  // globalThis.__tsprof.snapshot().
  if (!hasProcess || typeof processOn !== "function" || typeof processListenerCount !== "function" || typeof processRemoveListener !== "function" || typeof processKill !== "function") return session;
  const on = (event: string, listener: () => void): void => void callWith(processOn, process, [event, listener]);
  const listenerCount = (event: string): number => callWith(processListenerCount, process, [event]);
  const pid = process.pid;
  // Where the profile goes, resolved now (TSPROF_OUTPUT as it is when recording starts): at exit
  // path.join() and the string methods resolveOutputTarget() uses may be the user's.
  // What the file there is now: at exit, a file another process wrote meanwhile (a forked child
  // with the same TSPROF_OUTPUT, or its parent) is kept, and this profile goes beside it.
  let target: OutputTarget | undefined;
  let targetError: unknown;
  let unlessChanged: UnlessChanged | undefined;
  try {
    if (fs === undefined) throw needsNodeFs("writing the profile");
    target = resolveOutputTarget(env.TSPROF_OUTPUT, pid, threadId, process.cwd());
    if (session.clock.name === "none") target = countOnlyTarget(target);
    // A file written since this process started is another's (a sibling that ended before the
    // first instrumented module ran here), not an earlier run's: fileIdentitySince().
    const identity = processStartMs !== undefined ? fileIdentitySince(target.path, processStartMs) : fileIdentity(target.path);
    unlessChanged = { identity, otherwise: otherProcessPath(target.path, pid) };
  } catch (error) {
    targetError = error;
  }
  let written = false;
  const writeOnce = shieldListener((): void => {
    if (written) return;
    written = true;
    const beforeWrite = hooks.beforeWrite;
    if (beforeWrite !== undefined) {
      try {
        beforeWrite();
      } catch {
        // the host's trouble never stops the write
      }
    }
    const failure = writeDefaultProfile(session, target, unlessChanged, targetError, env.TSPROF_OUTPUT || `tsprof-${pid}.tsprof.json`);
    const afterWrite = hooks.afterWrite;
    if (afterWrite === undefined) {
      if (failure !== undefined) writeStderr(failure);
      return;
    }
    try {
      afterWrite(failure);
    } catch {
      // the host's trouble never stops the exit
    }
  });
  on("exit", writeOnce);
  if (isMainThread) {
    for (const signal of EXIT_SIGNALS) {
      const onSignal = shieldListener((): void => {
        const observer = state.onExitSignal;
        if (typeof observer === "function") {
          try {
            observer(signal);
          } catch {
            // the observer's trouble never stops the flush
          }
        }
        if (listenerCount(signal) > 1) return;
        writeOnce();
        // Node's removeListener() asks the live process.listenerCount() whether the signal has
        // listeners left (to give it back its default action): ours, for that call only.
        withOwnProperty(process, "listenerCount", processListenerCount, () => callWith(processRemoveListener, process, [signal, onSignal]));
        callWith(processKill, process, [pid, signal]);
      });
      on(signal, onSignal);
    }
    let extraTurnTaken = false;
    const onBeforeExit = shieldListener((): void => {
      if (extraTurnTaken || listenerCount("beforeExit") > 1) return;
      extraTurnTaken = true;
      if (scheduleImmediate !== undefined) scheduleImmediate(noop);
    });
    on("beforeExit", onBeforeExit);
  }
  return session;
}

/**
 * Has `observer` called first thing whenever the automatic session's SIGINT/SIGTERM/SIGHUP listener
 * runs, before the profile is written (`tsprof run` tells its parent process; see the header).
 */
export function observeExitSignals(observer: (signal: string) => void): void {
  getRuntimeState().onExitSignal = observer;
}

/**
 * Takes `seconds` that have just passed out of the calls open now in the session that is recording,
 * as if its clock had stood still (RecordingSession.excludeTime()): `tsprof run`'s hooks call it
 * after compiling a module, which plain node does not do. A session of a runtime copy without the
 * method is left as it is.
 */
export function excludeFromRecording(seconds: number): void {
  const owner = getRuntimeState().owner as { excludeTime?: (seconds: number) => void } | null;
  if (owner === null || typeof owner.excludeTime !== "function") return;
  try {
    owner.excludeTime(seconds);
  } catch {
    // never into the program's require()
  }
}

/** The automatic session's profile so far (open frames closed on a copy), or undefined when it never started. */
export function snapshotDefaultSession(): ProfileData | undefined {
  const session = getRuntimeState().defaultSession as RecordingSession | undefined;
  return session === undefined ? undefined : session.snapshot();
}

/** Arranges for the first module registration to start the automatic session, unless TSPROF_AUTOSTART=0. */
export function armAutostart(env: NodeJS.ProcessEnv = processEnv()): void {
  if (env.TSPROF_AUTOSTART === "0") return;
  const state = getRuntimeState();
  if (state.defaultSession !== undefined || state.onFirstModule !== null) return;
  state.onFirstModule = () => {
    startDefaultSession(env);
  };
}

/** Writes the profile; returns the stderr line saying why it could not (undefined when written). */
function writeDefaultProfile(session: RecordingSession, target: OutputTarget | undefined, unlessChanged: UnlessChanged | undefined, targetError: unknown, template: string): string | undefined {
  const path = target !== undefined ? target.path : template;
  try {
    if (target === undefined) throw targetError;
    const written = writeProfileFile(target.path, session.snapshot(true), unlessChanged);
    if (written !== target.path) writeStderr(`tsprof: ${target.path} was written by another process while this one ran (one TSPROF_OUTPUT without %p for both): profile written to ${written}\n`);
    else if (target.announce) writeStderr(`tsprof: profile written to ${target.path}\n`);
    else if (target.instead !== undefined) writeStderr(`tsprof: ${target.instead}\n`);
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `tsprof: could not write the profile to ${path}: ${reason}\n`;
  }
}

function writeStderr(text: string): void {
  try {
    if (writeSync !== undefined) writeSync(2, text);
    else process.stderr.write(text);
  } catch {
    // stderr closed: nothing left to tell
  }
}

/**
 * Runs `action` with `object[key]` set to `value` (an own property), then puts back what was
 * there (the user's own property, or none). When the property cannot be replaced, `action` runs
 * as things are.
 */
function withOwnProperty(object: object, key: string, value: unknown, action: () => void): void {
  const previous = getOwnPropertyDescriptor(object, key);
  let replaced = false;
  try {
    defineProperty(object, key, { value, writable: true, configurable: true, enumerable: false });
    replaced = true;
  } catch {
    // non-configurable: leave it
  }
  try {
    action();
  } finally {
    if (replaced) {
      try {
        if (previous === undefined) deleteProperty(object, key);
        else defineProperty(object, key, previous);
      } catch {
        // nothing to restore it with
      }
    }
  }
}

function processEnv(): NodeJS.ProcessEnv {
  return hasProcess && process.env !== undefined ? process.env : {};
}
