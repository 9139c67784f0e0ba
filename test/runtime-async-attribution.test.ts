// Where async generators, iterators and the code around them are attributed, recorded end to end by
// `tsprof run` with the tick clock (every clock reading is one tick, so times count probe events).
// design.md §2: one call per invocation; suspended time is nobody's; a resumed async function runs
// under its logical caller; a resumed generator runs under whoever called next() (the `for await`
// loop's function, the `yield*` delegator).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Profile } from "@tsprof/format";
import { node, scratchProject, tsprof } from "./helpers/cli";

/** `tsprof run` on `source` (an ES module) with the tick clock: its profile; output and exit as under plain node. */
function profiled(source: string): Profile {
  const dir = scratchProject({ "main.mjs": source }, "async-attribution");
  const out = join(dir, "p.tsprof.json");
  const result = tsprof(["run", "-o", out, "main.mjs"], { cwd: dir });
  const plain = node(["main.mjs"], { cwd: dir });
  assert.equal(result.status, plain.status, result.stderr);
  assert.equal(result.stdout, plain.stdout);
  assert.equal(result.stderr, plain.stderr);
  return JSON.parse(readFileSync(out, "utf8")) as Profile;
}

/** Every edge as "caller -> callee" → its calls. */
function edgeCalls(profile: Profile): Record<string, number> {
  const name = (index: number) => profile.functions[index].qualifiedName;
  return Object.fromEntries(profile.edges.map((edge) => [`${name(edge.caller)} -> ${name(edge.callee)}`, edge.calls]));
}

/** The functions called at the root of the call tree, with their calls there. */
function rootCalls(profile: Profile): Record<string, number> {
  return Object.fromEntries((profile.callTree ?? []).map((treeNode) => [profile.functions[treeNode.function].qualifiedName, treeNode.calls]));
}

/** The function row of `name`: calls, self and total ticks. */
function row(profile: Profile, name: string): { calls: number; selfTime: number; totalTime: number } {
  const index = profile.functions.findIndex((f) => f.qualifiedName === name);
  const stats = profile.stats.find((s) => s.function === index);
  assert.ok(stats, `no row for ${name}`);
  return { calls: stats.calls, selfTime: stats.selfTime, totalTime: stats.totalTime };
}

test("return x in an async generator: the frame is off the stack while the return awaits x, so callbacks that run meanwhile are not its callees", () => {
  // The return statement awaits its value before the generator completes (ECMA-262 ReturnStatement).
  // Unmarked, `lines` stayed on the stack through that await: the four onTick callbacks, which run
  // from the microtask queue meanwhile, were recorded as called by lines, and their time as its cumtime.
  const profile = profiled(`
function onTick() {}
async function* lines() {
  yield "a";
  return "done";
}
async function consume() {
  for await (const l of lines()) console.log(l);
}
consume();
Promise.resolve().then(onTick).then(onTick).then(onTick).then(onTick);
`);
  assert.deepEqual(edgeCalls(profile), { "consume -> lines": 1 });
  assert.equal(rootCalls(profile).onTick, 4);
  // lines: three slices (entry to yield, the loop's second next() to the return), nothing inside.
  const lines = row(profile, "lines");
  assert.equal(lines.totalTime, lines.selfTime);
});

test("an async generator started right after an unrelated suspension runs under its own caller: a bare yield and an await of an async generator object are no for-await loop", () => {
  // The loop's suspensions carry a marker now; before, any suspension without a value (the bare
  // `yield;` of ticker) or with an async-iterable value (`await x` in keep) counted as one, so the
  // async generator next started ran under that suspended frame (ticker -> ag, keep -> numbers).
  const profile = profiled(`
function* ticker() {
  while (true) yield;
}
async function* ag() {
  yield 1;
}
function main() {
  const t = ticker();
  t.next();
  const a = ag();
  a.next();
}
main();
async function* numbers() {
  yield 1;
}
async function keep(x) {
  const v = await x;
  return v;
}
async function later() {
  const g = numbers();
  keep(g);
  const first = await g.next();
  console.log(first);
}
later();
`);
  assert.deepEqual(edgeCalls(profile), { "main -> ticker": 1, "main -> ag": 1, "later -> keep": 1, "later -> numbers": 1 });
});

test("a sync generator iterated by for await runs under the loop's function", () => {
  // The loop iterates it through an async-from-sync iterator; only async generators counted before
  // (main -> items: the loop's first next() ran items under the consumer's caller).
  const profile = profiled(`
function* items() {
  yield 1;
  yield 2;
}
async function consume() {
  let s = 0;
  for await (const v of items()) s += v;
  return s;
}
function main() {
  return consume();
}
main().then((s) => console.log(s));
`);
  assert.deepEqual(edgeCalls(profile), { "main -> consume": 1, "consume -> items": 1 });
});
