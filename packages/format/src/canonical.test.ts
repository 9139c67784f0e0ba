// canonicalizeProfile: function order, index remapping, stats/edges/tree order, and idempotence.
import { test } from "node:test";
import assert from "node:assert/strict";
import { canonicalizeProfile, compareFunctions } from "./canonical";
import { PROFILE_FORMAT, PROFILE_VERSION, type CallTreeNode, type FunctionInfo, type Profile } from "./types";

const fn = (name: string, file: string, line: number, column = 1, qualifiedName = name): FunctionInfo => ({
  name,
  qualifiedName,
  file,
  line,
  column,
  kind: "function",
});

// Recorded order: as the runtime registers them (module load order), not canonical.
const recorded: Profile = {
  format: PROFILE_FORMAT,
  version: PROFILE_VERSION,
  timeUnit: "s",
  meta: { tool: "test", clock: "tick" },
  duration: 10,
  functions: [fn("main", "src/z.ts", 1), fn("helper", "src/a.ts", 20), fn("early", "src/a.ts", 3), fn("m", "src/a.ts", 3, 9)],
  stats: [
    { function: 0, calls: 1, primitiveCalls: 1, selfTime: 1, totalTime: 10 },
    { function: 1, calls: 2, primitiveCalls: 2, selfTime: 4, totalTime: 4 },
    { function: 2, calls: 3, primitiveCalls: 1, selfTime: 3, totalTime: 5 },
    { function: 3, calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 2 },
  ],
  edges: [
    { caller: 0, callee: 1, calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 2 },
    { caller: 0, callee: 2, calls: 1, primitiveCalls: 1, selfTime: 1, totalTime: 5 },
    { caller: 2, callee: 1, calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 2 },
    { caller: 2, callee: 2, calls: 2, primitiveCalls: 1, selfTime: 2, totalTime: 3 },
    { caller: 0, callee: 3, calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 2 },
  ],
  callTree: [
    {
      function: 0,
      calls: 1,
      selfTime: 1,
      totalTime: 10,
      children: [
        { function: 3, calls: 1, selfTime: 2, totalTime: 2, children: [] },
        { function: 1, calls: 1, selfTime: 2, totalTime: 2, children: [] },
        { function: 2, calls: 1, selfTime: 1, totalTime: 5, children: [] },
      ],
    },
  ],
};

test("functions sort by file, line, column; every index is remapped", () => {
  const c = canonicalizeProfile(recorded);
  // early (a.ts:3:1) → 0, m (a.ts:3:9) → 1, helper (a.ts:20) → 2, main (z.ts:1) → 3
  assert.deepEqual(
    c.functions.map((f) => f.name),
    ["early", "m", "helper", "main"],
  );
  assert.deepEqual(
    c.stats.map((s) => [s.function, s.calls]),
    [[0, 3], [1, 1], [2, 2], [3, 1]],
  );
  // edges by (callee, caller): early←early, early←main, m←main, helper←early, helper←main
  assert.deepEqual(
    c.edges.map((e) => [e.callee, e.caller, e.calls]),
    [[0, 0, 2], [0, 3, 1], [1, 3, 1], [2, 0, 1], [2, 3, 1]],
  );
  assert.equal(c.callTree?.[0].function, 3);
  assert.deepEqual(
    c.callTree?.[0].children.map((n) => n.function),
    [0, 1, 2],
  );
});

test("canonical form is idempotent and does not modify its input", () => {
  const before = JSON.stringify(recorded);
  const once = canonicalizeProfile(recorded);
  assert.equal(JSON.stringify(recorded), before);
  assert.equal(JSON.stringify(canonicalizeProfile(once)), JSON.stringify(once));
});

test("the same data recorded in another order gives byte-identical output", () => {
  // Reverse the function table and remap every index: same profile, other registration order.
  const n = recorded.functions.length;
  const rev = (i: number): number => n - 1 - i;
  const shuffled: Profile = {
    ...recorded,
    functions: [...recorded.functions].reverse(),
    stats: [...recorded.stats].reverse().map((s) => ({ ...s, function: rev(s.function) })),
    edges: recorded.edges.map((e) => ({ ...e, caller: rev(e.caller), callee: rev(e.callee) })),
    callTree: recorded.callTree?.map(function remap(node): NonNullable<Profile["callTree"]>[number] {
      return { ...node, function: rev(node.function), children: node.children.map(remap) };
    }),
  };
  assert.equal(JSON.stringify(canonicalizeProfile(shuffled)), JSON.stringify(canonicalizeProfile(recorded)));
});

test("ties on position break by qualified name, then name, then kind; strings compare by code unit", () => {
  const a = fn("b", "f.ts", 1, 1, "A.b");
  const b = fn("a", "f.ts", 1, 1, "B.a");
  assert.ok(compareFunctions(a, b) < 0);
  assert.ok(compareFunctions(fn("x", "Z.ts", 1), fn("x", "a.ts", 1)) < 0, "uppercase before lowercase, any locale");
  assert.ok(compareFunctions({ ...a, kind: "async" }, { ...a, kind: "generator" }) < 0);
  assert.equal(compareFunctions(a, { ...a }), 0);
});

test("a call tree 50,000 deep is put in canonical order without recursion (profiles are written at exit)", () => {
  const depth = 50_000;
  const functions: FunctionInfo[] = [
    { name: "b", qualifiedName: "b", file: "a.ts", line: 2, column: 1, kind: "function" },
    { name: "a", qualifiedName: "a", file: "a.ts", line: 1, column: 1, kind: "function" },
  ];
  // a chain b → b → ... whose deepest node has two children in the wrong order
  let deepest: CallTreeNode = { function: 0, calls: 1, selfTime: 0, totalTime: 0, children: [] };
  deepest.children = [
    { function: 0, calls: 1, selfTime: 0, totalTime: 0, children: [] },
    { function: 1, calls: 1, selfTime: 0, totalTime: 0, children: [] },
  ];
  let root = deepest;
  for (let i = 1; i < depth; i++) root = { function: 0, calls: 1, selfTime: 0, totalTime: 0, children: [root] };
  const profile: Profile = {
    format: PROFILE_FORMAT,
    version: PROFILE_VERSION,
    timeUnit: "s",
    meta: { tool: "test", clock: "tick" },
    duration: 0,
    functions,
    stats: [],
    edges: [],
    callTree: [root],
  };
  const canonical = canonicalizeProfile(profile);
  let node = canonical.callTree![0]!;
  let levels = 1;
  while (node.children.length === 1) {
    node = node.children[0]!;
    levels++;
  }
  assert.equal(levels, depth);
  assert.deepEqual(node.children.map((child) => child.function), [0, 1], "a (now index 0) before b (now index 1)");
  assert.equal(node.function, 1, "b is index 1 once a sorts first");
});
