// cProfile's numbers for synchronous code, on a tick clock (1 tick = 1 s); every expectation checked against CPython's cProfile with builtins=False.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHarness, edgeOf, finish, statsOf, treeLines } from "./harness.test-helper";

test("plain recursion: fact 3/1, cumtime of the outermost activation only", () => {
  const h = createHarness({ main: "function", fact: "function" });
  const { probe, clock, site } = h;
  // main: 1 call, tottime 2 (1 tick before, 1 after fact), cumtime 8
  function main(): void {
    const t = probe.enter(site.main);
    try {
      clock.tick(1);
      fact(3);
      clock.tick(1);
    } finally {
      probe.exit(t);
    }
  }
  // fact: 3/1 calls, tottime 6 (2 ticks each), cumtime 6 (outermost fact(3) only)
  function fact(n: number): void {
    const t = probe.enter(site.fact);
    try {
      clock.tick(1);
      if (n > 1) fact(n - 1);
      clock.tick(1);
    } finally {
      probe.exit(t);
    }
  }
  main();
  const p = finish(h);
  assert.deepEqual(statsOf(p, "main"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 8 });
  assert.deepEqual(statsOf(p, "fact"), { calls: 3, primitiveCalls: 1, selfTime: 6, totalTime: 6 });
  // pstats callers of fact: main (1, 1, 2, 6), fact (2, 1, 4, 4)
  assert.deepEqual(edgeOf(p, "main", "fact"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 6 });
  assert.deepEqual(edgeOf(p, "fact", "fact"), { calls: 2, primitiveCalls: 1, selfTime: 4, totalTime: 4 });
  assert.deepEqual(treeLines(p), ["main 1/2/8", "  fact 1/2/6", "    fact 1/2/4", "      fact 1/2/2"]);
  assert.equal(p.duration, 8);
});

test("mutual recursion a→b→a: levels per function and per pair", () => {
  const h = createHarness({ main2: "function", a: "function", b: "function" });
  const { probe, clock, site } = h;
  function main2(): void {
    const t = probe.enter(site.main2);
    try {
      a(2);
    } finally {
      probe.exit(t);
    }
  }
  // a: 3/1 calls, tottime 3, cumtime 7 (a(2) from entry to exit)
  function a(n: number): void {
    const t = probe.enter(site.a);
    try {
      clock.tick(1);
      if (n > 0) b(n);
    } finally {
      probe.exit(t);
    }
  }
  // b: 2/1 calls, tottime 4, cumtime 6 (b(2))
  function b(n: number): void {
    const t = probe.enter(site.b);
    try {
      clock.tick(2);
      a(n - 1);
    } finally {
      probe.exit(t);
    }
  }
  main2();
  const p = finish(h);
  assert.deepEqual(statsOf(p, "main2"), { calls: 1, primitiveCalls: 1, selfTime: 0, totalTime: 7 });
  assert.deepEqual(statsOf(p, "a"), { calls: 3, primitiveCalls: 1, selfTime: 3, totalTime: 7 });
  assert.deepEqual(statsOf(p, "b"), { calls: 2, primitiveCalls: 1, selfTime: 4, totalTime: 6 });
  // CPython: a's callers {b: (2, 1, 2, 4), main2: (1, 1, 1, 7)}; b's callers {a: (2, 1, 4, 6)}
  assert.deepEqual(edgeOf(p, "b", "a"), { calls: 2, primitiveCalls: 1, selfTime: 2, totalTime: 4 });
  assert.deepEqual(edgeOf(p, "main2", "a"), { calls: 1, primitiveCalls: 1, selfTime: 1, totalTime: 7 });
  assert.deepEqual(edgeOf(p, "a", "b"), { calls: 2, primitiveCalls: 1, selfTime: 4, totalTime: 6 });
  assert.equal(p.edges.length, 3, "calls from the root are not edges");
});

test("edges: one callee from two callers splits calls and times", () => {
  const h = createHarness({ top: "function", left: "function", right: "function", leaf: "function" });
  const { probe, clock, site } = h;
  const leaf = (ticks: number): void => {
    const t = probe.enter(site.leaf);
    try {
      clock.tick(ticks);
    } finally {
      probe.exit(t);
    }
  };
  // left: calls leaf twice (1 tick each); right: once (3 ticks)
  const left = (): void => {
    const t = probe.enter(site.left);
    try {
      leaf(1);
      leaf(1);
    } finally {
      probe.exit(t);
    }
  };
  const right = (): void => {
    const t = probe.enter(site.right);
    try {
      leaf(3);
    } finally {
      probe.exit(t);
    }
  };
  const t = probe.enter(site.top);
  left();
  right();
  probe.exit(t);
  const p = finish(h);
  // CPython: leaf (3, 3, 5, 5), callers {left: (2, 2, 2, 2), right: (1, 1, 3, 3)}
  assert.deepEqual(statsOf(p, "leaf"), { calls: 3, primitiveCalls: 3, selfTime: 5, totalTime: 5 });
  assert.deepEqual(edgeOf(p, "left", "leaf"), { calls: 2, primitiveCalls: 2, selfTime: 2, totalTime: 2 });
  assert.deepEqual(edgeOf(p, "right", "leaf"), { calls: 1, primitiveCalls: 1, selfTime: 3, totalTime: 3 });
  assert.deepEqual(treeLines(p), ["top 1/0/5", "  left 1/0/2", "    leaf 2/2/2", "  right 1/0/3", "    leaf 1/3/3"]);
});

test("an exception through the probes' finally still closes every frame", () => {
  const h = createHarness({ outer: "function", thrower: "function" });
  const { probe, clock, site } = h;
  function thrower(): never {
    const t = probe.enter(site.thrower);
    try {
      clock.tick(2);
      throw new Error("boom");
    } finally {
      probe.exit(t);
    }
  }
  function outer(): void {
    const t = probe.enter(site.outer);
    try {
      clock.tick(1);
      try {
        thrower();
      } catch {
        clock.tick(1);
      }
    } finally {
      probe.exit(t);
    }
  }
  outer();
  const p = finish(h);
  // CPython: outer (1, 1, 2, 4); thrower (1, 1, 2, 2)
  assert.deepEqual(statsOf(p, "outer"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 4 });
  assert.deepEqual(statsOf(p, "thrower"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 2 });
});
