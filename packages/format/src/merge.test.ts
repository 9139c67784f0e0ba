// mergeProfiles = pstats add(): rows and edges summed by (file, line, qualifiedName), call trees merged by path.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mergeProfiles } from "./merge";
import { validateProfile } from "./read";
import type { FunctionInfo, Profile } from "./types";

const fn = (qualifiedName: string, file: string, line: number): FunctionInfo => ({ name: qualifiedName, qualifiedName, file, line, column: 1, kind: "function" });

// Run A: main (a.ts:1) calls fact (a.ts:5) once, fact recurses twice. Ticks of 1/8 s keep sums exact.
const A: Profile = {
  format: "tsprof-profile",
  version: 1,
  timeUnit: "s",
  meta: { tool: "test", clock: "tick", argv: ["node", "a.js"], startedAt: "2026-01-02T00:00:00.000Z", maxDepth: 4 },
  duration: 1,
  functions: [fn("main", "a.ts", 1), fn("fact", "a.ts", 5)],
  stats: [
    { function: 0, calls: 1, primitiveCalls: 1, selfTime: 0.125, totalTime: 0.5 },
    { function: 1, calls: 3, primitiveCalls: 1, selfTime: 0.375, totalTime: 0.375 },
  ],
  edges: [
    { caller: 0, callee: 1, calls: 1, primitiveCalls: 1, selfTime: 0.125, totalTime: 0.375 },
    { caller: 1, callee: 1, calls: 2, primitiveCalls: 1, selfTime: 0.25, totalTime: 0.25 },
  ],
  callTree: [
    { function: 0, calls: 1, selfTime: 0.125, totalTime: 0.5, children: [
      { function: 1, calls: 1, selfTime: 0.125, totalTime: 0.375, children: [{ function: 1, calls: 1, selfTime: 0.125, totalTime: 0.25, children: [
        { function: 1, calls: 1, selfTime: 0.125, totalTime: 0.125, children: [] }] }] }] },
  ],
};

// Run B: a new function (a.ts:0 "init", sorting first) and main calling fact once without recursion.
const B: Profile = {
  format: "tsprof-profile",
  version: 1,
  timeUnit: "s",
  meta: { tool: "test", clock: "tick", argv: ["node", "b.js"], startedAt: "2026-01-01T00:00:00.000Z", maxDepth: 2 },
  duration: 2,
  functions: [fn("fact", "a.ts", 5), fn("main", "a.ts", 1), fn("init", "a.ts", 0)],
  stats: [
    { function: 0, calls: 1, primitiveCalls: 1, selfTime: 0.5, totalTime: 0.5 },
    { function: 1, calls: 1, primitiveCalls: 1, selfTime: 0.25, totalTime: 0.75 },
    { function: 2, calls: 1, primitiveCalls: 1, selfTime: 0.125, totalTime: 0.125 },
  ],
  edges: [{ caller: 1, callee: 0, calls: 1, primitiveCalls: 1, selfTime: 0.5, totalTime: 0.5 }],
  callTree: [
    { function: 2, calls: 1, selfTime: 0.125, totalTime: 0.125, children: [] },
    { function: 1, calls: 1, selfTime: 0.25, totalTime: 0.75, children: [{ function: 0, calls: 1, selfTime: 0.5, totalTime: 0.5, children: [] }] },
  ],
};

test("functions are matched by key and listed in canonical order", () => {
  const merged = mergeProfiles(A, B);
  assert.deepEqual(merged.functions.map((f) => f.qualifiedName), ["init", "main", "fact"]);
  validateProfile(merged, "merged");
});

test("rows and edges are summed per function and per edge", () => {
  const merged = mergeProfiles(A, B);
  assert.deepEqual(merged.stats, [
    { function: 0, calls: 1, primitiveCalls: 1, selfTime: 0.125, totalTime: 0.125 }, // init: B only
    { function: 1, calls: 2, primitiveCalls: 2, selfTime: 0.375, totalTime: 1.25 }, // main: 1+1 calls, 0.125+0.25, 0.5+0.75
    { function: 2, calls: 4, primitiveCalls: 2, selfTime: 0.875, totalTime: 0.875 }, // fact: 3+1 calls, 1+1 primitive, 0.375+0.5
  ]);
  assert.deepEqual(merged.edges, [
    { caller: 1, callee: 2, calls: 2, primitiveCalls: 2, selfTime: 0.625, totalTime: 0.875 }, // main->fact: A 1 + B 1
    { caller: 2, callee: 2, calls: 2, primitiveCalls: 1, selfTime: 0.25, totalTime: 0.25 }, // fact->fact: A only
  ]);
  assert.equal(merged.duration, 3);
});

test("call trees are merged by path, children in function order", () => {
  const merged = mergeProfiles(A, B);
  assert.deepEqual(merged.callTree, [
    { function: 0, calls: 1, selfTime: 0.125, totalTime: 0.125, children: [] },
    { function: 1, calls: 2, selfTime: 0.375, totalTime: 1.25, children: [
      { function: 2, calls: 2, selfTime: 0.625, totalTime: 0.875, children: [{ function: 2, calls: 1, selfTime: 0.125, totalTime: 0.25, children: [
        { function: 2, calls: 1, selfTime: 0.125, totalTime: 0.125, children: [] }] }] }] },
  ]);
});

test("meta: differing argv dropped, earliest start, deepest stack; inputs untouched", () => {
  const before = JSON.stringify([A, B]);
  const merged = mergeProfiles(A, B);
  assert.deepEqual(merged.meta, { tool: "test", clock: "tick", startedAt: "2026-01-01T00:00:00.000Z", maxDepth: 4 });
  assert.equal(JSON.stringify([A, B]), before);
  // The root the files are relative to: kept when both have the same one.
  const root = (profile: typeof A, dir: string | undefined): typeof A => ({ ...profile, meta: { ...profile.meta, root: dir } });
  assert.equal(mergeProfiles(root(A, "/p"), root(B, "/p")).meta.root, "/p");
  assert.equal(mergeProfiles(root(A, "/p"), root(B, "/q")).meta.root, undefined);
  assert.equal(mergeProfiles(root(A, "/p"), B).meta.root, undefined);
  // Calls not recorded (the depth cap) add up, as the calls past the node cap do.
  const dropped = (profile: typeof A, droppedCalls: number): typeof A => ({ ...profile, meta: { ...profile.meta, droppedCalls } });
  assert.equal(mergeProfiles(dropped(A, 3), dropped(B, 4)).meta.droppedCalls, 7);
  assert.equal(mergeProfiles(dropped(A, 3), B).meta.droppedCalls, 3);
});

test("a profile without a call tree (converted from pstats) merges to none", () => {
  const { callTree: _dropped, ...withoutTree } = B;
  assert.equal(mergeProfiles(A, withoutTree).callTree, undefined);
});

test("merging with itself doubles every counter", () => {
  const merged = mergeProfiles(A, A);
  assert.deepEqual(merged.stats.map((row) => [row.calls, row.primitiveCalls, row.selfTime]), [[2, 2, 0.25], [6, 2, 0.75]]);
  assert.equal(merged.callTree![0]!.children[0]!.children[0]!.calls, 2);
});
