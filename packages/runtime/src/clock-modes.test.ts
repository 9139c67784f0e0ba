// Count-only mode (no clock) and the fast timer-thread clock: their numbers against the exact recorder's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import type { Profile as ProfileData } from "@tsprof/format";
import { clockFromEnvironment, createNullClock, type Clock } from "./clock";
import { createFastClock, DEFAULT_FAST_CLOCK_PERIOD_US } from "./fast-clock";
import { createHarness, finish, statsOf, treeLines, type Harness } from "./harness.test-helper";
import type { ProfileOptions } from "./profile";

type Names = "main" | "fact" | "loop" | "leaf" | "gen";

/** A program with recursion, a loop, a generator resumed from two callers; ticks only where a tick clock is given. */
function runProgram(options: ProfileOptions): ProfileData {
  const h: Harness<Names> = createHarness({ main: "function", fact: "function", loop: "function", leaf: "function", gen: "generator" }, options);
  const { probe, site, clock } = h;
  function leaf(): void {
    const t = probe.enter(site.leaf);
    try {
      clock.tick(1);
    } finally {
      probe.exit(t);
    }
  }
  function fact(n: number): number {
    const t = probe.enter(site.fact);
    try {
      leaf();
      return n <= 1 ? 1 : n * fact(n - 1);
    } finally {
      probe.exit(t);
    }
  }
  function* gen(): Generator<number> {
    const t = probe.enter(site.gen);
    try {
      for (let i = 0; i < 3; i++) {
        leaf();
        probe.resume(t, yield probe.suspend(t, i));
      }
    } finally {
      probe.resume(t);
      probe.exit(t);
    }
  }
  function loop(iterator: Iterator<number>): void {
    const t = probe.enter(site.loop);
    try {
      for (let i = 0; i < 4; i++) leaf();
      iterator.next();
    } finally {
      probe.exit(t);
    }
  }
  function main(): void {
    const t = probe.enter(site.main);
    try {
      fact(5);
      const iterator = gen();
      iterator.next();
      loop(iterator);
      loop(iterator);
      for (const _ of { [Symbol.iterator]: () => iterator }) leaf();
    } finally {
      probe.exit(t);
    }
  }
  main();
  return finish(h);
}

/** The tree without times: `name calls` lines. */
function treeShape(profile: ProfileData): string[] {
  return treeLines(profile).map((line) => line.replace(/ (\d+)\/[^/]+\/[^/]+$/, " $1"));
}

function callsOnly(profile: ProfileData): unknown {
  return {
    stats: profile.stats.map((row) => [profile.functions[row.function].name, row.calls, row.primitiveCalls]),
    edges: profile.edges.map((edge) => [profile.functions[edge.caller].name, profile.functions[edge.callee].name, edge.calls, edge.primitiveCalls]),
  };
}

test("count-only mode: calls, primitive calls, edges and call tree equal the exact recorder's; every time is 0", () => {
  const exact = runProgram({});
  const counted = runProgram({ clock: createNullClock() });
  assert.deepEqual(callsOnly(counted), callsOnly(exact));
  assert.deepEqual(treeShape(counted), treeShape(exact));
  // fact(5): 5 calls, 1 primitive; leaf: 5 (fact) + 3 (gen) + 8 (loop) = 16
  assert.deepEqual(statsOf(counted, "fact"), { calls: 5, primitiveCalls: 1, selfTime: 0, totalTime: 0 });
  assert.equal(statsOf(counted, "leaf").calls, 16);
  for (const row of counted.stats) assert.deepEqual([row.selfTime, row.totalTime], [0, 0]);
  for (const edge of counted.edges) assert.deepEqual([edge.selfTime, edge.totalTime], [0, 0]);
  assert.equal(counted.meta.clock, "none");
});

test("TSPROF_MODE=count selects the clock that never reads time; TSPROF_CLOCK=fast the timer-thread clock", () => {
  assert.equal(clockFromEnvironment({ TSPROF_MODE: "count" }).name, "none");
  assert.equal(clockFromEnvironment({ TSPROF_MODE: "count", TSPROF_CLOCK: "tick" }).name, "none");
  const fast = clockFromEnvironment({ TSPROF_CLOCK: "fast", TSPROF_FAST_CLOCK_PERIOD_US: "200", TSPROF_COMPENSATE: "0" }) as Clock & {
    period: number;
    stop(): void;
  };
  assert.equal(fast.name, "fast");
  assert.equal(fast.period, 0.0002);
  fast.stop();
  assert.equal(clockFromEnvironment({ TSPROF_COMPENSATE: "0" }).name, "hrtime");
  assert.equal(clockFromEnvironment({}).name, "hrtime, compensated");
});

/** Waits (up to 10 s) until the timer thread has started moving the clock: booting a thread takes a while on a loaded machine. */
async function timerThreadRunning(clock: Clock): Promise<void> {
  const first = clock.now();
  for (let waited = 0; waited < 10_000 && clock.now() === first; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.notEqual(clock.now(), first, "the timer thread moves the clock");
}

/** Spins until `hrtimeNs` ns have passed by process.hrtime. */
function spin(ns: number): void {
  const end = process.hrtime.bigint() + BigInt(ns);
  while (process.hrtime.bigint() < end);
}

test("fast clock: readings never go back and follow hrtime within its period (plus scheduling delay on a loaded machine)", async () => {
  const clock = createFastClock();
  try {
    assert.equal(clock.period, DEFAULT_FAST_CLOCK_PERIOD_US / 1e6);
    await timerThreadRunning(clock);
    let previous = clock.now();
    const start = clock.now();
    const hrStart = process.hrtime.bigint();
    const spinNs = 50e6;
    const end = hrStart + BigInt(spinNs);
    let moves = 0;
    while (process.hrtime.bigint() < end) {
      const reading = clock.now();
      assert.ok(reading >= previous, "monotonic");
      if (reading > previous) moves++;
      previous = reading;
    }
    const hrElapsed = Number(process.hrtime.bigint() - hrStart);
    const fastElapsed = clock.now() - start;
    // Documented resolution: one period; a loaded 2-core machine can keep the thread off a CPU
    // for tens of milliseconds, which is the slack allowed here (not a wall-clock assertion on the code under test).
    const slackNs = clock.period * 1e9 + 50e6;
    assert.ok(Math.abs(fastElapsed - hrElapsed) <= slackNs, `fast ${fastElapsed} ns vs hrtime ${hrElapsed} ns`);
    assert.ok(moves >= 2, `the clock moved ${moves} times in 50 ms`);
    // refresh() brings it up to date from this thread.
    spin(2e6);
    clock.refresh();
    const exactNow = clock.now();
    assert.ok(exactNow >= previous);
  } finally {
    clock.stop();
  }
});

test("fast clock: a profile's times agree with hrtime's within the resolution", async () => {
  const clock = createFastClock();
  try {
    await timerThreadRunning(clock);
    const h = createHarness({ outer: "function", inner: "function" }, { clock });
    const { probe, site } = h;
    const hrStart = process.hrtime.bigint();
    const t = probe.enter(site.outer);
    spin(10e6);
    const u = probe.enter(site.inner);
    spin(30e6);
    probe.exit(u);
    probe.exit(t);
    const hrElapsed = Number(process.hrtime.bigint() - hrStart) / 1e9;
    const profile = finish(h);
    const outer = statsOf(profile, "outer");
    const inner = statsOf(profile, "inner");
    const slack = clock.period + 0.05;
    assert.ok(Math.abs(outer.totalTime - hrElapsed) <= slack, `outer ${outer.totalTime} vs ${hrElapsed}`);
    assert.ok(Math.abs(inner.totalTime - 0.03) <= slack, `inner ${inner.totalTime}`);
    assert.ok(outer.selfTime >= 0 && inner.selfTime >= 0);
    assert.equal(profile.meta.clock, "fast");
  } finally {
    clock.stop();
  }
});

test("fast clock: createFastClock() returns with its thread ticking, so a call timed at once is not charged the thread's start-up", () => {
  const clock = createFastClock();
  try {
    // Before, the shared time stayed at its creation value until the thread started (20-40 ms
    // here), and the first calls of a program were charged from it: a 17 ms `main` measured 0,
    // a 200 ms loop 242 ms. No waiting for the thread here, unlike the tests above.
    assert.equal(clock.started, true, "the timer thread wrote its first tick");
    assert.equal(clock.name, "fast");
    spin(clock.period * 1e9 * 4);
    const h = createHarness({ outer: "function" }, { clock });
    const hrStart = process.hrtime.bigint();
    const t = h.probe.enter(h.site.outer);
    spin(30e6);
    h.probe.exit(t);
    const hrElapsed = Number(process.hrtime.bigint() - hrStart) / 1e9;
    const outer = statsOf(finish(h), "outer");
    // The moving clock: some time was charged (a stale one charges 0 or the whole window at once).
    assert.ok(outer.totalTime > 0, `outer ${outer.totalTime}`);
    assert.ok(Math.abs(outer.totalTime - hrElapsed) <= clock.period + 0.05, `outer ${outer.totalTime} vs ${hrElapsed}`);
  } finally {
    clock.stop();
  }
});

test("fast clock: its timer thread never keeps the process alive, and the profile is still written at exit", () => {
  const script = `
    const { createFastClock } = require(${JSON.stringify(require.resolve("./fast-clock"))});
    const clock = createFastClock();
    setTimeout(() => process.stdout.write("done " + (clock.now() > 0)), 20);
  `;
  const result = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 20_000 });
  assert.equal(result.error, undefined, "exits on its own (no timeout)");
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, "done true");
});
