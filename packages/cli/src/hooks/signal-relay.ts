// The child's side of the signal channel (signal-channel.ts): tells the `tsprof run` parent when a
// signal reaches JavaScript, and raises the signals the parent received alone.
//
// Why the parent needs to hear it: the runtime writes the profile from a JS signal listener, and
// a JS listener runs only when the event loop gets control. A program busy in JavaScript (an
// endless loop, a long synchronous computation) never gives it, so where plain node dies at once
// of Ctrl-C, the profiled program would keep running. The parent waits a moment for "S <SIGNAL>"
// and, hearing nothing, stops the program with SIGKILL. The acknowledgement comes first thing in
// the listener, before the profile is written: a program writing a large profile is never cut off.
//
// Why forwarded signals come as messages and not as kill(): Ctrl-C reaches the whole process
// group, the child as well as the parent, and a kill() on top of it would run the program's own
// SIGINT listener twice ("press Ctrl-C again to quit" would quit). A message says which of the
// parent's signals it is (the n-th SIGINT); the child raises it only when it has not seen as many.
// A real signal already delivered is read by the event loop no later than the message that
// follows it: the check waits two turns of the loop so that it is counted first.
//
// Why the parent needs to hear about the write too ("W"): the profile written at the program's end,
// from the 'exit' event, is synchronous work after the last of the program's own, and a million-node
// tree takes seconds. A signal then never reaches JavaScript (the loop does not turn again), so
// without a word the parent took the writing program for a busy one and stopped it with SIGKILL,
// profile and all, where plain node would have finished the write.
import { existsSync, writeFileSync, writeSync } from "node:fs";
import { Socket } from "node:net";
import { Duplex } from "node:stream";
import { isMainThread } from "node:worker_threads";
import { observeExitSignals } from "@tsprof/runtime";
import { SIGNAL_CHANNEL_ENV, isRelayedSignal, lineReader } from "../signal-channel";

/**
 * Tests only, undocumented: a path. Before the profile is written the child makes `<path>.held` and waits
 * (60 s at most) until `<path>` exists, so that a test can send a signal while the write is under way
 * without a profile big enough to take seconds.
 */
export const HOLD_WRITE_ENV = "TSPROF_TEST_HOLD_WRITE";
const HOLD_WRITE_LIMIT_MS = 60_000;

/**
 * Connects the channel when `tsprof run` gave one; returns what the runtime calls just before it writes
 * the profile on a way out (DefaultSessionHooks.beforeWrite), or undefined without a channel.
 */
export function connectSignalRelay(env: NodeJS.ProcessEnv = process.env): (() => void) | undefined {
  const spec = env[SIGNAL_CHANNEL_ENV];
  if (spec === undefined || !isMainThread) return undefined;
  const [fd, parentPid] = spec.split(" ").map(Number);
  // A process the program forks gets our preload and environment, but its fd is not ours.
  if (!Number.isInteger(fd) || process.ppid !== parentPid) return undefined;
  // Captured now: the program may replace process.kill or setImmediate later.
  const raise = process.kill.bind(process, process.pid);
  const nextTurn = setImmediate;
  const seen: Record<string, number> = { SIGINT: 0, SIGTERM: 0, SIGHUP: 0 };
  const tell = (line: string): void => {
    try {
      writeSync(fd, line + "\n");
    } catch {
      // the parent is gone: nobody to tell
    }
  };
  observeExitSignals((signal) => {
    seen[signal] = (seen[signal] ?? 0) + 1;
    tell(`S ${signal}`);
  });
  const beforeWrite = writeAnnouncer(tell, env[HOLD_WRITE_ENV]);
  let channel: Socket;
  try {
    channel = new Socket({ fd, readable: true, writable: false });
  } catch {
    return beforeWrite; // the program's environment names an fd that is not a socket: acknowledgements only
  }
  // Node's Socket.prototype.read ends in `Duplex.prototype.read.call(this, n)`, and it first runs on
  // the tick after the main script (a CommonJS main runs in the same tick as this preload): a program
  // that replaced Function.prototype.call at top level made it throw. The same read (the branch
  // skipped is for sockets made with the `onread` option), through the Reflect.apply of now.
  const apply = Reflect.apply;
  const duplexRead = Duplex.prototype.read;
  Object.defineProperty(channel, "read", {
    value: function read(this: Socket, n?: number): unknown {
      return apply(duplexRead, this, [n]);
    },
    writable: true,
    configurable: true,
  });
  // Never keeps the program alive: it ends when it would without tsprof.
  channel.unref();
  channel.on("error", () => undefined);
  channel.setEncoding("utf8");
  channel.on(
    "data",
    lineReader((line) => {
      const [kind, signal, count] = line.split(" ");
      if (kind !== "F" || signal === undefined || !isRelayedSignal(signal)) return;
      tell("A");
      nextTurn(() =>
        nextTurn(() => {
          // The runtime's listener counts the raised signal too, keeping both counts in step.
          if (seen[signal] < Number(count)) raise(signal);
        }),
      );
    }),
  );
  return beforeWrite;
}

/** Says "W" to the parent; with HOLD_WRITE_ENV set, then holds the write until the test lets it go. */
function writeAnnouncer(tell: (line: string) => void, hold: string | undefined): () => void {
  if (hold === undefined || hold === "") return () => tell("W");
  // Captured now, as everything that runs at exit (the program may replace them).
  const exists = existsSync;
  const writeFile = writeFileSync;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const wait = Atomics.wait;
  const now = performance.now.bind(performance);
  return () => {
    tell("W");
    try {
      writeFile(`${hold}.held`, "");
    } catch {
      return;
    }
    for (const until = now() + HOLD_WRITE_LIMIT_MS; !exists(hold) && now() < until; ) wait(sleeper, 0, 0, 20);
  };
}
