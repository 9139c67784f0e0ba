// The cProfile-like API: enable/disable, runcall, run, scope, snapshot, dumpStats, printStats, one recorder at a time.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { createTickClock } from "./clock";
import { createHarness, finish, statsOf } from "./harness.test-helper";
import { Profile, createProfile } from "./profile";
import { getRuntimeState } from "./runtime-state";

const probe = getRuntimeState().module("api-test.js", [
  ["work", "", 1, 1, 0],
  ["outer", "", 5, 1, 0],
]);

function work(clock: { tick(n?: number): void }, ticks = 1): number {
  const t = probe.enter(0);
  try {
    clock.tick(ticks);
    return ticks;
  } finally {
    probe.exit(t);
  }
}

test("runcall records exactly the call and returns its result", () => {
  const clock = createTickClock(1);
  const profile = new Profile({ clock });
  work(clock); // not recording yet
  assert.equal(profile.runcall(work, clock, 3), 3);
  work(clock); // not recording any more
  const p = profile.snapshot();
  assert.deepEqual(statsOf(p, "work"), { calls: 1, primitiveCalls: 1, selfTime: 3, totalTime: 3 });
  assert.equal(profile.enabled, false);
});

test("run keeps recording until a returned promise settles", async () => {
  const clock = createTickClock(1);
  const profile = createProfile({ clock });
  const value = await profile.run(async () => {
    work(clock, 1);
    await Promise.resolve();
    work(clock, 2);
    return "done";
  });
  assert.equal(value, "done");
  assert.equal(profile.enabled, false);
  assert.deepEqual(statsOf(profile.snapshot(), "work"), { calls: 2, primitiveCalls: 2, selfTime: 3, totalTime: 3 });
});

test("run disables when the body throws, and rethrows", () => {
  const profile = new Profile({ clock: createTickClock(1) });
  assert.throws(() => profile.run(() => { throw new Error("inside"); }), /inside/);
  assert.equal(profile.enabled, false);
});

test("scope: disposing it disables the profile (Symbol.dispose, as `using` does)", () => {
  const clock = createTickClock(1);
  const profile = new Profile({ clock });
  const scope = profile.scope();
  assert.equal(profile.enabled, true);
  work(clock, 2);
  scope[Symbol.dispose]();
  assert.equal(profile.enabled, false);
  scope.close(); // idempotent
  work(clock, 5);
  assert.equal(statsOf(profile.snapshot(), "work").calls, 1);
});

test("snapshot closes open frames on a copy: the live stack goes on undisturbed", () => {
  const h = createHarness({ long: "function" });
  const t = h.probe.enter(h.site.long);
  h.clock.tick(2);
  const midway = h.profile.snapshot();
  assert.deepEqual(statsOf(midway, "long"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 2 });
  h.clock.tick(3);
  h.probe.exit(t);
  const p = finish(h);
  assert.deepEqual(statsOf(p, "long"), { calls: 1, primitiveCalls: 1, selfTime: 5, totalTime: 5 });
  assert.equal(p.duration, 5);
});

test("disable closes open frames (cProfile's flush); their later exits are ignored", () => {
  const clock = createTickClock(1);
  const profile = new Profile({ clock });
  profile.enable();
  const t = probe.enter(1);
  clock.tick(2);
  profile.disable(); // outer closed at 2
  clock.tick(10);
  profile.enable();
  probe.exit(t); // from before the flush: ignored
  profile.disable();
  const p = profile.snapshot();
  assert.deepEqual(statsOf(p, "outer"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 2 });
  assert.equal(p.duration, 2, "duration counts enabled intervals only");
});

test("clear forgets everything recorded so far", () => {
  const clock = createTickClock(1);
  const profile = new Profile({ clock });
  profile.runcall(work, clock, 1);
  profile.clear();
  profile.runcall(work, clock, 4);
  assert.deepEqual(statsOf(profile.snapshot(), "work"), { calls: 1, primitiveCalls: 1, selfTime: 4, totalTime: 4 });
});

test("only one profile records at a time: enabling one pauses the other until it is disabled", () => {
  const clock = createTickClock(1);
  const first = new Profile({ clock });
  const second = new Profile({ clock });
  first.enable();
  work(clock, 1);
  second.enable();
  assert.equal(first.enabled, false);
  work(clock, 2);
  second.disable();
  assert.equal(first.enabled, true);
  work(clock, 4);
  first.disable();
  assert.deepEqual(statsOf(first.snapshot(), "work"), { calls: 2, primitiveCalls: 2, selfTime: 5, totalTime: 5 });
  assert.deepEqual(statsOf(second.snapshot(), "work"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 2 });
});

test("dumpStats writes the canonical profile file atomically", () => {
  const clock = createTickClock(0.001);
  const profile = new Profile({ clock });
  profile.runcall(work, clock, 9);
  const dir = mkdtempSync(join(tmpdir(), "tsprof-api-"));
  const path = join(dir, "out.tsprof.json");
  profile.dumpStats(path);
  assert.deepEqual(readdirSync(dir), ["out.tsprof.json"], "no temp file left behind");
  const written = JSON.parse(readFileSync(path, "utf8"));
  assert.equal(written.format, "tsprof-profile");
  assert.equal(written.meta.clock, "tick");
  assert.deepEqual(written.stats, [{ function: 0, calls: 1, primitiveCalls: 1, selfTime: 0.009, totalTime: 0.009 }]);
  assert.deepEqual(written.functions, [{ name: "work", qualifiedName: "work", file: "api-test.js", line: 1, column: 1, kind: "function" }]);
});

test("printStats prints the pstats table through @tsprof/stats, sorted as asked", () => {
  const clock = createTickClock(0.001);
  const profile = new Profile({ clock });
  profile.runcall(work, clock, 9);
  let printed = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      printed += String(chunk);
      done();
    },
  });
  profile.printStats("cumulative", stream);
  assert.match(printed, /1 function calls in 0\.009 seconds/);
  assert.match(printed, /Ordered by: cumulative time/);
  assert.match(printed, /\s1\s+0\.009\s+0\.009\s+0\.009\s+0\.009 api-test\.js:1\(work\)/);
  assert.throws(() => profile.printStats("no-such-key", stream), /no-such-key/);
});

test("clear while a frame is open: its later exit cannot close a frame of the new recorder", () => {
  const clock = createTickClock(1);
  const profile = new Profile({ clock });
  profile.enable();
  const before = probe.enter(1); // outer, recorded before clear
  profile.clear();
  const after = probe.enter(0); // work, in the fresh recorder (same slot, first generation)
  clock.tick(2);
  probe.exit(before); // stale: ignored
  clock.tick(1);
  probe.exit(after);
  profile.disable();
  const p = profile.snapshot();
  assert.deepEqual(statsOf(p, "work"), { calls: 1, primitiveCalls: 1, selfTime: 3, totalTime: 3 });
  assert.equal(p.stats.length, 1);
});
