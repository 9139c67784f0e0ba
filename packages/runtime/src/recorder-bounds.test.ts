// Self-healing exits, token safety and the memory caps of the recorder, on a tick clock (1 tick = 1 s).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHarness, edgeOf, finish, statsOf, treeLines } from "./harness.test-helper";
import { LINK_FIRST_CHILD, LINK_FN, LINK_NEXT_SIBLING, LINK_STRIDE, NODE_CALLS, NODE_SELF, NODE_STRIDE, NODE_TOTAL, Recorder } from "./recorder";

test("self-healing exit: frames left open above are closed at the exit below them", () => {
  const h = createHarness({ main: "function", lost: "function", deeper: "function" });
  const { probe, clock, site } = h;
  const t = probe.enter(site.main); // main [0,4]
  clock.tick(1);
  probe.enter(site.lost); // lost [1,4], never exited (e.g. exception through uninstrumented code)
  clock.tick(1);
  probe.enter(site.deeper); // deeper [2,4], never exited
  clock.tick(2);
  probe.exit(t); // closes deeper, then lost, then main, all at 4
  const p = finish(h);
  assert.deepEqual(statsOf(p, "deeper"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 2 });
  assert.deepEqual(statsOf(p, "lost"), { calls: 1, primitiveCalls: 1, selfTime: 1, totalTime: 3 });
  assert.deepEqual(statsOf(p, "main"), { calls: 1, primitiveCalls: 1, selfTime: 1, totalTime: 4 });
  assert.deepEqual(edgeOf(p, "lost", "deeper"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 2 });
});

test("a stale token never closes a later frame at the same depth", () => {
  const h = createHarness({ main: "function", first: "function", second: "function" });
  const { probe, clock, site } = h;
  const t = probe.enter(site.main);
  const stale = probe.enter(site.first);
  clock.tick(1);
  probe.exit(stale); // first [0,1]
  const reuse = probe.enter(site.second); // same stack depth, a new token
  assert.notEqual(reuse, stale);
  probe.exit(stale); // ignored
  probe.exit(stale + 0.5); // not a token: ignored
  probe.exit(-5); // ignored
  probe.exit(Number.NaN); // ignored
  clock.tick(2);
  probe.exit(reuse); // second [1,3]
  probe.exit(t);
  const p = finish(h);
  assert.deepEqual(statsOf(p, "second"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 2 });
  assert.deepEqual(statsOf(p, "main"), { calls: 1, primitiveCalls: 1, selfTime: 0, totalTime: 3 });
});

test("a stale token never closes the async frame that reuses its slot", async () => {
  const h = createHarness({ main: "function", first: "async", second: "async" });
  const { probe, clock, site } = h;
  const t = probe.enter(site.main);
  const stale = probe.enter(site.first);
  clock.tick(1);
  probe.exit(stale); // first [0,1]
  const reuse = probe.enter(site.second); // the freed slot, next generation
  probe.exit(stale); // ignored
  probe.exit(stale + 1); // not a token: ignored
  probe.suspend(stale, 0); // ignored
  probe.resume(stale); // ignored
  clock.tick(2);
  probe.exit(reuse); // second [1,3]
  probe.exit(t);
  const p = finish(h);
  assert.deepEqual(statsOf(p, "second"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 2, asyncWallTime: 2 });
  assert.deepEqual(statsOf(p, "main"), { calls: 1, primitiveCalls: 1, selfTime: 0, totalTime: 3 });
});

test("resume is a no-op on an active or finished frame; suspend on a suspended one", () => {
  const h = createHarness({ job: "async" });
  const { probe, clock, site } = h;
  const t = probe.enter(site.job);
  probe.resume(t); // already active
  clock.tick(1);
  assert.equal(probe.suspend(t, "value"), "value"); // [0,1]
  probe.suspend(t); // already suspended
  clock.tick(5); // suspended: counts for nobody
  probe.resume(t);
  clock.tick(1);
  probe.exit(t); // [6,7]
  probe.resume(t); // finished
  probe.exit(t);
  const p = finish(h);
  assert.deepEqual(statsOf(p, "job"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 2, asyncWallTime: 7 });
});

test("a token from another profile is ignored", () => {
  const outer = createHarness({ a: "function" });
  const foreignToken = outer.probe.enter(outer.site.a);
  const inner = createHarness({ b: "function" }); // pauses `outer`: only one records at a time
  const t = inner.probe.enter(inner.site.b);
  inner.probe.exit(foreignToken);
  inner.clock.tick(1);
  inner.probe.exit(t);
  const p = finish(inner);
  assert.deepEqual(statsOf(p, "b"), { calls: 1, primitiveCalls: 1, selfTime: 1, totalTime: 1 });
  assert.equal(outer.profile.enabled, true, "the paused profile records again once the other is disabled");
  finish(outer);
});

test("tree cap: calls past the cap aggregate into the nearest recorded ancestor; stats stay exact", () => {
  const h = createHarness({ main: "function", a: "function", b: "function", c: "function" }, { maxTreeNodes: 2 });
  const { probe, clock, site } = h;
  const call = (name: "a" | "b" | "c", ticks: number, inner?: () => void): void => {
    const t = probe.enter(site[name]);
    clock.tick(ticks);
    inner?.();
    probe.exit(t);
  };
  const t = probe.enter(site.main); // node 1
  call("a", 1, () => call("b", 2, () => call("c", 4))); // a: node 2; b, c: past the cap, into a
  call("c", 8); // into main
  probe.exit(t);
  const p = finish(h);
  assert.deepEqual(treeLines(p), ["main 1/8/15", "  a 1/7/7"]);
  assert.equal(p.meta.droppedTreeNodes, 3);
  assert.deepEqual(statsOf(p, "c"), { calls: 2, primitiveCalls: 2, selfTime: 12, totalTime: 12 });
  assert.deepEqual(statsOf(p, "b"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 6 });
});

test("tree cap: a frame with a node of its own resumed above a call past the cap takes its time out of the node that call aggregates into", () => {
  const h = createHarness({ main: "function", job: "async", a: "function", b: "function" }, { maxTreeNodes: 3 });
  const { probe, clock, site } = h;
  const main = probe.enter(site.main); // node 1
  clock.tick(1);
  const job = probe.enter(site.job); // node 2: its own
  clock.tick(1);
  probe.suspend(job, undefined);
  const a = probe.enter(site.a); // node 3, the last one
  clock.tick(1);
  const b = probe.enter(site.b); // past the cap: into a's node
  clock.tick(1);
  probe.resume(job, undefined); // job's second slice, at its own node, above b
  clock.tick(2);
  probe.exit(job);
  clock.tick(1);
  probe.exit(b);
  probe.exit(a);
  probe.exit(main);
  const p = finish(h);
  // a's node: a's own tick and b's two, not job's two (a's total, 5, holds them).
  assert.deepEqual(treeLines(p), ["main 1/1/7", "  job 1/3/3", "  a 1/3/5"]);
  assert.deepEqual(statsOf(p, "b"), { calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 4 });
  assert.deepEqual(statsOf(p, "job"), { calls: 1, primitiveCalls: 1, selfTime: 3, totalTime: 3, asyncWallTime: 5 });
});

test("depth cap: calls past it are not recorded, their time goes to the caller", () => {
  const h = createHarness({ down: "function" }, { maxDepth: 3 });
  const { probe, clock, site } = h;
  function down(n: number): void {
    const t = probe.enter(site.down);
    try {
      clock.tick(1);
      if (n > 0) down(n - 1);
    } finally {
      probe.exit(t);
    }
  }
  down(5); // 6 activations, 3 recorded
  const p = finish(h);
  assert.deepEqual(statsOf(p, "down"), { calls: 3, primitiveCalls: 1, selfTime: 6, totalTime: 6 });
  assert.equal(p.meta.maxDepth, 3);
  assert.equal(p.meta.droppedCalls, 3, "the profile says how many calls it does not hold");
});

test("depth cap: meta.droppedCalls counts every call not recorded, async ones too; absent when none were", () => {
  const h = createHarness({ fib: "function", job: "async" }, { maxDepth: 3 });
  const { probe, site } = h;
  function fib(n: number): number {
    const t = probe.enter(site.fib);
    try {
      return n < 2 ? n : fib(n - 1) + fib(n - 2);
    } finally {
      probe.exit(t);
    }
  }
  fib(10); // 177 calls, 7 within depth 3
  const t = probe.enter(site.fib);
  const u = probe.enter(site.fib);
  const v = probe.enter(site.fib);
  probe.exit(probe.enter(site.job)); // an async call past the cap
  probe.exit(v);
  probe.exit(u);
  probe.exit(t);
  const p = finish(h);
  assert.equal(statsOf(p, "fib").calls, 7 + 3);
  assert.equal(p.meta.droppedCalls, 170 + 1);
  const none = createHarness({ f: "function" });
  none.probe.exit(none.probe.enter(none.site.f));
  assert.equal(finish(none).meta.droppedCalls, undefined);
});

test("many functions, edges and nodes: tables grow without losing counts", () => {
  const names: Record<string, "function"> = {};
  for (let i = 0; i < 600; i++) names[`f${i}`] = "function";
  const h = createHarness(names);
  const { probe, clock, site } = h;
  const root = probe.enter(site.f0);
  for (let i = 1; i < 600; i++) {
    const t = probe.enter(site[`f${i}`]);
    const u = probe.enter(site[`f${(i * 7) % 600}`]);
    clock.tick(1);
    probe.exit(u);
    probe.exit(t);
  }
  probe.exit(root);
  const p = finish(h);
  assert.equal(p.stats.length, 600);
  assert.equal(p.stats.reduce((sum, s) => sum + s.calls, 0), 1 + 599 * 2);
  assert.equal(p.stats.reduce((sum, s) => sum + s.selfTime, 0), 599);
  assert.equal(statsOf(p, "f0").totalTime, 599);
});

test("frame cap: dropped suspended generators are closed to make room; new calls are still counted", () => {
  // Only async functions and generators take frame slots (a plain function lives on the stack alone).
  const h = createHarness({ main: "function", gen: "generator", fresh: "generator" }, { maxFrames: 2 });
  const { probe, clock, site } = h;
  function* gen(): Generator<number> {
    const t = probe.enter(site.gen);
    try {
      clock.tick(1);
      probe.resume(t, yield probe.suspend(t, 1));
      clock.tick(5);
    } finally {
      probe.exit(t);
    }
  }
  function* fresh(): Generator<number> {
    const t = probe.enter(site.fresh);
    try {
      clock.tick(1);
    } finally {
      probe.exit(t);
    }
  }
  const t = probe.enter(site.main); // main [0,8]
  const kept = gen();
  kept.next(); // slot 1 of 2: [0,1], then suspended
  gen().next(); // slot 2 of 2: [1,2], suspended and dropped
  fresh().next(); // no slot free: both suspended generators are closed; fresh [2,3]
  kept.next(); // its frame was closed: the resumed slice [3,8] is not recorded (its time goes to main)
  probe.exit(t);
  const p = finish(h);
  assert.deepEqual(statsOf(p, "fresh"), { calls: 1, primitiveCalls: 1, selfTime: 1, totalTime: 1 });
  assert.deepEqual(statsOf(p, "gen"), { calls: 2, primitiveCalls: 2, selfTime: 2, totalTime: 2 });
  assert.deepEqual(statsOf(p, "main"), { calls: 1, primitiveCalls: 1, selfTime: 5, totalTime: 8 });
  assert.equal(p.meta.reclaimedFrames, 2, "the profile says how many suspended frames were closed early");
});

/** Each of `functions` functions calling each of them once: `functions` + `functions`² paths; b runs 1 + (b % 3) ticks. */
function recordAllPairs(functions: number, maxTreeNodes?: number): Recorder {
  let ticks = 0;
  const clock = { now: () => ticks, unit: 1 };
  const recorder = new Recorder(clock, { kinds: new Uint8Array(functions) }, 1, { maxTreeNodes });
  for (let a = 0; a < functions; a++) {
    const outer = recorder.enter(a);
    for (let b = 0; b < functions; b++) {
      const inner = recorder.enter(b);
      ticks += 1 + (b % 3);
      recorder.exit(inner);
    }
    ticks += 1;
    recorder.exit(outer);
  }
  return recorder;
}

test("a tree that outgrows the arrays' doubling: every node's numbers survive the growths, up to the cap", () => {
  // 300 + 90,000 paths: the arrays double up to 65,536 nodes and then jump to the cap (80,000),
  // so the last 10,300 paths are past it.
  const functions = 300;
  const recorder = recordAllPairs(functions, 80_000);
  assert.equal(recorder.nodeCount, 80_001);
  assert.equal(recorder.droppedTreeNodes, 300 + 90_000 - 80_000);
  const stats = recorder.collect();
  for (let fn = 0; fn < functions; fn++) {
    assert.equal(stats.fnCalls[fn], functions + 1, `calls of ${fn}`);
    assert.equal(stats.fnPrimitiveCalls[fn], functions, `primitive calls of ${fn}`); // its call under itself is recursive
    // Called once under each a, and once as an a, whose own time is its last tick.
    assert.equal(stats.fnSelf[fn], functions * (1 + (fn % 3)) + 1, `self time of ${fn}`);
  }
  let nodeCalls = 0;
  for (let at = NODE_STRIDE; at < stats.nodeStats.length; at += NODE_STRIDE) nodeCalls += stats.nodeStats[at + NODE_CALLS];
  assert.equal(nodeCalls, 80_000, "one call a node");
  // The last node made, well past the jump from 65,536 nodes to the cap.
  const last = 80_000 * NODE_STRIDE;
  assert.equal(stats.nodeStats[last + NODE_CALLS], 1, "the last node's calls");
  assert.equal(stats.nodeStats[last + NODE_TOTAL], stats.nodeStats[last + NODE_SELF], "the last node's total time is its self time (a leaf)");
  assert.ok(stats.nodeStats[last + NODE_TOTAL] >= 1);
});

test("a copy of the recorder holds the used part of the tree's arrays, and the same numbers", () => {
  // 260 + 67,600 nodes: past 65,536 the arrays grow fourfold (262,144 nodes; see treeCapacity()).
  const recorder = recordAllPairs(260);
  assert.equal(recorder.nodeCount, 1 + 260 + 67_600);
  const copy = recorder.clone();
  assert.equal(copy.nodeLinks.length, recorder.nodeCount * LINK_STRIDE);
  assert.ok(recorder.nodeLinks.length > copy.nodeLinks.length * 3.5);
  const stats = recorder.collect();
  const copied = copy.collect();
  assert.deepEqual(Array.from(copied.fnSelf), Array.from(stats.fnSelf));
  assert.deepEqual(Array.from(copied.fnCalls), Array.from(stats.fnCalls));
  assert.deepEqual(Array.from(copied.nodeStats), Array.from(stats.nodeStats));
  // The copy still records: a new path grows its trimmed arrays.
  const t = copy.enter(0);
  const u = copy.enter(0);
  const v = copy.enter(0);
  copy.exit(v);
  copy.exit(u);
  copy.exit(t);
  assert.equal(copy.nodeCount, recorder.nodeCount + 1);
  assert.equal(copy.collect().fnCalls[0], stats.fnCalls[0] + 3);
});

test("past the node cap, a function called from callers in turn gets each call on the right edge (the per-callee caller cache)", () => {
  // Past the cap the edge of a call comes from the callee's two latest callers, then a cache by
  // pair, then the edge table: three callers in turn miss the two ways every time; two do not.
  const h = createHarness({ main: "function", a: "function", b: "function", c: "function", leaf: "function" }, { maxTreeNodes: 1 });
  const { probe, clock, site } = h;
  const callLeafFrom = (caller: "a" | "b" | "c", ticks: number): void => {
    const t = probe.enter(site[caller]);
    const u = probe.enter(site.leaf);
    clock.tick(ticks);
    probe.exit(u);
    probe.exit(t);
  };
  const t = probe.enter(site.main); // the only node
  for (let round = 0; round < 5; round++) {
    callLeafFrom("a", 1);
    callLeafFrom("b", 2);
    callLeafFrom("c", 4);
  }
  for (let round = 0; round < 3; round++) {
    callLeafFrom("b", 2);
    callLeafFrom("a", 1);
  }
  probe.exit(t);
  const p = finish(h);
  assert.deepEqual(edgeOf(p, "a", "leaf"), { calls: 8, primitiveCalls: 8, selfTime: 8, totalTime: 8 });
  assert.deepEqual(edgeOf(p, "b", "leaf"), { calls: 8, primitiveCalls: 8, selfTime: 16, totalTime: 16 });
  assert.deepEqual(edgeOf(p, "c", "leaf"), { calls: 5, primitiveCalls: 5, selfTime: 20, totalTime: 20 });
  assert.deepEqual(statsOf(p, "leaf"), { calls: 21, primitiveCalls: 21, selfTime: 44, totalTime: 44 });
  assert.equal(p.meta.droppedTreeNodes, 42);
});

test("the probe paths call no Math function the program replaced: past the cap (the pair cache's hash) and on async frames (slotOf())", async () => {
  // A replaced function the recorder called would be user code run inside a probe: instrumented,
  // it re-enters the recorder mid-update; throwing, it loses the call (the probe swallows the error).
  const h = createHarness({ main: "function", a: "function", b: "function", c: "function", leaf: "function", job: "async" }, { maxTreeNodes: 1 });
  const { probe, clock, site } = h;
  const original = { imul: Math.imul, floor: Math.floor };
  let called = 0;
  const replaced = (): number => {
    called++;
    throw new Error("replaced Math function called");
  };
  Math.imul = replaced;
  Math.floor = replaced;
  try {
    const t = probe.enter(site.main);
    for (const caller of ["a", "b", "c", "a", "b", "c"] as const) {
      const u = probe.enter(site[caller]);
      const v = probe.enter(site.leaf);
      clock.tick(1);
      probe.exit(v);
      probe.exit(u);
    }
    const j = probe.enter(site.job);
    probe.suspend(j, undefined);
    await Promise.resolve();
    probe.resume(j);
    clock.tick(2);
    probe.exit(j);
    probe.exit(t);
  } finally {
    Math.imul = original.imul;
    Math.floor = original.floor;
  }
  assert.equal(called, 0);
  const p = finish(h);
  assert.deepEqual(statsOf(p, "leaf"), { calls: 6, primitiveCalls: 6, selfTime: 6, totalTime: 6 });
  assert.deepEqual(edgeOf(p, "c", "leaf"), { calls: 2, primitiveCalls: 2, selfTime: 2, totalTime: 2 });
  assert.equal(statsOf(p, "job").calls, 1);
  assert.equal(statsOf(p, "job").selfTime, 2);
});

/**
 * Counts the reads of a node record's function (LINK_FN) by `recorder`, one per sibling a lookup
 * looks at (and one for each of the few other reads: a frame's function, an index entry's check):
 * its nodeLinks behind a proxy, put back after each growth of the tree replaces the array.
 */
function countFunctionReads(recorder: Recorder): { reads: number; watch(): void } {
  const counter = {
    reads: 0,
    watch(): void {
      const links = recorder.nodeLinks;
      if (watched.has(links)) return;
      const proxy = new Proxy(links, {
        get(target, key) {
          if (typeof key === "string" && /^\d+$/.test(key) && Number(key) % LINK_STRIDE === LINK_FN) counter.reads++;
          const value = Reflect.get(target, key, target) as unknown;
          return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
        set(target, key, value) {
          return Reflect.set(target, key, value, target);
        },
      });
      watched.add(proxy);
      recorder.nodeLinks = proxy;
    },
  };
  const watched = new WeakSet<Int32Array>();
  counter.watch();
  return counter;
}

/** The children of tree node `parent`, in list order. */
function childrenOf(recorder: Recorder, parent: number): number[] {
  const children: number[] = [];
  for (let child = recorder.nodeLinks[parent * LINK_STRIDE + LINK_FIRST_CHILD]; child !== 0; child = recorder.nodeLinks[child * LINK_STRIDE + LINK_NEXT_SIBLING]) children.push(child);
  return children;
}

test("a parent with thousands of children: a lookup visits a bounded number of siblings; every child has its own node and counts", () => {
  // main (function 0) calls 3,000 distinct functions, each once, then all of them twice more in
  // another order (a dispatcher's handlers). The sibling list scanned to its end looked at 1,500
  // siblings a call here on average; past the first 8 children the wide index answers.
  const functions = 3001;
  let ticks = 0;
  const clock = { now: () => ticks, unit: 1 };
  const recorder = new Recorder(clock, { kinds: new Uint8Array(functions) }, 1, {});
  const counter = countFunctionReads(recorder);
  const main = recorder.enter(0);
  const order = [...Array.from({ length: functions - 1 }, (_, i) => i + 1), ...Array.from({ length: functions - 1 }, (_, i) => functions - 1 - i), ...Array.from({ length: functions - 1 }, (_, i) => 1 + ((i * 7) % (functions - 1)))];
  for (const fn of order) {
    const t = recorder.enter(fn);
    ticks += 1 + (fn % 3);
    recorder.exit(t);
    counter.watch();
  }
  ticks += 1;
  recorder.exit(main);
  const calls = order.length + 1;
  assert.ok(counter.reads <= calls * 12, `${counter.reads} node functions read in ${calls} calls`);
  assert.equal(recorder.nodeCount, 1 + functions, "one node a function");
  // The children stay in creation order: function i at node i + 1 (main is node 1).
  assert.deepEqual(childrenOf(recorder, 1), Array.from({ length: functions - 1 }, (_, i) => i + 2));
  const stats = recorder.collect();
  for (let fn = 1; fn < functions; fn++) {
    const at = (fn + 1) * NODE_STRIDE;
    assert.equal(stats.nodeStats[at + NODE_CALLS], 3, `calls of node ${fn + 1}`);
    assert.equal(stats.nodeStats[at + NODE_SELF], 3 * (1 + (fn % 3)), `self time of node ${fn + 1}`);
  }
  assert.equal(stats.nodeStats[1 * NODE_STRIDE + NODE_SELF], 1, "main's own time is its last tick");
});

test("a wide parent at the node cap: its children past the cap go direct, those made before it keep their nodes; a copy goes on appending", () => {
  // Cap 1 + 40 nodes: main and its first 40 children; 60 more are past the cap, called twice.
  const functions = 101;
  let ticks = 0;
  const clock = { now: () => ticks, unit: 1 };
  const recorder = new Recorder(clock, { kinds: new Uint8Array(functions) }, 1, { maxTreeNodes: 41 });
  const counter = countFunctionReads(recorder);
  const main = recorder.enter(0);
  for (let round = 0; round < 2; round++) {
    for (let fn = functions - 1; fn >= 1; fn--) {
      const t = recorder.enter(round === 0 ? functions - fn : fn);
      ticks += 1;
      recorder.exit(t);
      counter.watch();
    }
  }
  assert.equal(recorder.nodeCount, 42);
  assert.equal(recorder.droppedTreeNodes, 2 * 60);
  assert.deepEqual(childrenOf(recorder, 1), Array.from({ length: 40 }, (_, i) => i + 2));
  assert.ok(counter.reads <= 201 * 12, `${counter.reads} node functions read in 201 calls`);
  const stats = recorder.collect();
  for (let fn = 1; fn <= 40; fn++) assert.equal(stats.nodeStats[(fn + 1) * NODE_STRIDE + NODE_CALLS], 2, `calls of node ${fn + 1}`);
  for (let fn = 41; fn < functions; fn++) assert.equal(stats.fnCalls[fn], 2, `direct calls of ${fn}`);
  // A copy of a wide parent (a snapshot's) appends after the last child its own index holds, and
  // the original's list is left as it was.
  const wide = new Recorder(clock, { kinds: new Uint8Array(functions) }, 1, {});
  const top = wide.enter(0);
  for (let fn = 1; fn <= 50; fn++) wide.exit(wide.enter(fn));
  const copy = wide.clone();
  for (let fn = 51; fn < functions; fn++) copy.exit(copy.enter(fn));
  for (let fn = 1; fn < functions; fn++) copy.exit(copy.enter(fn));
  assert.deepEqual(childrenOf(copy, 1), Array.from({ length: 100 }, (_, i) => i + 2));
  assert.deepEqual(childrenOf(wide, 1), Array.from({ length: 50 }, (_, i) => i + 2));
  wide.exit(top);
  recorder.exit(main);
});
