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
