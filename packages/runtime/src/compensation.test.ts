// Probe-overhead compensation: the compensated clock's arithmetic on a tick clock, its floor at zero, and where it is off.
import { test } from "node:test";
import assert from "node:assert/strict";
import { clockFromEnvironment, createHrtimeClock, createNullClock, createSteppingTickClock, createTickClock } from "./clock";
import { calibrateProbeCost, createCompensatedClock, withCompensation, type FollowingClock } from "./compensation";
import { createFastClock } from "./fast-clock";
import { createHarness, finish, statsOf } from "./harness.test-helper";
import { Profile } from "./profile";
import { getRuntimeState } from "./runtime-state";

test("reading i of the compensated clock is the real time minus i biases, never going back", () => {
  const raw = createTickClock(1);
  const clock = createCompensatedClock(raw, 0.25);
  assert.equal(clock.now(), -0.25); // reading 1 at 0
  raw.tick(1);
  assert.equal(clock.now(), 0.5); // reading 2 at 1
  assert.equal(clock.now(), 0.5); // reading 3 at 1 would be 0.25: held at 0.5
  raw.tick(10);
  assert.equal(clock.now(), 10); // reading 4 at 11
  assert.equal(clock.unit, 1);
  assert.equal(clock.name, "tick, compensated");
});

test("a compensated profile: each interval between readings loses one bias (checked by hand)", () => {
  const raw = createTickClock(1);
  const h = createHarness({ main: "function", leaf: "function" }, { clock: createCompensatedClock(raw, 0.25) });
  const { probe, site } = h;
  raw.tick(1); // reading 1 was enable(), at 0: 0 - 0.25
  // leaf: raw tt 1 (one interval) → 0.75
  function leaf(): void {
    const t = probe.enter(site.leaf); // reading 3: 2 - 0.75 = 1.25
    try {
      raw.tick(1);
    } finally {
      probe.exit(t); // reading 4: 3 - 1 = 2
    }
  }
  // main: raw tt 3 (three intervals) → 2.25; self: raw 2 (two intervals) → 1.5
  function main(): void {
    const t = probe.enter(site.main); // reading 2: 1 - 0.5 = 0.5
    try {
      raw.tick(1);
      leaf();
      raw.tick(1);
    } finally {
      probe.exit(t); // reading 5: 4 - 1.25 = 2.75
    }
  }
  main();
  h.profile.disable();
  const p = h.profile.snapshot();
  assert.deepEqual(statsOf(p, "leaf"), { calls: 1, primitiveCalls: 1, selfTime: 0.75, totalTime: 0.75 });
  assert.deepEqual(statsOf(p, "main"), { calls: 1, primitiveCalls: 1, selfTime: 1.5, totalTime: 2.25 });
  assert.equal(p.meta.probeCost, 0.25, "the profile says what was taken out per reading");
});

test("the recorder reads the raw clock once an event and takes the bias out itself", () => {
  const raw = createTickClock(1);
  let rawReadings = 0;
  const counting = { now: () => (rawReadings++, raw.now()), unit: 1, name: "counting" };
  const clock = createCompensatedClock(counting, 0.25);
  const h = createHarness({ outer: "function", inner: "function" }, { clock });
  const { probe, site } = h;
  let compensatedReadings = 0;
  const wrapped = clock.now;
  clock.now = () => (compensatedReadings++, wrapped());
  const before = rawReadings;
  const t = probe.enter(site.outer); // raw 0
  raw.tick(2);
  const u = probe.enter(site.inner); // raw 2
  raw.tick(1);
  probe.exit(u); // raw 3: inner 1 - 0.25
  raw.tick(2);
  probe.exit(t); // raw 5: outer 5 - 3 · 0.25 = 4.25, self 4.25 - 0.75 = 3.5
  assert.equal(rawReadings - before, 4, "one raw reading an event");
  assert.equal(compensatedReadings, 0, "the compensated clock's own now() is not on the probe path");
  h.profile.disable();
  const p = h.profile.snapshot();
  assert.deepEqual(statsOf(p, "inner"), { calls: 1, primitiveCalls: 1, selfTime: 0.75, totalTime: 0.75 });
  assert.deepEqual(statsOf(p, "outer"), { calls: 1, primitiveCalls: 1, selfTime: 3.5, totalTime: 4.25 });
});

test("compensation never makes a time negative, however large the bias", () => {
  const raw = createTickClock(1);
  const h = createHarness({ outer: "function", inner: "function" }, { clock: createCompensatedClock(raw, 1000) });
  const { probe, site } = h;
  const inner = (): void => {
    const t = probe.enter(site.inner);
    raw.tick(1);
    probe.exit(t);
  };
  const t = probe.enter(site.outer);
  for (let i = 0; i < 5; i++) {
    raw.tick(3);
    inner();
  }
  probe.exit(t);
  const p = finish(h);
  for (const row of p.stats) assert.ok(row.selfTime >= 0 && row.totalTime >= 0, JSON.stringify(row));
  for (const edge of p.edges) assert.ok(edge.selfTime >= 0 && edge.totalTime >= 0, JSON.stringify(edge));
  assert.equal(statsOf(p, "inner").calls, 5);
});

test("off under the tick clocks and in count mode, and when switched off; on for the default clock", () => {
  const stepping = createSteppingTickClock();
  assert.equal(withCompensation(stepping), stepping);
  const none = createNullClock();
  assert.equal(withCompensation(none), none);
  assert.equal(clockFromEnvironment({ TSPROF_CLOCK: "tick" }).name, "tick");
  assert.equal(clockFromEnvironment({ TSPROF_COMPENSATE: "0" }).name, "hrtime");
  assert.equal(clockFromEnvironment({}).name, "hrtime, compensated");
  const tickProfile = new Profile({ clock: createTickClock() });
  assert.equal(tickProfile.runcall(() => tickProfile.snapshot()).meta.clock, "tick");
  const defaultProfile = new Profile();
  assert.equal(defaultProfile.runcall(() => defaultProfile.snapshot()).meta.clock, "hrtime, compensated");
  const plainProfile = new Profile({ compensate: false });
  assert.equal(plainProfile.runcall(() => plainProfile.snapshot()).meta.clock, "hrtime");
});

test("calibration measures a positive, finite cost per reading on the real clock", () => {
  const clock = createCompensatedClock(createHrtimeClock());
  const bias = calibrateProbeCost(clock);
  assert.ok(bias > 0 && Number.isFinite(bias), `bias ${bias}`);
  assert.equal(clock.bias, bias);
});

test("calibration under a timer-thread clock that stalls: the passes are timed with the precise clock it follows", () => {
  // A model of the fast clock on a loaded machine: one time line that every reading moves on by a
  // tick (the work of reading), which the precise clock reads as it is and the timer-thread clock
  // only as the thread last wrote it, the thread running once in 100,000 readings. Timed by the
  // thread's readings, a probed pass read 0 ticks and won: bias 0, and "stalling, compensated".
  let time = 0;
  let written = 0;
  const precise = { now: () => ++time, unit: 1e-9, name: "precise" };
  const stalling = {
    now: () => {
      if (++time % 100_000 === 0) written = time;
      return written;
    },
    unit: 1e-9,
    name: "stalling",
    precise,
  };
  const clock = createCompensatedClock(stalling);
  // A probed pass: two readings of the stalling clock a call and one of the precise clock at its end;
  // a bare pass: the precise clock's one reading. Half the difference per call: (40,001 - 1) / 20,000 / 2.
  assert.equal(calibrateProbeCost(clock), 1);
  assert.equal(clock.bias, 1);
  assert.equal(clock.name, "stalling, compensated");
  // A precise clock counting in microseconds: its ticks are converted into the raw clock's nanoseconds.
  const micro: FollowingClock = { ...stalling, precise: { now: () => ++time, unit: 1e-6 } };
  const microBias = calibrateProbeCost(createCompensatedClock(micro));
  assert.ok(Math.abs(microBias - 1000) < 1e-9, `bias ${microBias}`);
});

test("calibration never takes a pass in which the clock did not advance: a clock stalled through the first pass", () => {
  // No precise clock to time with: the clock itself, which moves a tick a reading once its first
  // 40,004 readings are over. The first pass reads it 40,003 times (its probed loop two a call, and
  // three to time it), after the one reading of the private recorder when it is made: that pass sees
  // its probed loop take 0 ticks (the stall ends between its loops whether the recorder reads the
  // clock 0, 1 or 2 times when made). Taken, it made the bias 0; the six later passes say 1.
  let readings = 0;
  const late = { now: () => (++readings > 40_004 ? readings - 40_004 : 0), unit: 1e-9, name: "late" };
  const clock = createCompensatedClock(late);
  assert.equal(calibrateProbeCost(clock), 1);
  assert.equal(clock.name, "late, compensated");
});

test("a clock that never moves: no bias measured, and the profile does not say it is compensated", () => {
  const frozen = { now: () => 5, unit: 1e-9, name: "frozen" };
  const clock = createCompensatedClock(frozen);
  assert.equal(calibrateProbeCost(clock), 0);
  assert.equal(clock.name, "frozen");
  const profile = new Profile({ clock: frozen, compensate: true });
  const meta = profile.runcall(() => profile.snapshot()).meta;
  assert.equal(meta.clock, "frozen");
  assert.equal(meta.probeCost, undefined);
});

test("the fast clock's calibration measures a positive, finite cost, timed with the hrtime it follows", () => {
  const fast = createFastClock();
  try {
    assert.ok(fast.started, "the timer thread started");
    assert.equal(fast.precise?.unit, 1e-9);
    const clock = createCompensatedClock(fast);
    const bias = calibrateProbeCost(clock);
    assert.ok(bias > 0 && Number.isFinite(bias), `bias ${bias}`);
    assert.equal(clock.name, "fast, compensated");
  } finally {
    fast.stop();
  }
});

test("the runtime's own clocks are calibrated once per process: a later new Profile() reuses the measured bias", () => {
  const first = new Profile();
  const costs = getRuntimeState().probeCosts;
  assert.ok(costs !== undefined, "the process's biases are kept in the runtime state");
  const key = "hrtime\u0000" + 1e-9;
  const measured = costs[key];
  assert.ok(typeof measured === "number", "the default clock's bias is kept");
  const near = (a: number | undefined, b: number): boolean => a !== undefined && Math.abs(a - b) <= 1e-12 * Math.abs(b);
  assert.ok(near(first.runcall(() => first.snapshot()).meta.probeCost, measured * 1e-9));
  // Another profile takes the kept bias as it is, instead of measuring it again.
  costs[key] = 7;
  try {
    const second = new Profile();
    assert.ok(near(second.runcall(() => second.snapshot()).meta.probeCost, 7e-9));
    // A clock of the program's own is calibrated for its profile.
    const own = new Profile({ clock: { now: () => Number(process.hrtime.bigint()), unit: 1e-9, name: "hrtime" }, compensate: true });
    assert.ok(!near(own.runcall(() => own.snapshot()).meta.probeCost, 7e-9));
  } finally {
    costs[key] = measured;
  }
});

test("a coarse clock: the call tree's self times add up to the table's total, each node's total holding its children's and its self", () => {
  // A clock that moves in coarse steps (TSPROF_CLOCK=fast, a browser's performance.now()): three
  // levels of f read the same tick on the way in, yet each reading loses a bias. Raw, every level
  // lasts 2 ticks; compensated, the innermost 2 - 0.25 = 1.75, the middle 2 - 0.75 = 1.25 and the
  // outer 2 - 1.25 = 0.75: each callee longer than its caller. Floored at 0 node by node, the
  // self times added up to 1.75 in the tree, where the table's f (tottime clamped to its cumtime)
  // said 0.75: a .cpuprofile showed more time than `tsprof stats`.
  const raw = createTickClock(1);
  const h = createHarness({ f: "function" }, { clock: createCompensatedClock(raw, 0.25) });
  const { probe, site } = h;
  const f = (depth: number): void => {
    const t = probe.enter(site.f);
    if (depth > 1) f(depth - 1);
    else raw.tick(2);
    probe.exit(t);
  };
  f(3);
  const p = finish(h);
  let treeSelf = 0;
  const walk = (nodes: NonNullable<typeof p.callTree>): void => {
    for (const node of nodes) {
      treeSelf += node.selfTime;
      const children = node.children.reduce((sum, child) => sum + child.totalTime, 0);
      assert.ok(node.totalTime >= children + node.selfTime - 1e-12, `node total ${node.totalTime} < children ${children} + self ${node.selfTime}`);
      walk(node.children);
    }
  };
  walk(p.callTree!);
  const tableSelf = p.stats.reduce((sum, row) => sum + row.selfTime, 0);
  assert.ok(Math.abs(treeSelf - tableSelf) < 1e-12, `tree self ${treeSelf}, table ${tableSelf}`);
  const row = statsOf(p, "f");
  assert.equal(row.calls, 3);
  assert.ok(row.selfTime <= row.totalTime, JSON.stringify(row));
});
