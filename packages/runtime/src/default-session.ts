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
// Node's modules by their bare names (not `node:`): the package.json "browser" field maps those to
// empty modules, so bundlers can build the runtime for a page (test/browser.test.ts).
import { writeSync } from "fs";
import { isMainThread, threadId } from "worker_threads";
import { writeProfileFile, type Profile as ProfileData } from "@tsprof/format";
import { clockFromEnvironment } from "./clock";
import { resolveOutputTarget } from "./output-path";
import { RecordingSession } from "./recording-session";
import { getRuntimeState } from "./runtime-state";
import { shieldListener } from "./safe-builtins";

const hasProcess = typeof process === "object" && process !== null;
// Absent in some realms that still have `process` (a vm context given the host's require, as test262's node host does).
const scheduleImmediate: ((callback: () => void) => unknown) | undefined = typeof setImmediate === "function" ? setImmediate : undefined;
const noop = (): void => {};
const EXIT_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** The automatic session of this thread, started (and its exit hooks installed) on first call. */
export function startDefaultSession(env: NodeJS.ProcessEnv = processEnv()): RecordingSession {
  const state = getRuntimeState();
  const existing = state.defaultSession;
  // Created by this or another copy of the runtime: same shape, possibly another class object.
  if (existing !== undefined) return existing as RecordingSession;
  const session = new RecordingSession({
    clock: clockFromEnvironment(env),
    maxTreeNodes: positiveInteger(env.TSPROF_MAX_TREE_NODES),
    maxDepth: positiveInteger(env.TSPROF_MAX_DEPTH),
    meta: hasProcess ? { argv: process.argv.slice(), pid: process.pid } : {},
  });
  state.defaultSession = session;
  session.enable();
  // Outside Node (a browser bundle) there is no exit to hook: the page takes the profile with
  // globalThis.__tsprof.snapshot().
  if (!hasProcess || typeof process.on !== "function") return session;
  const cwd = process.cwd();
  let written = false;
  const writeOnce = shieldListener((): void => {
    if (written) return;
    written = true;
    writeDefaultProfile(session, env.TSPROF_OUTPUT, cwd);
  });
  process.on("exit", writeOnce);
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
        if (process.listenerCount(signal) > 1) return;
        writeOnce();
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      });
      process.on(signal, onSignal);
    }
    let extraTurnTaken = false;
    const onBeforeExit = shieldListener((): void => {
      if (extraTurnTaken || process.listenerCount("beforeExit") > 1) return;
      extraTurnTaken = true;
      if (scheduleImmediate !== undefined) scheduleImmediate(noop);
    });
    process.on("beforeExit", onBeforeExit);
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

function writeDefaultProfile(session: RecordingSession, template: string | undefined, cwd: string): void {
  let path = template ?? "";
  try {
    const target = resolveOutputTarget(template, process.pid, threadId, cwd);
    path = target.path;
    writeProfileFile(target.path, session.snapshot(true));
    if (target.announce) writeSync(2, `tsprof: profile written to ${target.path}\n`);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    try {
      writeSync(2, `tsprof: could not write the profile to ${path}: ${reason}\n`);
    } catch {
      // stderr closed: nothing left to tell
    }
  }
}

function positiveInteger(text: string | undefined): number | undefined {
  if (text === undefined || !/^[1-9][0-9]*$/.test(text)) return undefined;
  return Number(text);
}

function processEnv(): NodeJS.ProcessEnv {
  return hasProcess && process.env !== undefined ? process.env : {};
}
