// A profile paused while another records keeps its open frames (recording-session.ts header):
// after the pause the enclosing calls go on in it, the pause counts as time of the frame that was
// on top, and the paused frames' own exits, suspensions and resumptions still reach it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { edgeOf, statsOf, treeLines } from "./harness.test-helper";
import { createTickClock } from "./clock";
import { Profile } from "./profile";
import { RecordingSession } from "./recording-session";
import { getRuntimeState } from "./runtime-state";

const probe = getRuntimeState().module("pause-test.js", [
  ["main", "", 1, 1, 0],
  ["leaf", "", 2, 1, 0],
  ["task", "", 3, 1, 2],
  ["inner", "", 4, 1, 0],
]);
const MAIN = 0;
const LEAF = 1;
const TASK = 2;
const INNER = 3;

function call(site: number, clock: { tick(n?: number): void }, ticks: number): void {
  const t = probe.enter(site);
  clock.tick(ticks);
  probe.exit(t);
}

test("a paused profile keeps its open frames: the enclosing function's later calls stay under it, its time covers the pause", () => {
  const clock = createTickClock(1);
  const outer = new Profile({ clock });
  const other = new Profile({ clock });
  outer.enable();
  const main = probe.enter(MAIN);
  call(LEAF, clock, 1);
  other.runcall(() => call(INNER, clock, 10)); // the pause: 10 ticks in inner, recorded by `other`
  call(LEAF, clock, 1);
  call(LEAF, clock, 1);
  probe.exit(main);
  outer.disable();
  const p = outer.snapshot();
  assert.deepEqual(edgeOf(p, "main", "leaf"), { calls: 3, primitiveCalls: 3, selfTime: 3, totalTime: 3 });
  // The pause is main's own time, as untraced code would be; inner is not in this profile.
  assert.deepEqual(statsOf(p, "main"), { calls: 1, primitiveCalls: 1, selfTime: 10, totalTime: 13 });
  assert.equal(p.stats.some((s) => p.functions[s.function]?.name === "inner"), false);
  assert.deepEqual(treeLines(p), ["main 1/10/13", "  leaf 3/3/3"]);
  assert.equal(p.duration, 13, "the pause is in the paused profile's duration");
  const q = other.snapshot();
  assert.deepEqual(statsOf(q, "inner"), { calls: 1, primitiveCalls: 1, selfTime: 10, totalTime: 10 });
  assert.equal(q.stats.length, 1);
});

test("a frame of the paused profile that returns while the other records ends in its own profile, at that instant", () => {
  const clock = createTickClock(1);
  const automatic = new RecordingSession({ clock });
  automatic.enable();
  const user = new Profile({ clock });
  try {
    const main = probe.enter(MAIN);
    clock.tick(1);
    user.enable(); // e.g. a function that turns a profile on and returns
    clock.tick(2);
    probe.exit(main); // the automatic session's frame: main ends here, 3 ticks
    call(LEAF, clock, 4); // the user profile's, at its root
    user.disable();
    call(LEAF, clock, 1); // the automatic session's again, at its root
  } finally {
    automatic.disable();
  }
  const a = automatic.snapshot();
  assert.deepEqual(statsOf(a, "main"), { calls: 1, primitiveCalls: 1, selfTime: 3, totalTime: 3 });
  assert.deepEqual(statsOf(a, "leaf"), { calls: 1, primitiveCalls: 1, selfTime: 1, totalTime: 1 });
  assert.deepEqual(treeLines(a), ["main 1/3/3", "leaf 1/1/1"]);
  const u = user.snapshot();
  assert.deepEqual(treeLines(u), ["leaf 1/4/4"]);
});

test("an async function pending across the pause resumes and settles in the paused profile; its calls while paused go to the recording one", () => {
  const clock = createTickClock(1);
  const outer = new Profile({ clock });
  const other = new Profile({ clock });
  outer.enable();
  const main = probe.enter(MAIN);
  const task = probe.enter(TASK);
  clock.tick(1);
  probe.suspend(task); // awaits: back in main
  other.enable();
  probe.resume(task); // resumes from the microtask queue while `other` records
  call(LEAF, clock, 2); // task's call, recorded by `other` (the paused profile does not take calls)
  probe.suspend(task);
  other.disable();
  probe.resume(task);
  call(LEAF, clock, 1);
  probe.exit(task);
  probe.exit(main);
  outer.disable();
  const p = outer.snapshot();
  // task: slices [0,1], [1,3] (its leaf call while paused is its own time), [3,4].
  assert.deepEqual(statsOf(p, "task"), { calls: 1, primitiveCalls: 1, selfTime: 3, totalTime: 4, asyncWallTime: 4 });
  assert.deepEqual(edgeOf(p, "task", "leaf"), { calls: 1, primitiveCalls: 1, selfTime: 1, totalTime: 1 });
  assert.deepEqual(edgeOf(p, "main", "task"), { calls: 1, primitiveCalls: 1, selfTime: 3, totalTime: 4 });
  assert.deepEqual(statsOf(p, "main"), { calls: 1, primitiveCalls: 1, selfTime: 0, totalTime: 4 });
  const q = other.snapshot();
  assert.deepEqual(treeLines(q), ["leaf 1/2/2"]);
});

test("a profile disabled while paused closes its frames then; the one it paused for goes on unaffected", () => {
  const clock = createTickClock(1);
  const a = new Profile({ clock });
  const b = new Profile({ clock });
  a.enable();
  const main = probe.enter(MAIN);
  clock.tick(1);
  b.enable();
  clock.tick(2);
  a.disable(); // while paused: main closes now, at 3
  call(LEAF, clock, 1);
  probe.exit(main); // stale for both
  b.disable();
  assert.deepEqual(treeLines(a.snapshot()), ["main 1/3/3"]);
  assert.deepEqual(treeLines(b.snapshot()), ["leaf 1/1/1"]);
  assert.equal(getRuntimeState().owner, null);
});

test("two live profiles never share a token tag: one enabled over a paused profile with its tag takes another", () => {
  const clock = createTickClock(1);
  const a = new Profile({ clock });
  a.enable();
  const main = probe.enter(MAIN);
  const task = probe.enter(TASK); // a's async frame: slot 0, first generation
  probe.suspend(task);
  // Tags are handed out in turn (1..15): the 15th profile from now has a's tag.
  let b = new Profile({ clock });
  for (let i = 0; i < 14; i++) b = new Profile({ clock });
  b.enable();
  const other = probe.enter(TASK); // b's async frame, slot 0, first generation too
  probe.suspend(other);
  probe.resume(task); // a's: resumes in a, not b
  clock.tick(2);
  probe.exit(task);
  probe.resume(other);
  clock.tick(1);
  probe.exit(other);
  b.disable();
  probe.exit(main);
  a.disable();
  assert.deepEqual(statsOf(a.snapshot(), "task"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 2, asyncWallTime: 2 });
  assert.deepEqual(statsOf(b.snapshot(), "task"), { calls: 1, primitiveCalls: 1, selfTime: 1, totalTime: 1, asyncWallTime: 3 });
});
