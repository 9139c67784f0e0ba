// Clocks the recorder reads: the default hrtime clock, the fast timer-thread clock, no clock (count mode) and the tick clocks of tests.
import { shareCalibration, withCompensation } from "./compensation";
import { createFastClock } from "./fast-clock";
import { positiveIntegerSetting } from "./environment";

/** A time source: `now()` in ticks, `unit` seconds per tick. */
export interface Clock {
  now(): number;
  readonly unit: number;
  /** Name recorded in `meta.clock`. */
  readonly name?: string;
}

/** A clock that only moves when told to (like CPython test_cprofile's fake timer). */
export interface TickClock extends Clock {
  /** Advances the clock by `ticks` (default 1). */
  tick(ticks?: number): void;
}

const hrtime: NodeJS.HRTime | undefined = typeof process === "object" && process !== null ? process.hrtime : undefined;

/**
 * The default clock: `process.hrtime()` in nanoseconds since the clock was created.
 * Measured on Node 20 here: hrtime() ~56 ns, performance.now() ~60 ns, hrtime.bigint() ~70 ns
 * per reading; subtracting the origin keeps the numbers small and exact in a double.
 */
export function createHrtimeClock(): Clock {
  if (hrtime === undefined) return createPerformanceClock();
  const origin = hrtime();
  const originSeconds = origin[0];
  return shareCalibration({
    now() {
      const t = hrtime!();
      return (t[0] - originSeconds) * 1e9 + t[1];
    },
    unit: 1e-9,
    name: "hrtime",
  });
}

/** Outside Node (browsers): `performance.now()`, milliseconds. */
function createPerformanceClock(): Clock {
  const now = performance.now.bind(performance);
  return shareCalibration({ now, unit: 1e-3, name: "performance.now" });
}

/** A manual clock: starts at 0, advances only by `tick(n)`. */
export function createTickClock(unitSeconds = 0.001): TickClock {
  let ticks = 0;
  return {
    now: () => ticks,
    tick(n = 1) {
      ticks += n;
    },
    unit: unitSeconds,
    name: "tick",
  };
}

/** A deterministic clock where every reading advances by exactly one tick (`TSPROF_CLOCK=tick`, golden tests of whole programs). */
export function createSteppingTickClock(unitSeconds = 0.001): Clock {
  let ticks = 0;
  return {
    now: () => ++ticks,
    unit: unitSeconds,
    name: "tick",
  };
}

/**
 * Count-only mode (`TSPROF_MODE=count`): never reads a clock, every reading is 0. Calls, primitive
 * calls, edges and the call tree stay exact; every time is 0.
 */
export function createNullClock(): Clock {
  return { now: () => 0, unit: 1e-9, name: "none" };
}

/**
 * The clock the environment asks for: `TSPROF_MODE=count` no clock, `TSPROF_CLOCK=tick` the
 * stepping tick clock, `TSPROF_CLOCK=fast` the timer-thread clock, anything else hrtime; real
 * clocks compensated for the probe cost unless `TSPROF_COMPENSATE=0` (compensation.ts).
 */
export function clockFromEnvironment(env: NodeJS.ProcessEnv): Clock {
  if (env.TSPROF_MODE === "count") return createNullClock();
  if (env.TSPROF_CLOCK === "tick") return createSteppingTickClock();
  const clock = env.TSPROF_CLOCK === "fast" ? shareCalibration(createFastClock(positiveIntegerSetting(env.TSPROF_FAST_CLOCK_PERIOD_US))) : createHrtimeClock();
  return env.TSPROF_COMPENSATE === "0" ? clock : withCompensation(clock);
}
