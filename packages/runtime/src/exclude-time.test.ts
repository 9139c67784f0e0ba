// Time `tsprof run` spends compiling a module on the fly leaves the numbers: excludeFromRecording() (on the program's
// thread: the open calls', as if the clock had stood still) and offClockSeconds (on the hooks thread: async wall times).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createTickClock } from "./clock";
import { excludeFromRecording } from "./default-session";
import { createHarness, finish, statsOf, treeLines } from "./harness.test-helper";
import { RecordingSession } from "./recording-session";
import { getRuntimeState } from "./runtime-state";

/** A manual clock (1 tick = 1 s) that passes for one measuring time: tick clocks are left alone (see the last test). */
function manualClock() {
  return { ...createTickClock(1), name: "manual" };
}

test("seconds excluded while calls are open come out of their times, not out of earlier or later calls", () => {
  const clock = manualClock();
  const h = createHarness({ main: "function", load: "function", after: "function" }, { clock });
  const { probe, site } = h;
  // load: 1 tick of its own, then a compile of 5 ticks excluded, then 1: tottime 2 (was 7)
  function load(): void {
    const t = probe.enter(site.load);
    try {
      clock.tick(1);
      clock.tick(5);
      excludeFromRecording(5);
      clock.tick(1);
    } finally {
      probe.exit(t);
    }
  }
  // after: 3 ticks, after the exclusion: untouched
  function after(): void {
    const t = probe.enter(site.after);
    try {
      clock.tick(3);
    } finally {
      probe.exit(t);
    }
  }
  // main: 1 tick, load (2), after (3): cumtime 6 (was 11)
  function main(): void {
    const t = probe.enter(site.main);
    try {
      clock.tick(1);
      load();
      after();
    } finally {
      probe.exit(t);
    }
  }
  main();
  const p = finish(h);
  assert.deepEqual(statsOf(p, "load"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 2 });
  assert.deepEqual(statsOf(p, "after"), { calls: 1, primitiveCalls: 1, selfTime: 3, totalTime: 3 });
  assert.deepEqual(statsOf(p, "main"), { calls: 1, primitiveCalls: 1, selfTime: 1, totalTime: 6 });
  assert.deepEqual(treeLines(p), ["main 1/1/6", "  load 1/2/2", "  after 1/3/3"]);
});

test("an async function suspended while time is excluded: its wall time loses it too", async () => {
  const clock = manualClock();
  const h = createHarness({ importer: "async" }, { clock });
  const { probe, site } = h;
  // importer: slices [0,1] and [9,10]; 6 of the 8 ticks suspended excluded: wall 4 (was 10), tottime 2
  async function importer(): Promise<void> {
    const t = probe.enter(site.importer);
    try {
      clock.tick(1);
      const pending = new Promise<void>((resolve) => setImmediate(() => {
        clock.tick(8);
        excludeFromRecording(6);
        resolve();
      }));
      probe.resume(t, await probe.suspend(t, pending));
      clock.tick(1);
    } finally {
      probe.exit(t);
    }
  }
  await importer();
  const p = finish(h);
  assert.deepEqual(statsOf(p, "importer"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 2, asyncWallTime: 4 });
});

test("under a tick clock, whose ticks are not seconds, nothing is excluded", () => {
  const h = createHarness({ load: "function" });
  const { probe, clock, site } = h;
  const t = probe.enter(site.load);
  clock.tick(4);
  excludeFromRecording(3);
  probe.exit(t);
  assert.deepEqual(statsOf(finish(h), "load"), { calls: 1, primitiveCalls: 1, selfTime: 4, totalTime: 4 });
});

test("seconds another thread counts (offClockSeconds: tsprof run's hooks compiling for an import()) leave the async wall times of the frames alive meanwhile", async () => {
  const clock = manualClock();
  const offClockSeconds = new Float64Array(1);
  const session = new RecordingSession({ clock, offClockSeconds });
  const probe = getRuntimeState().module("off-clock.js", [["importer", "", 1, 1, 2], ["later", "", 2, 1, 2]]);
  session.enable();
  // importer: invoked at 0, suspended while 6 of 8 ticks go to the other thread's compile, settles at 10: wall 4
  // later: invoked after the compile, wall 1 (the count stays where it was)
  const t = probe.enter(0);
  clock.tick(1);
  probe.suspend(t);
  clock.tick(8);
  offClockSeconds[0] += 6;
  probe.resume(t);
  const u = probe.enter(1);
  clock.tick(1);
  probe.exit(u);
  probe.exit(t);
  session.disable();
  const p = session.snapshot();
  assert.equal(statsOf(p, "importer").asyncWallTime, 4);
  assert.equal(statsOf(p, "later").asyncWallTime, 1);
  // Under a tick clock the count is not seconds: nothing is left out.
  const ticks = createTickClock(1);
  const tickSession = new RecordingSession({ clock: ticks, offClockSeconds });
  tickSession.enable();
  const v = probe.enter(0);
  ticks.tick(3);
  offClockSeconds[0] += 2;
  probe.exit(v);
  tickSession.disable();
  assert.equal(statsOf(tickSession.snapshot(), "importer").asyncWallTime, 3);
});
