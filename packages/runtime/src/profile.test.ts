// The cProfile-like API: enable/disable, runcall, run, scope, snapshot, dumpStats, printStats, one recorder at a time.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { looksLikeMarshal } from "@tsprof/format";
import { createNullClock, createTickClock } from "./clock";
import { createHarness, finish, statsOf } from "./harness.test-helper";
import { Profile, createProfile } from "./profile";
import { RecordingSession } from "./recording-session";
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

test("dumpStats picks the format as every tsprof writer does: any name but .json and .cpuprofile is a pstats file (restats, x.stats, x.out)", () => {
  const clock = createTickClock(0.001);
  const profile = new Profile({ clock });
  profile.runcall(work, clock, 9);
  const dir = mkdtempSync(join(tmpdir(), "tsprof-api-"));
  for (const name of ["restats", "x.stats", "x.out", "x.prof"]) {
    profile.dumpStats(join(dir, name));
    assert.ok(looksLikeMarshal(readFileSync(join(dir, name))), name);
  }
  profile.dumpStats(join(dir, "x.json"));
  assert.equal(JSON.parse(readFileSync(join(dir, "x.json"), "utf8")).format, "tsprof-profile");
});

test("dumpStats without a path string is one TypeError naming the method, as Python's dump_stats() without its file (not Node's from inside the write)", () => {
  const profile = new Profile({ clock: createTickClock(0.001) });
  const call = profile.dumpStats as (path?: unknown) => void;
  for (const [args, shown] of [[[], "undefined"], [[42], "42"], [[null], "null"], [[{ path: "x.prof" }], "an object"]] as const) {
    assert.throws(() => call.apply(profile, [...args]), { name: "TypeError", message: `Profile.dumpStats needs the path of the file to write (a string), not ${shown}` });
  }
});

test("dumpStats of a count-only profile to a .cpuprofile throws one line and writes nothing: the file would hold only zeros", () => {
  const profile = new Profile({ clock: createNullClock() });
  profile.runcall(work, createTickClock(0.001), 9);
  const dir = mkdtempSync(join(tmpdir(), "tsprof-api-"));
  assert.throws(() => profile.dumpStats(join(dir, "x.cpuprofile")), {
    message: `${join(dir, "x.cpuprofile")}: the profile has calls and no times (as TSPROF_MODE=count records them), and a .cpuprofile holds nothing else: write .tsprof.json, .prof or .pstats for the counts`,
  });
  assert.deepEqual(readdirSync(dir), []);
  profile.dumpStats(join(dir, "x.prof"));
  assert.deepEqual(readdirSync(dir), ["x.prof"], "other formats hold the counts");
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

test("printStats takes a SortKey member, null and undefined (the default order) and writes to any { write } sink", () => {
  const clock = createTickClock(0.001);
  const profile = new Profile({ clock });
  profile.runcall(work, clock, 9);
  // Loaded at run time, as printStats() loads it: the runtime does not depend on @tsprof/stats.
  const { SortKey } = require("@tsprof/stats") as { SortKey: Record<string, { value: string }> };
  let printed = "";
  const sink = { write: (text: string) => void (printed += text) };
  profile.printStats(SortKey.CUMULATIVE, sink);
  assert.match(printed, /Ordered by: cumulative time\n/);
  assert.match(printed, /api-test\.js:1\(work\)/);
  for (const sort of [null, undefined, [SortKey.CUMULATIVE, SortKey.NAME], ["calls", "name"]]) {
    printed = "";
    profile.printStats(sort, sink);
    assert.match(printed, /api-test\.js:1\(work\)/, String(sort));
    if (sort === null || sort === undefined) assert.match(printed, /Ordered by: standard name\n/);
  }
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

test("every option is checked at construction: a bad one throws, naming the option and what it accepts", () => {
  const cases: Array<[unknown, typeof TypeError | typeof RangeError, RegExp]> = [
    [{ clock: 5 }, TypeError, /^Profile: option clock must be an object with a now\(\) function and a positive finite unit \(seconds per tick\), not 5$/],
    [{ clock: {} }, TypeError, /^Profile: option clock must be .*; its now is undefined$/],
    [{ clock: { now: () => 0 } }, TypeError, /^Profile: option clock must be .*; its unit is undefined$/],
    [{ clock: { now: () => 0, unit: 0 } }, RangeError, /^Profile: option clock must be .*; its unit is 0$/],
    [{ clock: { now: () => 0, unit: Infinity } }, RangeError, /its unit is Infinity$/],
    [{ clock: { now: () => 0, unit: 1, name: 7 } }, TypeError, /^Profile: option clock's name, if given, must be a string, not 7$/],
    [{ compensate: "yes" }, TypeError, /^Profile: option compensate must be true or false, not "yes"$/],
    [{ maxTreeNodes: "x" }, TypeError, /^Profile: option maxTreeNodes must be an integer from 1 to 2\^30, not "x"$/],
    [{ maxTreeNodes: -1 }, RangeError, /^Profile: option maxTreeNodes must be an integer from 1 to 2\^30, not -1$/],
    [{ maxTreeNodes: 0 }, RangeError, /not 0$/],
    [{ maxTreeNodes: 2.5 }, RangeError, /not 2\.5$/],
    [{ maxDepth: 0 }, RangeError, /^Profile: option maxDepth must be an integer from 1 to 2\^30, not 0$/],
    [{ maxDepth: -3 }, RangeError, /^Profile: option maxDepth must be .*, not -3$/],
    [{ maxDepth: NaN }, RangeError, /not NaN$/],
    [{ maxFrames: 0x200001 }, RangeError, /^Profile: option maxFrames must be an integer from 1 to 2\^21, not 2097153$/],
    [{ bogus: 1 }, TypeError, /^Profile: unknown option "bogus" \(the options are clock, compensate, maxTreeNodes, maxDepth, maxFrames\)$/],
    [{ maxTreNodes: 10 }, TypeError, /^Profile: unknown option "maxTreNodes"/],
    [null, TypeError, /^Profile: options must be an object \(clock, compensate, maxTreeNodes, maxDepth, maxFrames\), not null$/],
  ];
  for (const [options, type, message] of cases) {
    assert.throws(() => new Profile(options as never), (error: unknown) => {
      assert.ok(error instanceof type, `${JSON.stringify(options)}: ${String(error)}`);
      assert.match((error as Error).message, message);
      return true;
    });
  }
  // What is valid still constructs: bounds included, and undefined counts as absent.
  for (const options of [{}, { clock: createTickClock(1), compensate: false, maxTreeNodes: 1, maxDepth: 1, maxFrames: 0x200000 }, { clock: undefined, maxDepth: undefined }]) {
    assert.doesNotThrow(() => new Profile(options));
  }
});

test("a profile whose clock throws on enable stays disabled; the paused profiles record again and later ones work", () => {
  const clock = createTickClock(1);
  // Stands for the automatic session (default-session.ts builds one of these and enables it).
  const automatic = new RecordingSession({ clock });
  automatic.enable();
  const broken = new Profile({ clock: { now: () => { throw new Error("clock broke"); }, unit: 1 } });
  try {
    work(clock, 1); // the automatic session: 1
    assert.throws(() => broken.enable(), /clock broke/);
    assert.equal(broken.enabled, false);
    assert.equal(automatic.recording, true);
    work(clock, 1); // the automatic session: 2
    const other = new Profile({ clock });
    other.enable();
    work(clock, 1); // other: 1
    assert.throws(() => broken.runcall(work, clock, 1), /clock broke/);
    assert.equal(broken.enabled, false);
    assert.equal(other.enabled, true);
    work(clock, 1); // other: 2
    assert.doesNotThrow(() => broken.disable());
    other.disable();
    assert.equal(automatic.recording, true);
    work(clock, 1); // the automatic session: 3
    const later = new Profile({ clock });
    assert.equal(later.runcall(work, clock, 1), 1);
    assert.equal(automatic.recording, true);
    assert.deepEqual(statsOf(later.snapshot(), "work"), { calls: 1, primitiveCalls: 1, selfTime: 1, totalTime: 1 });
    assert.equal(statsOf(other.snapshot(), "work")?.calls, 2);
    assert.equal(statsOf(automatic.snapshot(), "work")?.calls, 3);
  } finally {
    automatic.disable();
  }
});

test("a profile whose clock starts throwing while it records: disable rethrows, yet releases the recorder and resumes the paused one", () => {
  const clock = createTickClock(1);
  const first = new Profile({ clock });
  let fail = false;
  const flaky = new Profile({ clock: { now: () => { if (fail) throw new Error("clock broke"); return 0; }, unit: 1 } });
  first.enable();
  flaky.enable();
  assert.equal(first.enabled, false);
  fail = true;
  assert.throws(() => flaky.disable(), /clock broke/);
  assert.equal(flaky.enabled, false);
  assert.equal(first.enabled, true);
  work(clock, 1);
  // Re-enabling it fails cleanly; enabling another one over it does not trip over its clock.
  assert.throws(() => flaky.enable(), /clock broke/);
  assert.equal(first.enabled, true);
  work(clock, 1);
  first.disable();
  assert.equal(statsOf(first.snapshot(), "work")?.calls, 2);
});

test("nested profiles hand recording back in order, whichever is disabled first: automatic → A → B, A off while B records, then B off → automatic", () => {
  const clock = createTickClock(1);
  const automatic = new RecordingSession({ clock });
  automatic.enable();
  const a = new Profile({ clock });
  const b = new Profile({ clock });
  try {
    work(clock, 1); // automatic: 1
    a.enable();
    work(clock, 1); // a: 1
    b.enable();
    work(clock, 1); // b: 1
    a.disable(); // paused, now off: it never records again
    assert.equal(b.enabled, true);
    work(clock, 1); // b: 2
    b.disable();
    assert.equal(a.enabled, false);
    assert.equal(automatic.recording, true);
    work(clock, 1); // automatic: 2

    // Re-enabled while paused: A records over B, then B, then the automatic session, each in turn.
    a.enable();
    b.enable();
    work(clock, 1); // b: 3
    a.enable(); // pauses B
    assert.equal(b.enabled, false);
    work(clock, 1); // a: 2
    a.disable();
    assert.equal(b.enabled, true);
    work(clock, 1); // b: 4
    b.disable();
    assert.equal(automatic.recording, true);
    work(clock, 1); // automatic: 3
    assert.equal(statsOf(a.snapshot(), "work")?.calls, 2);
    assert.equal(statsOf(b.snapshot(), "work")?.calls, 4);
    assert.equal(statsOf(automatic.snapshot(), "work")?.calls, 3);
  } finally {
    a.disable();
    b.disable();
    automatic.disable();
  }
  assert.equal(getRuntimeState().owner, null);
  assert.deepEqual(getRuntimeState().paused, []);
});
