// Probe-overhead compensation: measure what one probe event costs once per process and take it out of every time (cProfile's Profile.calibrate and bias).
//
// Every clock reading of the recorder happens inside a probe event (enter, exit, suspend,
// resume), and between two consecutive readings lies about one event's worth of probe work
// that the program would not have done (the second half of one event, the first half of the
// next). The compensated clock therefore runs slower than the real one by `bias` per reading:
// reading i returns real(i) − i·bias, as cProfile subtracts its bias per event. It never goes
// back (a reading below the previous one returns the previous one), so every interval stays
// >= 0. Cumulative times lose the overhead of the calls inside them too. Off under the tick
// clock and in count mode (nothing to compensate), and switchable off (TSPROF_COMPENSATE=0,
// `new Profile({ compensate: false })`).
//
// The recorder does not call this clock's now() on its probe events: it reads the raw clock and
// applies the same arithmetic itself (recorder.ts, `readings`): a slice loses `bias` per reading
// after its start up to its end. A direct slice never drops below the time of its callees. The
// aligned slices of a tree node lose theirs all at once when a profile is taken, the node's total
// never below 0, its children never holding more than it (they share its total when theirs add up
// to more: a coarse clock that did not move in the node's own code), and the self times the
// recorder derives from the tree's totals never below 0 either: so every self time stays >= 0
// (the probe events read one bare clock, and the aligned ones count nothing). Everything else
// that reads the clock (a session's start and duration) reads it here.
import type { Clock } from "./clock";
import { Recorder } from "./recorder";
import { getRuntimeState } from "./runtime-state";
import { callWith, numberIsFinite } from "./safe-builtins";

const READINGS = 0;
const LATEST = 1;

/** A clock whose readings exclude `bias` ticks of probe work per reading. */
export interface CompensatedClock extends Clock {
  /** Ticks taken out per reading (half the measured cost of one probed call). */
  bias: number;
  /** The uncompensated clock. */
  readonly raw: Clock;
}

/** Wraps `raw`; `bias` (ticks per reading) can be set later (calibrateProbeCost does). */
export function createCompensatedClock(raw: Clock, bias = 0): CompensatedClock {
  // Readings so far and the latest value returned, in a typed array: a double kept in a closure
  // variable would be boxed afresh at every store, an allocation per reading.
  const state = new Float64Array(2);
  state[LATEST] = -Infinity;
  const rawName = raw.name ?? "custom";
  const clock: CompensatedClock = {
    now() {
      const readings = state[READINGS] + 1;
      state[READINGS] = readings;
      const t = raw.now() - readings * clock.bias;
      if (t > state[LATEST]) state[LATEST] = t;
      return state[LATEST];
    },
    unit: raw.unit,
    // `meta.clock`: "compensated" only while a bias is taken out, as `meta.probeCost` is there only
    // then. A calibration that could measure nothing (a clock that did not move) leaves bias 0, and
    // the profile said "fast, compensated" with no probe cost and nothing taken out.
    get name() {
      return hasBias(clock.bias) ? `${rawName}, compensated` : rawName;
    },
    bias,
    raw,
  };
  const refresh = (raw as { refresh?: () => void }).refresh;
  if (typeof refresh === "function") (clock as CompensatedClock & { refresh(): void }).refresh = () => callWith(refresh, raw, []);
  return clock;
}

const CALIBRATION_CALLS = 20_000;
const CALIBRATION_PASSES = 7;
/** Kind table of the calibration recorder: one plain function. */
const CALIBRATION_KINDS = { kinds: new Uint8Array(1) };
/** Tag of the calibration recorder's tokens: they never leave this file. */
const CALIBRATION_TAG = 15;

/**
 * A clock that follows a precise one on the same scale, as the fast clock (fast-clock.ts) follows
 * hrtime, can say which: calibration times its passes with that one.
 */
export interface FollowingClock extends Clock {
  /** The precise clock this one's readings follow (its `unit` may differ: calibration converts). */
  readonly precise?: Clock;
}

/**
 * Measures one probed empty call against one bare call, through a private recorder given
 * `clock` with bias 0 (it reads the raw clock and counts its readings as the profile's recorder
 * will, so that cost is included),
 * and sets `clock.bias` to half of it (two readings per call): the fastest probed pass less the
 * fastest bare pass, over several passes (the first ones run before the JIT has optimised the
 * probe). Not the best difference within one pass: a pass whose bare loop the machine
 * interrupted gives a difference below zero, which would win (bias 0, seen on a loaded CI
 * machine); an interruption only ever makes a loop slower, on a clock that is read when asked.
 *
 * Not on one that a timer thread keeps current (the fast clock): a pass during which the thread did
 * not run, or one shorter than its period, reads 0 ticks for the probed loop and won, and the bias
 * was 0 in 10 of 15 runs, 9-37 ns at random in the others, where hrtime measures a steady 37-40 ns.
 * So the passes are timed with the precise clock the raw clock follows, when it says which
 * (FollowingClock), in the raw clock's ticks; the recorder still reads the raw clock, whose cost is
 * the one measured. And a pass whose probed loop the timing clock did not see advance (a coarse
 * clock of the program's own that stalled) is never taken: 20,000 probed calls take time (a stall
 * that ends within the loop still shortens it: only a precise timing clock is safe from that). A bare
 * loop may read 0 (shorter than one tick of a coarse clock): at worst the bias is a bare call's
 * cost too large. Without one pass taken the bias stays 0, and the clock does not say it is
 * compensated. Returns the bias, in ticks.
 */
export function calibrateProbeCost(clock: CompensatedClock): number {
  clock.bias = 0;
  const raw = clock.raw;
  const recorder = new Recorder(clock, CALIBRATION_KINDS, CALIBRATION_TAG, { maxTreeNodes: 16 });
  let sink = 0;
  const probed = (n: number): number => {
    const token = recorder.enter(0);
    try {
      return n + 1;
    } finally {
      recorder.exit(token);
    }
  };
  const bare = (n: number): number => n + 1;
  const precise = preciseClockOf(raw);
  const timer = precise ?? raw;
  let fastestProbed = Infinity;
  let fastestBare = Infinity;
  for (let pass = 0; pass < CALIBRATION_PASSES; pass++) {
    const start = timer.now();
    for (let i = 0; i < CALIBRATION_CALLS; i++) sink = probed(sink);
    const middle = timer.now();
    for (let i = 0; i < CALIBRATION_CALLS; i++) sink = bare(sink);
    const end = timer.now();
    if (!(middle > start) || !(end >= middle)) continue;
    if (middle - start < fastestProbed) fastestProbed = middle - start;
    if (end - middle < fastestBare) fastestBare = end - middle;
  }
  // The timer's ticks in the raw clock's (the fast clock and hrtime both count nanoseconds).
  const scale = precise === undefined ? 1 : precise.unit / raw.unit;
  const best = ((fastestProbed - fastestBare) * scale) / CALIBRATION_CALLS;
  const bias = sink > 0 && best > 0 && numberIsFinite(best) ? best / 2 : 0;
  clock.bias = bias;
  return bias;
}

/** The precise clock `raw` follows (FollowingClock), if it names a usable one. */
function preciseClockOf(raw: Clock): Clock | undefined {
  const precise = (raw as FollowingClock).precise;
  if (precise === null || typeof precise !== "object" || typeof precise.now !== "function") return undefined;
  const unit = precise.unit;
  return typeof unit === "number" && numberIsFinite(unit) && unit > 0 && numberIsFinite(raw.unit / unit) ? precise : undefined;
}

/** Whether `bias` takes anything out (the recorder's test, recorder.ts). */
function hasBias(bias: unknown): boolean {
  return typeof bias === "number" && numberIsFinite(bias) && bias > 0;
}

/** Whether compensation applies to `clock`: real clocks only (never the tick clocks, never count mode). */
export function canCompensate(clock: Clock): boolean {
  return clock.name !== "tick" && clock.name !== "none";
}

/** The clocks the runtime made itself (hrtime, performance.now, the fast clock): see withCompensation(). */
const runtimeClocks = new WeakSet<object>();

/** Marks `clock` as one of the runtime's own, whose probe cost is measured once per process (clock.ts). */
export function shareCalibration<C extends Clock>(clock: C): C {
  runtimeClocks.add(clock);
  return clock;
}

/**
 * `clock` compensated and calibrated, or `clock` itself when compensation does not apply.
 * Calibrating takes 30 to 80 ms (CALIBRATION_PASSES of CALIBRATION_CALLS calls each way), so the
 * runtime's own clocks are calibrated once per process, by kind (name and unit), and every later
 * session on such a clock reuses the bias: each `new Profile()` calibrating again cost 27-80 ms
 * (cProfile.Profile() takes 0.01 ms), and under `tsprof run` that time went to the caller's own
 * time in the automatic session's profile. The biases live in the runtime state, so copies of the
 * runtime share them too. A clock the program passes in (`new Profile({ clock, compensate: true })`)
 * is calibrated for that profile: its cost is its own.
 */
export function withCompensation(clock: Clock): Clock {
  if (!canCompensate(clock)) return clock;
  const compensated = createCompensatedClock(clock);
  const costs = runtimeClocks.has(clock) ? probeCosts() : undefined;
  const key = `${clock.name ?? "custom"}\u0000${clock.unit}`;
  const known = costs === undefined ? undefined : costs[key];
  if (typeof known === "number" && numberIsFinite(known) && known >= 0) compensated.bias = known;
  else {
    const bias = calibrateProbeCost(compensated);
    if (costs !== undefined) costs[key] = bias;
  }
  return compensated;
}

/** The process's measured biases by clock kind, in the runtime state (created on first use). */
function probeCosts(): Record<string, number> {
  const state = getRuntimeState();
  let costs = state.probeCosts;
  if (costs === undefined || costs === null || typeof costs !== "object") {
    costs = Object.create(null) as Record<string, number>;
    state.probeCosts = costs;
  }
  return costs;
}
