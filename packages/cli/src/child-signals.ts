// The parent's side of the signal channel (signal-channel.ts): SIGINT, SIGTERM and SIGHUP sent to
// `tsprof run` end the program as they would end it under plain node, profile written when it can be.
//
// - Every signal the parent receives is forwarded as a message ("F SIGINT 2": the parent's second
//   SIGINT); the child raises it unless it got it itself, as it does when Ctrl-C reaches the whole
//   process group (hooks/signal-relay.ts). So `kill -INT <tsprof pid>` works, and a group Ctrl-C
//   is handled once.
// - The child acknowledges when the signal reaches JavaScript ("S SIGINT", before the profile is
//   written) or when it reads the message ("A"). Without either within GRACE_MS, the program is
//   busy in JavaScript: its listener would never run, so it is stopped with SIGKILL, one line
//   says that the profile is lost, and tsprof dies of the signal it received. A second signal
//   while the first is unanswered stops it at once (unless it is the same sending reaching us twice). Once answered, the program takes as long as
//   it needs (writing a million-node profile takes seconds; a program may ignore SIGINT).
// - The child also says when the runtime starts writing the profile on its way out ("W"). The write at
//   the program's end runs in the 'exit' event, after the program's last JavaScript: a signal then
//   never reaches a listener (the loop does not turn again), and without the word the program was
//   taken for a busy one and stopped with SIGKILL, and its profile lost, where plain node finishes
//   the write. Now a signal during the write is not forwarded (the child reads nothing more) and waits
//   for it, said in one line; a second one stops the program at once, without the profile. When the
//   program then exits by itself (it never saw the signal), tsprof still dies of it, after the table
//   or -o (writeSignal), as a program stopped by Ctrl-C would.
// - That line is for a long write, and waits until the write has gone on for WRITE_NOTICE_MS: a
//   terminal's Ctrl-C signals the program and tsprof together, and the program, which gets it too,
//   says "W" and writes a small profile in a few milliseconds; when its "W" was read before tsprof's
//   own signal, the line said the program was writing (2 runs in 5 through a pty) for a profile that
//   was written at once. Now a write that ends (the program exits) within that time says nothing; a
//   second signal still stops the program at once, the line coming first.
import type { ChildProcess } from "node:child_process";
import type { Duplex } from "node:stream";
import { RELAYED_SIGNALS, isRelayedSignal, lineReader, type RelayedSignal } from "./signal-channel";

const GRACE_MS = 1000;
/**
 * The same signal again this soon is one sending that reached us twice, not a second Ctrl-C:
 * `timeout` signals tsprof and then its whole process group, tsprof included.
 */
const SAME_SENDING_MS = 100;
/** How long the profile's write at exit has gone on (since "W") before a signal received meanwhile is said in a line. */
const WRITE_NOTICE_MS = 1000;
/**
 * Tests only, undocumented: WRITE_NOTICE_MS in milliseconds, so that a test can tell a deferred line from
 * one printed at once without depending on how fast a loaded machine ends the program.
 */
export const WRITE_NOTICE_ENV = "TSPROF_TEST_WRITE_NOTICE_MS";

export interface SignalRelay {
  /** The signal for which the program was stopped with SIGKILL (it never answered), if any. */
  readonly stoppedBy: RelayedSignal | undefined;
  /** The first signal received while the program was writing its profile, which it never saw (the program then exits by itself). */
  readonly writeSignal: RelayedSignal | undefined;
  /** Stops relaying: removes the process listeners and closes the channel. */
  close(): void;
}

export function relaySignals(child: ChildProcess, channel: Duplex, stderr: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): SignalRelay {
  const noticeSetting = Number(env[WRITE_NOTICE_ENV]);
  const writeNoticeMs = env[WRITE_NOTICE_ENV] !== undefined && Number.isFinite(noticeSetting) && noticeSetting >= 0 ? noticeSetting : WRITE_NOTICE_MS;
  const received: Record<RelayedSignal, number> = { SIGINT: 0, SIGTERM: 0, SIGHUP: 0 };
  const answered: Record<RelayedSignal, number> = { SIGINT: 0, SIGTERM: 0, SIGHUP: 0 };
  let waiting: { signal: RelayedSignal; since: number; timer: NodeJS.Timeout } | undefined;
  let stoppedBy: RelayedSignal | undefined;
  /** When the child said "W" (performance.now()), undefined before. */
  let writingSince: number | undefined;
  let writeSignal: { signal: RelayedSignal; since: number } | undefined;
  /** The line about writeSignal, until it is printed: it waits for the write to be a long one. */
  let notice: NodeJS.Timeout | undefined;

  const stopWaiting = (): void => {
    if (waiting !== undefined) clearTimeout(waiting.timer);
    waiting = undefined;
  };
  const sayWriting = (): void => {
    if (notice !== undefined) clearTimeout(notice);
    notice = undefined;
    if (writeSignal === undefined) return;
    const signal = writeSignal.signal;
    stderr.write(`tsprof: ${signal}: the program is writing its profile, and ends when it is written (${signal} again stops it at once, without the profile)\n`);
  };
  const stop = (signal: RelayedSignal, why: string): void => {
    stopWaiting();
    // The line about the first signal, if still waiting, comes first: "again" refers to it.
    if (notice !== undefined) sayWriting();
    stoppedBy = signal;
    stderr.write(`tsprof: ${why}: stopped without a profile\n`);
    child.kill("SIGKILL");
  };
  /**
   * `signal` came while the program writes its profile: the write goes on, and the line says so once
   * the write has lasted writeNoticeMs since "W" (at once if it already has); the program's exit
   * before then (close()) takes the line back.
   */
  const waitForWrite = (signal: RelayedSignal): void => {
    const now = performance.now();
    writeSignal = { signal, since: now };
    const left = (writingSince ?? now) + writeNoticeMs - now;
    if (left <= 0) return sayWriting();
    notice = setTimeout(() => {
      notice = undefined;
      if (stoppedBy === undefined && running()) sayWriting();
    }, left);
  };
  const running = (): boolean => child.exitCode === null && child.signalCode === null;

  channel.setEncoding("utf8");
  channel.on("error", () => undefined); // the child closed its end (it exited): its 'exit' decides
  channel.on(
    "data",
    lineReader((line) => {
      const [kind, signal] = line.split(" ");
      if (kind === "S" && signal !== undefined && isRelayedSignal(signal)) {
        answered[signal]++;
        if (waiting !== undefined && answered[waiting.signal] >= received[waiting.signal]) stopWaiting();
      } else if (kind === "A") stopWaiting();
      else if (kind === "W") {
        writingSince ??= performance.now();
        // The signal still unanswered reached a program that had already finished its JavaScript.
        if (waiting !== undefined && stoppedBy === undefined) {
          const signal = waiting.signal;
          stopWaiting();
          waitForWrite(signal);
        }
      }
    }),
  );

  const onSignal = (signal: RelayedSignal): void => {
    if (stoppedBy !== undefined || !running()) return;
    if (writingSince !== undefined) {
      if (writeSignal === undefined) return waitForWrite(signal);
      if (signal === writeSignal.signal && performance.now() - writeSignal.since < SAME_SENDING_MS) return;
      return stop(signal, `${signal} again while the program was writing its profile`);
    }
    if (waiting !== undefined) {
      if (signal === waiting.signal && performance.now() - waiting.since < SAME_SENDING_MS) return;
      return stop(signal, `${signal} again before the program answered ${waiting.signal} (busy in JavaScript)`);
    }
    const count = ++received[signal];
    channel.write(`F ${signal} ${count}\n`);
    // Ctrl-C reaches the child as well: its "S" may already be here. And once the child has
    // answered any signal it is writing its profile or has a listener of its own: either way
    // plain node would not kill it now either, so no timeout cuts it off.
    if (answered[signal] >= count || RELAYED_SIGNALS.some((other) => answered[other] > 0)) return;
    waiting = { signal, since: performance.now(), timer: setTimeout(() => stop(signal, `the program did not answer ${signal} within ${GRACE_MS / 1000} s (busy in JavaScript)`), GRACE_MS) };
  };
  const listeners = RELAYED_SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, listener] of listeners) process.on(signal, listener);

  return {
    get stoppedBy() {
      return stoppedBy;
    },
    get writeSignal() {
      return writeSignal?.signal;
    },
    close() {
      stopWaiting();
      if (notice !== undefined) clearTimeout(notice);
      notice = undefined;
      for (const [signal, listener] of listeners) process.off(signal, listener);
      channel.destroy();
    },
  };
}
