// buildProfile's call tree and edges: built in canonical order straight from the recorder's tables, they must be
// what the generic canonicalization (copy, remap, sort) makes of them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { canonicalizeProfile } from "@tsprof/format";
import { createHarness, finish, treeLines } from "./harness.test-helper";

test("siblings made in the reverse of canonical order come out by function index, nested alike", () => {
  // Sites on lines 1..4 in this order: canonical function order is main, c, b, a (by line).
  const h = createHarness({ main: "function", c: "function", b: "function", a: "function" });
  const call = (name: "main" | "a" | "b" | "c", body: () => void = () => {}): void => {
    const t = h.probe.enter(h.site[name]);
    h.clock.tick(1);
    body();
    h.probe.exit(t);
  };
  call("main", () => {
    call("a", () => {
      call("b");
      call("a");
    });
    call("b", () => call("c"));
    call("c");
    call("a");
  });
  const profile = finish(h);
  assert.deepEqual(treeLines(profile), [
    "main 1/1/8",
    "  c 1/1/1",
    "  b 1/1/2",
    "    c 1/1/1",
    "  a 2/2/4",
    "    b 1/1/1",
    "    a 1/1/1",
  ]);
  assert.deepEqual(canonicalizeProfile(profile), profile);
});

test("a wide and deep random tree is the one the generic canonicalization makes", () => {
  const names = Array.from({ length: 40 }, (_, i) => `f${i}`);
  const kinds = Object.fromEntries(names.map((name) => [name, "function" as const]));
  const h = createHarness(kinds);
  // A fixed pseudo-random walk: calls 3 times in 5, returns otherwise, up to 60 deep.
  let seed = 20261127;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const tokens: number[] = [];
  let calls = 0;
  for (let step = 0; step < 200_000; step++) {
    if (tokens.length < 60 && (tokens.length === 0 || random() < 0.6)) {
      // Mostly the last ten functions, so paths repeat and nodes get many calls.
      const fn = random() < 0.8 ? 30 + Math.floor(random() * 10) : Math.floor(random() * 40);
      tokens.push(h.probe.enter(fn));
      calls++;
    } else h.probe.exit(tokens.pop() as number);
    h.clock.tick(1);
  }
  while (tokens.length > 0) h.probe.exit(tokens.pop() as number);
  const profile = finish(h);
  let nodes = 0;
  let treeCalls = 0;
  const walk = (list: typeof profile.callTree): void => {
    for (const node of list ?? []) {
      nodes++;
      treeCalls += node.calls;
      walk(node.children);
    }
  };
  walk(profile.callTree);
  assert.ok(nodes > 10_000, `${nodes} nodes`);
  assert.equal(treeCalls, calls);
  assert.deepEqual(canonicalizeProfile(profile), profile);
});

test("user patches of typed-array and array methods and an Object.prototype setter do not reach the tree's building", () => {
  const h = createHarness({ main: "function", b: "function", a: "function" });
  const call = (name: "main" | "a" | "b", body: () => void = () => {}): void => {
    const t = h.probe.enter(h.site[name]);
    h.clock.tick(1);
    body();
    h.probe.exit(t);
  };
  call("main", () => {
    call("a", () => call("b"));
    call("b", () => call("a", () => call("b")));
    call("a");
  });
  h.profile.disable();
  const expected = treeLines(h.profile.snapshot());
  const typedArray = Object.getPrototypeOf(Int32Array.prototype) as { slice: unknown; subarray: unknown };
  const { slice, subarray } = typedArray;
  const { push, map } = Array.prototype;
  const fail = (what: string) => () => {
    throw new Error(`${what} reached`);
  };
  typedArray.slice = fail("slice");
  typedArray.subarray = fail("subarray");
  Array.prototype.push = fail("push");
  Array.prototype.map = fail("map");
  Object.defineProperty(Object.prototype, "0", { set: fail("setter"), configurable: true });
  let profile: ReturnType<typeof h.profile.snapshot>;
  try {
    profile = h.profile.snapshot();
  } finally {
    typedArray.slice = slice;
    typedArray.subarray = subarray;
    Array.prototype.push = push;
    Array.prototype.map = map;
    delete (Object.prototype as Record<string, unknown>)["0"];
  }
  assert.deepEqual(treeLines(profile), expected);
  assert.deepEqual(expected, ["main 1/1/7", "  b 1/1/3", "    a 1/1/2", "      b 1/1/1", "  a 2/2/3", "    b 1/1/1"]);
});

test("with the probe cost taken out, a recursion's tottime never exceeds its cumtime (functions and edges), as in cProfile", () => {
  // A coarse clock (ticks of 0 or 1 per call) and a bias of a tenth of a tick: the per-slice
  // clamps at 0 made fib's self times add up to more than its outermost frame's total.
  const { createCompensatedClock } = require("./compensation") as typeof import("./compensation");
  const { createTickClock } = require("./clock") as typeof import("./clock");
  const { Profile } = require("./profile") as typeof import("./profile");
  const { getRuntimeState } = require("./runtime-state") as typeof import("./runtime-state");
  const probe = getRuntimeState().module("compensated-fib.js", [["fib", "", 1, 1, 0]]);
  const tick = createTickClock(1);
  let clamped = 0;
  for (let seed = 1; seed <= 20; seed++) {
    let state = seed;
    const coarse = (): number => ((state = (state * 1103515245 + 12345) & 0x7fffffff) % 3 === 0 ? 1 : 0);
    const profile = new Profile({ clock: createCompensatedClock(tick, 0.1) });
    const fib = (n: number): number => {
      const t = probe.enter(0);
      try {
        tick.tick(coarse());
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
      } finally {
        probe.exit(t);
      }
    };
    profile.runcall(fib, 8);
    const data = profile.snapshot();
    assert.equal(data.stats.length, 1);
    const [row] = data.stats;
    assert.equal(row.calls, 67);
    assert.ok(row.selfTime <= row.totalTime, `seed ${seed}: tottime ${row.selfTime} > cumtime ${row.totalTime}`);
    if (row.selfTime === row.totalTime) clamped++;
    for (const edge of data.edges) assert.ok(edge.selfTime <= edge.totalTime, `seed ${seed}: edge tottime ${edge.selfTime} > cumtime ${edge.totalTime}`);
  }
  assert.ok(clamped > 0, "the case arises");
});
