// The fast clock (`TSPROF_CLOCK=fast`): a time kept current in shared memory by a helper thread, so a reading is one memory load.
//
// pyinstrument's `use_timing_thread` does the same. A worker thread writes hrtime (ns since the
// clock's origin, the same origin as the main thread's) into a SharedArrayBuffer, then sleeps
// `periodMicroseconds` (Atomics.wait) and writes again. Readers see a value at most one period
// old, plus however long the OS keeps the thread from running (on a loaded machine that can be
// milliseconds): that is its resolution. Times of calls shorter than a period are mostly 0, and
// sums over many calls are right on average (a call is charged a period whenever a tick falls
// inside it). The thread is unref'd: it never keeps the process alive, and readings after it has
// stopped (at exit) return its last value, refreshed by `refresh()` (called before snapshots).
//
// createFastClock() returns once the thread has written its first tick (the thread takes 20-40 ms
// to start here): until then the shared time would stay at its value from before the thread, and
// every call in that window would be charged from it (a program's `main` of 17 ms measured 0, a
// 200 ms loop 242 ms). If the thread has not started within STARTUP_TIMEOUT_MS (a starved
// machine), it is stopped and the clock reads hrtime on every call instead (name "hrtime").
import { nodeBuiltin } from "@tsprof/format";
import type { Clock } from "./clock";

/** Default update period of the timer thread, microseconds. */
export const DEFAULT_FAST_CLOCK_PERIOD_US = 50;

/** How long createFastClock() waits for its timer thread's first tick before it falls back to hrtime. */
const STARTUP_TIMEOUT_MS = 5000;

/** A fast clock also says how often it moves, and can be brought up to date on the calling thread. */
export interface FastClock extends Clock {
  /** Update period of the timer thread in seconds: the documented resolution (scheduling delay aside). */
  readonly period: number;
  /** Writes the current time from the calling thread (snapshots at exit, when the timer thread may be gone). */
  refresh(): void;
  /** Stops the timer thread (tests); readings then stay at the last value until refresh(). */
  stop(): void;
  /** Whether the timer thread had written its first tick when the clock was made (false: the hrtime fallback). */
  readonly started: boolean;
  /**
   * hrtime on the clock's own origin and unit, which the timer thread writes: the probe cost's
   * calibration times its passes with it (compensation.ts, FollowingClock), since a pass timed by the
   * thread's readings read 0 whenever the thread had not run. Absent on the hrtime fallback.
   */
  readonly precise?: Clock;
}

const TIMER_THREAD_SOURCE = `
"use strict";
const { workerData } = require("node:worker_threads");
const time = new Float64Array(workerData.time);
const sleeper = new Int32Array(workerData.sleeper);
const hrtime = process.hrtime;
const originSeconds = workerData.originSeconds;
const periodMs = workerData.periodMicroseconds / 1000;
for (;;) {
  if (Atomics.load(sleeper, 1) !== 0) break;
  const t = hrtime();
  time[0] = (t[0] - originSeconds) * 1e9 + t[1];
  if (Atomics.load(sleeper, 2) === 0) {
    Atomics.store(sleeper, 2, 1);
    Atomics.notify(sleeper, 2);
  }
  Atomics.wait(sleeper, 0, 0, periodMs);
}
`;

interface WorkerThreads {
  Worker: new (source: string, options: object) => { unref(): void; on(event: string, listener: (...args: unknown[]) => void): unknown };
}

/**
 * The timer-thread clock, in nanoseconds. Falls back to reading hrtime on every call (the
 * default clock's cost) where there are no worker threads or shared memory.
 */
export function createFastClock(periodMicroseconds = DEFAULT_FAST_CLOCK_PERIOD_US): FastClock {
  const hrtime = process.hrtime;
  const originSeconds = hrtime()[0];
  const exact = (): number => {
    const t = hrtime();
    return (t[0] - originSeconds) * 1e9 + t[1];
  };
  const threads = nodeBuiltin("worker_threads") as WorkerThreads | undefined;
  const period = periodMicroseconds / 1e6;
  if (threads === undefined || typeof SharedArrayBuffer !== "function") {
    return exactClock(exact);
  }
  const timeBuffer = new SharedArrayBuffer(8);
  // [0] the thread sleeps on it, [1] set: stop, [2] set by the thread after its first tick.
  const sleeperBuffer = new SharedArrayBuffer(12);
  const time = new Float64Array(timeBuffer);
  const sleeper = new Int32Array(sleeperBuffer);
  time[0] = exact();
  try {
    const worker = new threads.Worker(TIMER_THREAD_SOURCE, {
      eval: true,
      workerData: { time: timeBuffer, sleeper: sleeperBuffer, originSeconds, periodMicroseconds },
      stdout: true,
      stderr: true,
      env: {},
      // None of the process's node options: a preload among them (tsprof run's --require hook) would run in the
      // thread too, and one that waits on this thread, blocked below until the first tick, stalled its start-up
      // until the timeout (the clock then fell back to hrtime after 5 s).
      execArgv: [],
    });
    worker.on("error", () => {
      // The thread died (resource limits): readings stay put until refresh(); nothing to tell the program.
    });
    worker.unref();
  } catch {
    return exactClock(exact);
  }
  // Atomics.wait blocks this thread until the first tick (or the timeout); the thread's startup
  // needs nothing from this one's event loop.
  if (Atomics.wait(sleeper, 2, 0, STARTUP_TIMEOUT_MS) === "timed-out" && Atomics.load(sleeper, 2) === 0) {
    Atomics.store(sleeper, 1, 1);
    return exactClock(exact);
  }
  time[0] = exact();
  return {
    now: () => time[0],
    unit: 1e-9,
    name: "fast",
    period,
    precise: { now: exact, unit: 1e-9, name: "hrtime" },
    refresh() {
      time[0] = exact();
    },
    stop() {
      Atomics.store(sleeper, 1, 1);
    },
    started: true,
  };
}

/** The fallback: hrtime read on every call (the default clock's cost), where no timer thread runs. */
function exactClock(exact: () => number): FastClock {
  return { now: exact, unit: 1e-9, name: "hrtime", period: 0, refresh() {}, stop() {}, started: false };
}
