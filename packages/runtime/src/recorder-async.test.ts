// The async and generator rules (see recorder.ts header), on a tick clock (1 tick = 1 s), with instrumented-shaped code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHarness, edgeOf, finish, statsOf, treeLines, type Harness } from "./harness.test-helper";

/** A plain function `spin` of the harness that runs `ticks` of its own. */
function spinner(h: Harness<"spin">, ticks: number): () => void {
  return () => {
    const t = h.probe.enter(h.site.spin);
    try {
      h.clock.tick(ticks);
    } finally {
      h.probe.exit(t);
    }
  };
}

test("async await chain: suspended time counts for nobody; the resumed callee runs under its logical caller", async () => {
  const h = createHarness({ parent: "async", child: "async" });
  const { probe, clock, site } = h;
  // child: 1 call, slices [1,2] and [2,4]: tottime 3, cumtime 3, wall 1→4 = 3
  async function child(): Promise<number> {
    const t = probe.enter(site.child);
    try {
      clock.tick(1);
      probe.resume(t, await probe.suspend(t, Promise.resolve()));
      clock.tick(2);
      return 1;
    } finally {
      probe.exit(t);
    }
  }
  // parent: slices [0,2] (child's first slice inside) and [4,5]: tottime 1 + 1, cumtime 2 + 1, wall 0→5
  async function parent(): Promise<void> {
    const t = probe.enter(site.parent);
    try {
      clock.tick(1);
      const pending = child();
      probe.resume(t, await probe.suspend(t, pending));
      clock.tick(1);
    } finally {
      probe.exit(t);
    }
  }
  await parent();
  const p = finish(h);
  assert.deepEqual(statsOf(p, "parent"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 3, asyncWallTime: 5 });
  assert.deepEqual(statsOf(p, "child"), { calls: 1, primitiveCalls: 1, selfTime: 3, totalTime: 3, asyncWallTime: 3 });
  assert.deepEqual(edgeOf(p, "parent", "child"), { calls: 1, primitiveCalls: 1, selfTime: 3, totalTime: 3 });
  assert.deepEqual(treeLines(p), ["parent 1/2/3", "  child 1/3/3"]);
});

test("Promise.all fan-out: one call per invocation, however often it suspends", async () => {
  const h = createHarness({ fan: "async", work: "async" });
  const { probe, clock, site } = h;
  // work ×3: first slices [1,2] [2,3] [3,4], second slices [4,6] [6,8] [8,10]
  // → 3 calls, tottime 9, cumtime 9, wall (6-1)+(8-2)+(10-3) = 18
  async function work(): Promise<void> {
    const t = probe.enter(site.work);
    try {
      clock.tick(1);
      probe.resume(t, await probe.suspend(t, undefined));
      clock.tick(2);
    } finally {
      probe.exit(t);
    }
  }
  // fan: slices [0,4] (3 ticks in work) and [10,11]: tottime 2, cumtime 5, wall 11
  async function fan(): Promise<void> {
    const t = probe.enter(site.fan);
    try {
      clock.tick(1);
      const all = Promise.all([work(), work(), work()]);
      probe.resume(t, await probe.suspend(t, all));
      clock.tick(1);
    } finally {
      probe.exit(t);
    }
  }
  await fan();
  const p = finish(h);
  assert.deepEqual(statsOf(p, "work"), { calls: 3, primitiveCalls: 3, selfTime: 9, totalTime: 9, asyncWallTime: 18 });
  assert.deepEqual(statsOf(p, "fan"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 5, asyncWallTime: 11 });
  assert.deepEqual(edgeOf(p, "fan", "work"), { calls: 3, primitiveCalls: 3, selfTime: 9, totalTime: 9 });
  assert.deepEqual(treeLines(p), ["fan 1/2/5", "  work 3/9/9"]);
});

test("async recursion: levels drop at suspension, so later slices count in cumtime", async () => {
  const h = createHarness({ rec: "async" });
  const { probe, clock, site } = h;
  // rec(2) [0,1] calls rec(1) [1,2] calls rec(0) [2,4] (no await, exits at 4, level 3→2);
  // rec(1) suspends at 4 (tt 3, self 1, level 2→1), rec(2) suspends at 4 (tt 4, self 1, level 1→0: cumtime += 4);
  // rec(1) resumes [4,5] (level 0→1→0: += 1), rec(2) resumes [5,6] (+= 1).
  // rec: 3/1 calls, tottime 2+1+1+1+1 = 6, cumtime 6, wall (6-0)+(5-1)+(4-2) = 12
  async function rec(n: number): Promise<void> {
    const t = probe.enter(site.rec);
    try {
      clock.tick(1);
      if (n > 0) probe.resume(t, await probe.suspend(t, rec(n - 1)));
      clock.tick(1);
    } finally {
      probe.exit(t);
    }
  }
  await rec(2);
  const p = finish(h);
  assert.deepEqual(statsOf(p, "rec"), { calls: 3, primitiveCalls: 1, selfTime: 6, totalTime: 6, asyncWallTime: 12 });
  // pair rec→rec: 2/1; self = rec(0) 2 + rec(1) 1 + 1; cumtime: rec(1)'s slices when the pair level returns to 0: 3 + 1
  assert.deepEqual(edgeOf(p, "rec", "rec"), { calls: 2, primitiveCalls: 1, selfTime: 4, totalTime: 4 });
  assert.deepEqual(treeLines(p), ["rec 1/2/5", "  rec 1/2/4", "    rec 1/2/2"]);
});

test("generator consumed by two callers: counted once where it first ran; later edges have calls 0 with time", () => {
  const h = createHarness({ main: "function", first: "function", second: "function", gen: "generator" });
  const { probe, clock, site } = h;
  // gen: slices [1,2] under first, [3,5] and [5,8] under second: 1 call, tottime 6, cumtime 6
  function* gen(): Generator<number> {
    const t = probe.enter(site.gen);
    try {
      clock.tick(1);
      probe.resume(t, yield probe.suspend(t, 1));
      clock.tick(2);
      probe.resume(t, yield probe.suspend(t, 2));
      clock.tick(3);
    } finally {
      probe.exit(t);
    }
  }
  const first = (g: Generator<number>): void => {
    const t = probe.enter(site.first);
    try {
      clock.tick(1);
      g.next();
    } finally {
      probe.exit(t);
    }
  };
  const second = (g: Generator<number>): void => {
    const t = probe.enter(site.second);
    try {
      clock.tick(1);
      g.next();
      g.next();
    } finally {
      probe.exit(t);
    }
  };
  const t = probe.enter(site.main);
  const g = gen();
  first(g);
  second(g);
  probe.exit(t);
  const p = finish(h);
  assert.deepEqual(statsOf(p, "gen"), { calls: 1, primitiveCalls: 1, selfTime: 6, totalTime: 6 });
  assert.deepEqual(edgeOf(p, "first", "gen"), { calls: 1, primitiveCalls: 1, selfTime: 1, totalTime: 1 });
  assert.deepEqual(edgeOf(p, "second", "gen"), { calls: 0, primitiveCalls: 0, selfTime: 5, totalTime: 5 });
  assert.deepEqual(statsOf(p, "first"), { calls: 1, primitiveCalls: 1, selfTime: 1, totalTime: 2 });
  assert.deepEqual(statsOf(p, "second"), { calls: 1, primitiveCalls: 1, selfTime: 1, totalTime: 6 });
  assert.deepEqual(treeLines(p), ["main 1/0/8", "  first 1/1/2", "    gen 1/1/1", "  second 1/1/6", "    gen 0/5/5"]);
});

test("abandoned generator: its suspended frame is closed at snapshot, counted once, nothing after", () => {
  const h = createHarness({ main: "function", gen: "generator" });
  const { probe, clock, site } = h;
  function* gen(): Generator<number> {
    const t = probe.enter(site.gen);
    try {
      clock.tick(1);
      probe.resume(t, yield probe.suspend(t, 1));
      clock.tick(100); // never reached
    } finally {
      probe.exit(t);
    }
  }
  const t = probe.enter(site.main);
  gen().next(); // gen [0,1], then dropped while suspended
  clock.tick(1);
  probe.exit(t);
  const live = h.profile.snapshot();
  const p = finish(h);
  assert.deepEqual(live, p);
  assert.deepEqual(statsOf(p, "gen"), { calls: 1, primitiveCalls: 1, selfTime: 1, totalTime: 1 });
  assert.deepEqual(statsOf(p, "main"), { calls: 1, primitiveCalls: 1, selfTime: 1, totalTime: 2 });
});

test("throw into a generator: the resumption lands in the catch, which re-activates the frame", () => {
  const h = createHarness({ main: "function", gen: "generator" });
  const { probe, clock, site } = h;
  // gen: [0,1] then, thrown into at 2, [2,4]: 1 call, tottime 3, cumtime 3
  function* gen(): Generator<number> {
    const t = probe.enter(site.gen);
    try {
      clock.tick(1);
      try {
        probe.resume(t, yield probe.suspend(t, 1));
      } catch {
        probe.resume(t);
        clock.tick(2);
      }
    } finally {
      probe.exit(t);
    }
  }
  // main: [0,4], tottime 1 (the tick between next() and throw())
  const t = probe.enter(site.main);
  const g = gen();
  g.next();
  clock.tick(1);
  assert.deepEqual(g.throw(new Error("stop")), { value: undefined, done: true });
  probe.exit(t);
  const p = finish(h);
  assert.deepEqual(statsOf(p, "gen"), { calls: 1, primitiveCalls: 1, selfTime: 3, totalTime: 3 });
  assert.deepEqual(statsOf(p, "main"), { calls: 1, primitiveCalls: 1, selfTime: 1, totalTime: 4 });
  assert.deepEqual(edgeOf(p, "main", "gen"), { calls: 1, primitiveCalls: 1, selfTime: 3, totalTime: 3 });
});

test("return() on a suspended generator: exit closes the suspended frame without time", () => {
  const h = createHarness({ main: "function", gen: "generator" });
  const { probe, clock, site } = h;
  function* gen(): Generator<number> {
    const t = probe.enter(site.gen);
    try {
      clock.tick(1);
      probe.resume(t, yield probe.suspend(t, 1));
    } finally {
      probe.exit(t);
    }
  }
  const t = probe.enter(site.main);
  const g = gen();
  g.next();
  clock.tick(5);
  g.return(0);
  probe.exit(t);
  const p = finish(h);
  assert.deepEqual(statsOf(p, "gen"), { calls: 1, primitiveCalls: 1, selfTime: 1, totalTime: 1 });
  assert.deepEqual(statsOf(p, "main"), { calls: 1, primitiveCalls: 1, selfTime: 5, totalTime: 6 });
});

test("async generator under for await: runs under its consumer, not under the consumer's caller", async () => {
  const h = createHarness({ main: "function", consume: "async", numbers: "async-generator" });
  const { probe, clock, site } = h;
  // numbers: slices [2,3], [4,5], [6,7] (each next() resumes it): 1 call, tottime 3, cumtime 3, wall 2→7
  async function* numbers(): AsyncGenerator<number> {
    const t = probe.enter(site.numbers);
    try {
      clock.tick(1);
      probe.resume(t, yield probe.suspend(t, 1));
      clock.tick(1);
      probe.resume(t, yield probe.suspend(t, 2));
      clock.tick(1);
    } finally {
      probe.exit(t);
    }
  }
  // consume: own ticks 1 before the loop, 1 per loop body (2), 1 after: tottime 4, wall 1→8
  async function consume(): Promise<number> {
    const t = probe.enter(site.consume);
    try {
      let sum = 0;
      clock.tick(1);
      for await (const n of probe.suspend(t, numbers(), 1)) {
        probe.resume(t);
        try {
          sum += n;
          clock.tick(1);
        } finally {
          probe.suspend(t, undefined, 1);
        }
      }
      probe.resume(t);
      clock.tick(1);
      return sum;
    } finally {
      probe.exit(t);
    }
  }
  // main: [0,3], tottime 1: consume's first slice [1,2] and numbers' first slice [2,3] (the loop's
  // first next() runs synchronously) are inside it
  function main(): Promise<number> {
    const t = probe.enter(site.main);
    try {
      clock.tick(1);
      return consume();
    } finally {
      probe.exit(t);
    }
  }
  assert.equal(await main(), 3);
  const p = finish(h);
  assert.deepEqual(statsOf(p, "numbers"), { calls: 1, primitiveCalls: 1, selfTime: 3, totalTime: 3, asyncWallTime: 5 });
  assert.deepEqual(statsOf(p, "consume"), { calls: 1, primitiveCalls: 1, selfTime: 4, totalTime: 4, asyncWallTime: 7 });
  // The consumer was suspended in the loop head and between bodies: the generator's slices still belong to it.
  assert.deepEqual(edgeOf(p, "consume", "numbers"), { calls: 1, primitiveCalls: 1, selfTime: 3, totalTime: 3 });
  assert.equal(p.edges.length, 2, "no main → numbers edge");
  assert.deepEqual(treeLines(p), ["main 1/1/3", "  consume 1/4/4", "    numbers 1/3/3"]);
});

test("yield* via delegate(): the inner generator runs under its delegator, which is on the stack while it runs", () => {
  const h = createHarness({ main: "function", outer: "generator", inner: "generator" });
  const { probe, clock, site } = h;
  // inner: slices [1,2], [3,5], [6,7], each under an auto-resumed outer: 1 call, tottime 4, cumtime 4
  function* inner(): Generator<number> {
    const t = probe.enter(site.inner);
    try {
      clock.tick(1);
      probe.resume(t, yield probe.suspend(t, 1));
      clock.tick(2);
      probe.resume(t, yield probe.suspend(t, 2));
      clock.tick(1);
    } finally {
      probe.exit(t);
    }
  }
  // outer: own slices [0,1] and [7,8] (tottime 2), plus [1,2], [3,5], [6,7] around inner: cumtime 6
  function* outer(): Generator<number> {
    const t = probe.enter(site.outer);
    try {
      clock.tick(1);
      probe.resume(t, yield* probe.delegate(t, inner()));
      clock.tick(1);
    } finally {
      probe.exit(t);
    }
  }
  // main: [0,8], tottime 2 (the ticks between next() calls)
  const t = probe.enter(site.main);
  const g = outer();
  assert.equal(g.next().value, 1);
  clock.tick(1);
  assert.equal(g.next().value, 2);
  clock.tick(1);
  assert.equal(g.next().done, true);
  probe.exit(t);
  const p = finish(h);
  assert.deepEqual(statsOf(p, "inner"), { calls: 1, primitiveCalls: 1, selfTime: 4, totalTime: 4 });
  assert.deepEqual(statsOf(p, "outer"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 6 });
  assert.deepEqual(statsOf(p, "main"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 8 });
  assert.deepEqual(edgeOf(p, "outer", "inner"), { calls: 1, primitiveCalls: 1, selfTime: 4, totalTime: 4 });
  assert.deepEqual(edgeOf(p, "main", "outer"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 6 });
  assert.equal(p.edges.length, 2, "no main → inner edge");
  assert.deepEqual(treeLines(p), ["main 1/2/8", "  outer 1/2/6", "    inner 1/4/4"]);
});

test("yield* chains and throw(): every delegator is back on the stack while the innermost runs", () => {
  const h = createHarness({ main: "function", top: "generator", middle: "generator", leaf: "generator" });
  const { probe, clock, site } = h;
  // leaf: [0,1] first run; thrown into at 2, catch re-activates it: [2,4]; 1 call, tottime 3
  function* leaf(): Generator<number> {
    const t = probe.enter(site.leaf);
    try {
      clock.tick(1);
      try {
        probe.resume(t, yield probe.suspend(t, 1));
      } catch {
        probe.resume(t);
        clock.tick(2);
      }
    } finally {
      probe.exit(t);
    }
  }
  function* middle(): Generator<number> {
    const t = probe.enter(site.middle);
    try {
      probe.resume(t, yield* probe.delegate(t, leaf()));
    } finally {
      probe.exit(t);
    }
  }
  function* top(): Generator<number> {
    const t = probe.enter(site.top);
    try {
      probe.resume(t, yield* probe.delegate(t, middle()));
    } finally {
      probe.exit(t);
    }
  }
  const t = probe.enter(site.main);
  const g = top();
  assert.equal(g.next().value, 1);
  clock.tick(1);
  assert.equal(g.throw(new Error("into leaf")).done, true);
  probe.exit(t);
  const p = finish(h);
  assert.deepEqual(statsOf(p, "leaf"), { calls: 1, primitiveCalls: 1, selfTime: 3, totalTime: 3 });
  assert.deepEqual(statsOf(p, "middle"), { calls: 1, primitiveCalls: 1, selfTime: 0, totalTime: 3 });
  assert.deepEqual(statsOf(p, "top"), { calls: 1, primitiveCalls: 1, selfTime: 0, totalTime: 3 });
  assert.deepEqual(statsOf(p, "main"), { calls: 1, primitiveCalls: 1, selfTime: 1, totalTime: 4 });
  assert.deepEqual(treeLines(p), ["main 1/1/4", "  top 1/0/3", "    middle 1/0/3", "      leaf 1/3/3"]);
});

test("a plain yield of an iterable is not a delegation: the next generator runs under its own caller", () => {
  const h = createHarness({ main: "function", batches: "generator", items: "generator" });
  const { probe, clock, site } = h;
  function* batches(): Generator<number[]> {
    const t = probe.enter(site.batches);
    try {
      probe.resume(t, yield probe.suspend(t, [1, 2]));
    } finally {
      probe.exit(t);
    }
  }
  function* items(): Generator<number> {
    const t = probe.enter(site.items);
    try {
      clock.tick(1);
    } finally {
      probe.exit(t);
    }
  }
  const t = probe.enter(site.main);
  for (const batch of batches()) {
    assert.deepEqual(batch, [1, 2]);
    for (const item of items()) assert.fail(`no items expected, got ${item}`);
  }
  probe.exit(t);
  const p = finish(h);
  assert.deepEqual(edgeOf(p, "main", "items"), { calls: 1, primitiveCalls: 1, selfTime: 1, totalTime: 1 });
});

test("yield* of an iterable that calls nothing instrumented, then the generator's own code: no self-edge", () => {
  const h = createHarness({ main: "function", outer: "generator" });
  const { probe, clock, site } = h;
  // `yield* []; yield 1;`: the delegation ends at once, so outer's own resume is the next event after
  // its delegate(); it once took itself for the driver of that resumption (an `outer` node under outer).
  // outer: slices [1,2] (entry to the delegation), [2,3] (to the yield), [4,5] (after it): 1 call, tottime 3
  function* outer(): Generator<number> {
    const t = probe.enter(site.outer);
    try {
      clock.tick(1);
      probe.resume(t, yield* probe.delegate(t, []));
      clock.tick(1);
      probe.resume(t, yield probe.suspend(t, 1));
      clock.tick(1);
    } finally {
      probe.exit(t);
    }
  }
  const t = probe.enter(site.main);
  clock.tick(1);
  const values = [...outer()];
  clock.tick(1);
  probe.exit(t);
  assert.deepEqual(values, [1]);
  const p = finish(h);
  assert.deepEqual(statsOf(p, "outer"), { calls: 1, primitiveCalls: 1, selfTime: 3, totalTime: 3 });
  assert.deepEqual(edgeOf(p, "main", "outer"), { calls: 1, primitiveCalls: 1, selfTime: 3, totalTime: 3 });
  assert.equal(p.edges.length, 1, "no outer → outer edge");
  assert.deepEqual(treeLines(p), ["main 1/2/5", "  outer 1/3/3"]);
});

test("an async generator's code after a finished yield* is its own: it is off the stack while the yield* awaits the inner's last result", async () => {
  // An async generator's yield* awaits each result of its inner: when the inner finishes (here inside
  // the consumer's second next()), the delegator goes back to its caller and runs on only at its own
  // resume, from the microtask queue. It once stayed on the stack, and the consumer's next suspension
  // closed it for good: spin went to consume, outer's cumtime stopped at the inner's end.
  const h = createHarness({ consume: "async", outer: "async-generator", inner: "async-generator", spin: "function" });
  const { probe, clock, site } = h;
  const spin = spinner(h, 20);
  // inner: slices [2,3] and [4,5], each under outer
  async function* inner(): AsyncGenerator<number> {
    const t = probe.enter(site.inner);
    try {
      clock.tick(1);
      probe.resume(t, yield probe.suspend(t, 0));
      clock.tick(1);
    } finally {
      probe.exit(t);
    }
  }
  // outer: [1,3] and [4,5] (inner inside), [5,6] from the microtask queue, [7,27] (spin inside): tottime 2, cumtime 24
  async function* outer(): AsyncGenerator<number> {
    const t = probe.enter(site.outer);
    try {
      clock.tick(1);
      probe.resume(t, yield* probe.delegate(t, inner()));
      clock.tick(1);
      probe.resume(t, yield probe.suspend(t, 5));
      spin();
    } finally {
      probe.exit(t);
    }
  }
  // consume: [0,3], [3,5], [6,27], [27,28], a tick of its own in each: tottime 4, cumtime 27, wall 28
  async function consume(): Promise<void> {
    const t = probe.enter(site.consume);
    try {
      const it = outer();
      for (let step = 0; step < 3; step++) {
        clock.tick(1);
        probe.resume(t, await probe.suspend(t, it.next()));
      }
      clock.tick(1);
    } finally {
      probe.exit(t);
    }
  }
  await consume();
  const p = finish(h);
  assert.deepEqual(statsOf(p, "spin"), { calls: 1, primitiveCalls: 1, selfTime: 20, totalTime: 20 });
  assert.deepEqual(statsOf(p, "inner"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 2, asyncWallTime: 3 });
  assert.deepEqual(statsOf(p, "outer"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 24, asyncWallTime: 26 });
  assert.deepEqual(statsOf(p, "consume"), { calls: 1, primitiveCalls: 1, selfTime: 4, totalTime: 27, asyncWallTime: 28 });
  assert.deepEqual(edgeOf(p, "outer", "spin"), { calls: 1, primitiveCalls: 1, selfTime: 20, totalTime: 20 });
  assert.deepEqual(edgeOf(p, "outer", "inner"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 2 });
  assert.deepEqual(edgeOf(p, "consume", "outer"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 24 });
  assert.equal(p.edges.length, 3, "no consume → spin edge");
  assert.deepEqual(treeLines(p), ["consume 1/4/27", "  outer 1/2/24", "    inner 1/2/2", "    spin 1/20/20"]);
});

test("a recursive async generator under for await, started from a plain function: each finished yield* lets the delegator go, counts stay right", async () => {
  // `async function* at(n) { if (n > 0) { yield* at(n - 1); yield n; spin(); yield* at(n - 1); } }`,
  // consumed by `for await` in consume, called by a plain main. at(0) finishes inside the yield*, so
  // at(1) leaves the stack with it; it once stayed, main's exit closed it, and its later probes did
  // nothing: at 3/2 (a second primitive call), spin without a caller.
  const h = createHarness({ main: "function", consume: "async", at: "async-generator", spin: "function" });
  const { probe, clock, site } = h;
  const spin = spinner(h, 20);
  // at(1): [1,1] (at(0) inside), [1,2] from the microtask queue, [3,24] (spin, the second at(0) inside), [24,25]:
  // tottime 3, cumtime 23, wall 1→25; the two at(0) run no time
  async function* at(n: number): AsyncGenerator<number> {
    const t = probe.enter(site.at);
    try {
      if (n > 0) {
        probe.resume(t, yield* probe.delegate(t, at(n - 1)));
        clock.tick(1);
        probe.resume(t, yield probe.suspend(t, n));
        spin();
        clock.tick(1);
        probe.resume(t, yield* probe.delegate(t, at(n - 1)));
        clock.tick(1);
      }
    } finally {
      probe.exit(t);
    }
  }
  // consume: [1,1] to the loop head, [2,3] the body, [25,26] after the loop: tottime 2, wall 1→26
  async function consume(): Promise<void> {
    const t = probe.enter(site.consume);
    try {
      for await (const _ of probe.suspend(t, at(1), 1)) {
        probe.resume(t);
        try {
          clock.tick(1);
        } finally {
          probe.suspend(t, undefined, 1);
        }
      }
      probe.resume(t);
      clock.tick(1);
    } finally {
      probe.exit(t);
    }
  }
  let done: Promise<void> = Promise.resolve();
  const t = probe.enter(site.main);
  try {
    clock.tick(1);
    done = consume();
  } finally {
    probe.exit(t);
  }
  await done;
  const p = finish(h);
  assert.deepEqual(statsOf(p, "at"), { calls: 3, primitiveCalls: 1, selfTime: 3, totalTime: 23, asyncWallTime: 24 });
  assert.deepEqual(edgeOf(p, "consume", "at"), { calls: 1, primitiveCalls: 1, selfTime: 3, totalTime: 23 });
  assert.deepEqual(edgeOf(p, "at", "at"), { calls: 2, primitiveCalls: 2, selfTime: 0, totalTime: 0 });
  assert.deepEqual(edgeOf(p, "at", "spin"), { calls: 1, primitiveCalls: 1, selfTime: 20, totalTime: 20 });
  assert.deepEqual(statsOf(p, "consume"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 2, asyncWallTime: 25 });
  assert.deepEqual(edgeOf(p, "main", "consume"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 2 });
  assert.equal(p.edges.length, 4, "no edge into spin but at's");
  assert.deepEqual(treeLines(p), ["main 1/1/1", "  consume 1/2/2", "    at 1/3/23", "      at 2/0/0", "      spin 1/20/20"]);
});
