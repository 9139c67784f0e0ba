// The recorder against its reference: random probe sequences (every kind of frame, stale and foreign
// tokens, tiny caps) through Recorder and ReferenceRecorder (the layout before aligned slices) must
// hand out the same tokens, read the clock as often, and give the same profile at every snapshot.
import assert from "node:assert/strict";
import test from "node:test";
import fc from "fast-check";
import type { FunctionInfo, FunctionKind } from "@tsprof/format";
import type { Clock } from "./clock";
import { createCompensatedClock } from "./compensation";
import { buildProfile, type RecordedData } from "./profile-builder";
import { Recorder, type KindTable, type RecorderOptions } from "./recorder";
import { ReferenceRecorder } from "./reference-recorder.test-helper";

const KINDS: FunctionKind[] = ["function", "function", "function", "generator", "generator", "async", "async-generator"];
const KIND_CODES: Record<FunctionKind, number> = { function: 0, generator: 1, async: 2, "async-generator": 3 };
// Names for the kind table: the plain f1 and f2 and the async f5 are named as an iteration's methods
// (calls the recorders place under a suspended `for await` or `yield*` frame); the profile keeps f0…f6.
const NAMES = ["f0", "[Symbol.asyncIterator]", "next", "f3", "f4", "next", "f6"];
const kindTable: KindTable = { kinds: Uint8Array.from(KINDS, (kind) => KIND_CODES[kind]), functions: NAMES.map((name) => ({ name })) };
const functions: FunctionInfo[] = KINDS.map((kind, i) => ({ name: `f${i}`, qualifiedName: `f${i}`, file: "oracle.js", line: i + 1, column: 1, kind }));
const TAG = 3;

/** A clock that advances one tick per reading (so both recorders must read it equally often) and by `advance`. */
function steppingClock(): Clock & { advance(ticks: number): void; readings: number } {
  let ticks = 0;
  return {
    now() {
      this.readings++;
      return ++ticks;
    },
    advance(n: number) {
      ticks += n;
    },
    readings: 0,
    unit: 1,
    name: "tick",
  };
}

// "forAwait…": a `for await` loop's suspension (the marker): the end of its body (no value), its head
// over an array or over a generator object; every other value is an ordinary suspension's.
type Value = "forAwait" | "forAwaitArray" | "forAwaitGenerator" | "none" | "undefined" | "number" | "asyncIterable" | "generator" | "object" | "array";
type Op =
  | { op: "enter"; fn: number }
  | { op: "exit" | "resume"; pick: number }
  | { op: "suspend" | "delegate"; pick: number; value: Value }
  | { op: "tick"; ticks: number }
  | { op: "snapshot" };

const pick = fc.oneof({ weight: 6, arbitrary: fc.nat({ max: 2 }) }, { weight: 1, arbitrary: fc.nat({ max: 40 }) });
const value = fc.constantFrom<Value>("forAwait", "forAwaitArray", "forAwaitGenerator", "none", "undefined", "number", "asyncIterable", "generator", "object", "array");
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant("enter" as const), fn: fc.nat({ max: KINDS.length - 1 }) }) },
  { weight: 7, arbitrary: fc.record({ op: fc.constant("exit" as const), pick }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("suspend" as const), pick, value }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("resume" as const), pick }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("delegate" as const), pick, value }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("tick" as const), ticks: fc.nat({ max: 3 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: "snapshot" as const }) },
);
const optionsArbitrary: fc.Arbitrary<RecorderOptions> = fc.record({
  maxTreeNodes: fc.constantFrom(1, 2, 3, 5, 8, 500_000),
  maxDepth: fc.constantFrom(2, 4, 100_000),
  maxFrames: fc.constantFrom(1, 2, 3, 2 ** 21),
});

function valueOf(kind: Value): unknown {
  switch (kind) {
    case "forAwait":
    case "none":
    case "undefined":
      return undefined;
    case "number":
      return 7;
    case "asyncIterable":
      return { [Symbol.asyncIterator]: () => ({}) };
    case "generator":
    case "forAwaitGenerator":
      return (function* () {})();
    case "object":
      return { next: () => ({ done: true }) };
    case "array":
    case "forAwaitArray":
      return [1, 2];
  }
}

interface Subject {
  recorder: Recorder | ReferenceRecorder;
  clock: ReturnType<typeof steppingClock>;
  /** What the recorder reads: the stepping clock, or the compensated clock around it. */
  read: Clock;
}

/**
 * Closes the open frames of `recorder` at a reading of the subject's clock. A Recorder on a
 * compensated clock reads its raw clock itself there and ignores the argument.
 */
function closeAll(subject: Subject, recorder: Recorder | ReferenceRecorder): void {
  recorder.closeOpenFrames(recorder instanceof Recorder && subject.read !== subject.clock ? Number.NaN : subject.read.now());
}

function profileWith(subject: Subject, table: readonly FunctionInfo[]): unknown {
  const copy = subject.recorder.clone();
  closeAll(subject, copy);
  return buildProfile(copy as RecordedData, { functions: table, durationTicks: 0, meta: { tool: "oracle", clock: "tick" } });
}

function withoutAsyncWall(profile: unknown): unknown {
  for (const row of (profile as { stats: { asyncWallTime?: number }[] }).stats) delete row.asyncWallTime;
  return profile;
}

/**
 * Runs `ops` through both recorders. With a `bias`, each reads a compensated clock around its
 * stepping clock: the reference takes the compensated readings as they come (reading i is
 * real(i) - i·bias), the recorder reads the stepping clock and takes the bias out itself. Then
 * the profiles are compared once, after closing every frame: a snapshot's copy would count its
 * closing reading in the reference's clock, shared with the live recording, and not in the
 * recorder's, whose copy counts its own.
 */
function run(ops: Op[], options: RecorderOptions, kinds = kindTable, table: readonly FunctionInfo[] = functions, bias?: number): void {
  const newClock = steppingClock();
  const oldClock = steppingClock();
  const newRead = bias === undefined ? newClock : createCompensatedClock(newClock, bias);
  const oldRead = bias === undefined ? oldClock : createCompensatedClock(oldClock, bias);
  const subjects: Subject[] = [
    { recorder: new Recorder(newRead, kinds, TAG, options), clock: newClock, read: newRead },
    { recorder: new ReferenceRecorder(oldRead, kinds, TAG, options), clock: oldClock, read: oldRead },
  ];
  // Async wall times are on the raw clock in the recorder (recorder.ts finish()), a wall time
  // keeping the probes' cost as any wall clock of the run does; the reference's come from the
  // clock it reads. So with a bias they are left out of the comparison.
  const profileOf = (subject: Subject): unknown => (bias === undefined ? profileWith(subject, table) : withoutAsyncWall(profileWith(subject, table)));
  const tokens: number[] = [];
  const tokenAt = (n: number): number => (tokens.length === 0 ? -12345 : tokens[tokens.length - 1 - (n % tokens.length)]);
  for (const [step, op] of ops.entries()) {
    const where = `op ${step}: ${JSON.stringify(op)}`;
    if (op.op === "enter") {
      const [fresh, reference] = subjects.map((s) => s.recorder.enter(op.fn));
      assert.equal(fresh, reference, `${where}: token`);
      if (fresh !== 0) tokens.push(fresh);
    } else if (op.op === "tick") {
      for (const s of subjects) s.clock.advance(op.ticks);
    } else if (op.op === "snapshot") {
      if (bias === undefined) assert.deepEqual(profileOf(subjects[0]), profileOf(subjects[1]), `${where}: profile`);
    } else {
      const token = tokenAt(op.pick);
      const kind = op.op === "suspend" || op.op === "delegate" ? op.value : "none";
      for (const s of subjects) {
        if (op.op === "exit") s.recorder.exit(token);
        else if (op.op === "resume") s.recorder.resume(token);
        else if (op.op === "delegate") s.recorder.delegate(token, valueOf(kind));
        else if (kind.startsWith("forAwait")) s.recorder.suspend(token, valueOf(kind), 1);
        else if (kind === "none") s.recorder.suspend(token);
        else s.recorder.suspend(token, valueOf(kind));
      }
    }
    assert.equal(newClock.readings, oldClock.readings, `${where}: clock readings`);
  }
  if (bias === undefined) assert.deepEqual(profileOf(subjects[0]), profileOf(subjects[1]), "final profile");
  for (const s of subjects) closeAll(s, s.recorder);
  assert.deepEqual(profileOf(subjects[0]), profileOf(subjects[1]), "profile after closing every frame");
}

test("random probe sequences: the recorder gives the reference recorder's tokens, clock readings and profiles", () => {
  fc.assert(
    fc.property(fc.array(opArbitrary, { maxLength: 80 }), optionsArbitrary, (ops, options) => run(ops, options)),
    { numRuns: 1500, seed: 20261126 },
  );
});

test("random probe sequences with a compensated clock: the recorder takes out the bias per reading as the reference's clock does", () => {
  // The stepping clock moves at least a tick a reading and the bias is a quarter of one, so no
  // compensated time reaches a floor: every slice, aligned or direct, must lose exactly a bias per
  // reading after its start up to its end, however the recorder keeps count. A quarter is exact
  // in binary, so sums in any order agree.
  fc.assert(
    fc.property(fc.array(opArbitrary, { maxLength: 80 }), optionsArbitrary, (ops, options) => run(ops, options, kindTable, functions, 0.25)),
    { numRuns: 1500, seed: 20261127 },
  );
});

test("random plain call trees, deep and wide, under small and large node caps, compensated or not: the same profiles", () => {
  // Mostly enters and exits of plain functions near the top of the stack: recursion, mutual
  // recursion, and the node cap reached halfway, where frames past it go direct.
  const plainOp: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ op: fc.constant("enter" as const), fn: fc.nat({ max: 2 }) }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant("exit" as const), pick: fc.constant(0) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("enter" as const), fn: fc.nat({ max: KINDS.length - 1 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("suspend" as const), pick, value }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("resume" as const), pick }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("exit" as const), pick }) },
  );
  fc.assert(
    fc.property(fc.array(plainOp, { minLength: 50, maxLength: 300 }), fc.constantFrom(4, 16, 64, 500_000), fc.boolean(), (ops, maxTreeNodes, compensated) =>
      run(ops, { maxTreeNodes }, kindTable, functions, compensated ? 0.25 : undefined),
    ),
    { numRuns: 400, seed: 20261126 },
  );
});

test("a reading counted at a node whose extra numbers must first grow is kept (compensated clock)", () => {
  // An async call at the root allocates the nodes' extra numbers for the tree's capacity then (256
  // nodes); 300 nested calls later, another async call's reading counts at node 301, past them.
  // The count once went to the array that the growth replaced, and the node lost a bias.
  const ops: Op[] = [{ op: "enter", fn: 5 }, { op: "exit", pick: 0 }];
  for (let i = 0; i < 300; i++) ops.push({ op: "enter", fn: i % 2 });
  ops.push({ op: "enter", fn: 5 }, { op: "exit", pick: 0 });
  for (let i = 0; i < 300; i++) ops.push({ op: "exit", pick: 0 });
  run(ops, { maxTreeNodes: 500_000 }, kindTable, functions, 0.25);
});

test("calls past the node cap to functions whose ids collide in the edge cache keep their own edges", () => {
  // Ids 2 and 2 + 4096 (and 2 + 8192) fall in the same slot of the recorder's edge cache when
  // called by the same function: only the cache's full key tells them apart.
  const count = 8200;
  const kinds = { kinds: new Uint8Array(count) };
  const table: FunctionInfo[] = Array.from({ length: count }, (_, i) => ({ name: `f${i}`, qualifiedName: `f${i}`, file: "oracle.js", line: i + 1, column: 1, kind: "function" as const }));
  const ops: Op[] = [{ op: "enter", fn: 0 }, { op: "enter", fn: 1 }];
  for (const fn of [2, 4098, 2, 8194, 4098, 2, 2, 8194]) ops.push({ op: "enter", fn }, { op: "tick", ticks: 1 }, { op: "exit", pick: 0 });
  ops.push({ op: "exit", pick: 8 }, { op: "exit", pick: 9 }); // f1, then f0
  run(ops, { maxTreeNodes: 1 }, kinds, table);
});

test("a for await head's [Symbol.asyncIterator]() and then next() run under the suspended loop; calls after them do not", () => {
  // f5 (async) suspends in a loop head; f1 ([Symbol.asyncIterator]) runs under it and calls f0; once
  // f1 has returned, the window opens again for f2 (next); the second f2 is the caller's. Then the
  // same at a delegation of f3 (a generator), and a plain call named otherwise that ends a window.
  const ops: Op[] = [
    { op: "enter", fn: 0 },
    { op: "enter", fn: 5 },
    { op: "suspend", pick: 0, value: "forAwait" },
    { op: "enter", fn: 1 },
    { op: "enter", fn: 0 },
    { op: "tick", ticks: 1 },
    { op: "exit", pick: 0 },
    { op: "exit", pick: 1 }, // picks count back from the latest token handed out
    { op: "enter", fn: 2 },
    { op: "tick", ticks: 1 },
    { op: "exit", pick: 0 },
    { op: "enter", fn: 2 },
    { op: "exit", pick: 0 },
    { op: "enter", fn: 3 },
    { op: "delegate", pick: 0, value: "array" },
    { op: "enter", fn: 1 },
    { op: "exit", pick: 0 },
    { op: "enter", fn: 0 },
    { op: "exit", pick: 0 },
    { op: "snapshot" },
  ];
  run(ops, { maxTreeNodes: 500_000 });
  run(ops, { maxTreeNodes: 500_000 }, kindTable, functions, 0.25);
  run(ops, { maxTreeNodes: 3 });
});

test("an async generator's yield* inner finishing takes its delegators off the stack; a generator's stays", () => {
  // f6 (an async generator) delegates to f6 which delegates to f6; the innermost finishes inside the
  // first next(): both delegators leave, each at its own reading, and run on at their own resumes
  // (the middle one from an empty stack). Then the same chain of generators (f3, f4), whose
  // delegator goes on with its own code under main.
  const ops: Op[] = [
    { op: "enter", fn: 0 },
    { op: "enter", fn: 6 },
    { op: "delegate", pick: 0, value: "generator" },
    { op: "enter", fn: 6 },
    { op: "delegate", pick: 0, value: "generator" },
    { op: "enter", fn: 6 },
    { op: "tick", ticks: 1 },
    { op: "exit", pick: 0 },
    { op: "tick", ticks: 1 },
    { op: "exit", pick: 3 }, // f0
    { op: "resume", pick: 1 },
    { op: "tick", ticks: 1 },
    { op: "exit", pick: 1 },
    { op: "resume", pick: 2 },
    { op: "enter", fn: 0 },
    { op: "tick", ticks: 1 },
    { op: "exit", pick: 0 },
    { op: "exit", pick: 3 },
    { op: "snapshot" },
    { op: "enter", fn: 0 },
    { op: "enter", fn: 3 },
    { op: "delegate", pick: 0, value: "generator" },
    { op: "enter", fn: 4 },
    { op: "tick", ticks: 1 },
    { op: "exit", pick: 0 },
    { op: "enter", fn: 0 },
    { op: "tick", ticks: 1 },
    { op: "exit", pick: 0 },
    { op: "exit", pick: 2 }, // f3
    { op: "exit", pick: 4 }, // f0
    { op: "snapshot" },
  ];
  run(ops, { maxTreeNodes: 500_000 });
  run(ops, { maxTreeNodes: 500_000 }, kindTable, functions, 0.25);
  run(ops, { maxTreeNodes: 3 });
});

test("random calls among many plain functions (parents with dozens of children), under small and large node caps: the same profiles", () => {
  // Forty plain functions and two async ones: a parent gets more children than findChild() scans
  // (the wide index: in over a third of these runs, in some with the node cap reached in the
  // middle of a wide parent's list).
  const count = 42;
  const kinds: KindTable = { kinds: Uint8Array.from({ length: count }, (_, i) => (i >= 40 ? KIND_CODES.async : KIND_CODES.function)) };
  const table: FunctionInfo[] = Array.from({ length: count }, (_, i) => ({ name: `w${i}`, qualifiedName: `w${i}`, file: "oracle.js", line: i + 1, column: 1, kind: i >= 40 ? ("async" as const) : ("function" as const) }));
  const wideOp: fc.Arbitrary<Op> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant("enter" as const), fn: fc.nat({ max: count - 1 }) }) },
    { weight: 7, arbitrary: fc.record({ op: fc.constant("exit" as const), pick: fc.constant(0) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("exit" as const), pick }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("suspend" as const), pick, value }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("resume" as const), pick }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("tick" as const), ticks: fc.nat({ max: 3 }) }) },
    { weight: 1, arbitrary: fc.constant({ op: "snapshot" as const }) },
  );
  fc.assert(
    fc.property(fc.array(wideOp, { minLength: 100, maxLength: 400 }), fc.constantFrom(12, 30, 60, 500_000), fc.boolean(), (ops, maxTreeNodes, compensated) =>
      run(ops, { maxTreeNodes }, kinds, table, compensated ? 0.25 : undefined),
    ),
    { numRuns: 300, seed: 20261127 },
  );
});
