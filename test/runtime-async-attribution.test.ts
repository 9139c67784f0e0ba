// Where async generators, iterators and the code around them are attributed, recorded end to end by
// `tsprof run` with the tick clock (every clock reading is one tick, so times count probe events).
// design.md §2: one call per invocation; suspended time is nobody's; a resumed async function runs
// under its logical caller; a resumed generator runs under whoever called next() (the `for await`
// loop's function, the `yield*` delegator).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { transformSync } from "@babel/core";
import type { Profile } from "@tsprof/format";
import tsprofPlugin = require("@tsprof/babel-plugin");
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

/**
 * `source` (a script) built with @tsprof/babel-plugin and @babel/preset-env for `targets` (generators
 * and async generators lowered to regenerator's or Babel's helpers), run by plain node with the tick
 * clock: its profile; output and exit as the original's under `tsprof run`.
 */
function profiledLowered(source: string, targets: Record<string, string>): Profile {
  const dir = scratchProject({}, "async-lowered");
  const built = transformSync(source, {
    filename: join(dir, "main.js"),
    cwd: dir,
    babelrc: false,
    configFile: false,
    sourceType: "script",
    plugins: [[tsprofPlugin, { runtime: require.resolve("@tsprof/runtime/probe") }]],
    presets: [[require.resolve("@babel/preset-env"), { targets, modules: "commonjs" }]],
  })!;
  writeFileSync(join(dir, "main.js"), built.code!);
  const out = join(dir, "p.tsprof.json");
  const result = spawnSync(process.execPath, ["main.js"], {
    cwd: dir,
    env: { ...process.env, TSPROF_CLOCK: "tick", TSPROF_OUTPUT: out },
    encoding: "utf8",
    timeout: 60_000,
  });
  const plain = node(["main.js"], { cwd: dir });
  assert.equal(result.status, plain.status, result.stderr);
  assert.equal(result.stdout, plain.stdout);
  return JSON.parse(readFileSync(out, "utf8")) as Profile;
}

/** What a lowered build must share with the native one: each function's row, each edge, the call tree (calls and ticks). */
function attribution(profile: Profile): { rows: Record<string, string>; edges: Record<string, string>; tree: string[] } {
  const name = (index: number) => profile.functions[index].qualifiedName;
  const rows = Object.fromEntries(profile.stats.map((s) => [name(s.function), `${s.calls} calls, self ${s.selfTime}, total ${s.totalTime}`]));
  const edges = Object.fromEntries(profile.edges.map((e) => [`${name(e.caller)} -> ${name(e.callee)}`, `${e.calls} calls, self ${e.selfTime}, total ${e.totalTime}`]));
  const tree: string[] = [];
  const walk = (nodes: NonNullable<Profile["callTree"]>, indent: string): void => {
    for (const treeNode of nodes) {
      tree.push(`${indent}${name(treeNode.function)}: ${treeNode.calls} calls, self ${treeNode.selfTime}, total ${treeNode.totalTime}`);
      walk(treeNode.children, `${indent}  `);
    }
  };
  walk(profile.callTree ?? [], "");
  return { rows, edges, tree };
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

test("a for await loop's [Symbol.asyncIterator]() and next() run under the loop's function; the caller's own calls after the loop suspends do not", () => {
  // The loop calls them while its function is suspended (in the head, at the end of each body):
  // they went to the frame below (main -> Range[Symbol.asyncIterator], main -> next) or, from the
  // microtask queue, to the root. Told from the caller's code by their names: `other` is main's.
  const profile = profiled(`
class Range {
  constructor(n) { this.n = n; }
  [Symbol.asyncIterator]() {
    let i = 0;
    const n = this.n;
    return {
      next() { return Promise.resolve(i < n ? { value: i++, done: false } : { value: undefined, done: true }); },
    };
  }
}
async function consume() {
  let s = 0;
  for await (const v of new Range(3)) s += v;
  return s;
}
function other() {}
function main() {
  const pending = consume();
  other();
  pending.then((s) => console.log(s));
}
main();
async function overArray() {
  for await (const v of [1, 2]) console.log(v);
}
function afterArray() {
  overArray();
  other();
}
afterArray();
`);
  const edges = edgeCalls(profile);
  assert.deepEqual(
    Object.fromEntries(Object.entries(edges).filter(([edge]) => !edge.includes("anonymous"))),
    {
      "main -> consume": 1,
      "consume -> Range.constructor": 1,
      "consume -> Range[Symbol.asyncIterator]": 1,
      "consume -> next": 4,
      "main -> other": 1,
      "afterArray -> overArray": 1,
      "afterArray -> other": 1,
    },
  );
  assert.equal(rootCalls(profile).next, undefined);
});

test("yield* of a plain iterator: its [Symbol.iterator]() and the first next() run under the delegator", () => {
  // (The later next() calls, which the delegator's own next() makes with no probe of it in between,
  // still run under the caller of that next(): README, Known differences.)
  const profile = profiled(`
class It {
  constructor() { this.i = 0; }
  [Symbol.iterator]() { return this; }
  next() { this.i++; return { value: this.i, done: this.i > 2 }; }
}
function* g3() {
  yield* new It();
}
function main() {
  return [...g3()];
}
console.log(main());
`);
  const edges = edgeCalls(profile);
  assert.equal(edges["g3 -> It[Symbol.iterator]"], 1);
  assert.equal(edges["g3 -> It.next"], 1);
  assert.equal(edges["main -> It[Symbol.iterator]"], undefined);
});

test("a generator the caller starts after an async function suspended in a for await over an array runs under that caller", () => {
  // The loop over an array calls nothing instrumented: only a loop over a generator object runs a
  // generator directly after its head.
  const profile = profiled(`
function* gen() {
  yield 1;
}
async function* agen() {
  yield 2;
}
async function consume() {
  for await (const x of [1, 2]) console.log(x);
}
function main() {
  consume();
  gen().next();
  consume();
  agen().next();
}
main();
`);
  assert.deepEqual(edgeCalls(profile), { "main -> consume": 2, "main -> gen": 1, "main -> agen": 1 });
});

/** Calls and primitive calls ("calls/primitive") of function `callee`, or of its edge from `caller`. */
function callCounts(profile: Profile, callee: string, caller?: string): string {
  const name = (index: number) => profile.functions[index].qualifiedName;
  const counts =
    caller === undefined
      ? profile.stats.find((s) => name(s.function) === callee)
      : profile.edges.find((e) => name(e.caller) === caller && name(e.callee) === callee);
  assert.ok(counts, `no counts for ${caller === undefined ? "" : `${caller} -> `}${callee}`);
  return `${counts.calls}/${counts.primitiveCalls}`;
}

test("an async generator's code after a finished yield* is its own, not its consumer's", () => {
  // An async generator's yield* awaits the inner's last result: the delegator leaves the stack when the
  // inner finishes and runs on at its resume. It stayed, the consumer's next await closed it for good,
  // and busy went to consume (spin <- consume, outer's cumtime the inner's part only).
  const profile = profiled(`
function busy() {}
async function* inner() { yield 0; }
async function* outer() { yield* inner(); yield 5; busy(); }
async function consume() { const it = outer(); await it.next(); await it.next(); await it.next(); }
consume();
`);
  assert.deepEqual(edgeCalls(profile), { "consume -> outer": 1, "outer -> inner": 1, "outer -> busy": 1 });
  // In ticks (one a reading): outer's slices [2,5] and [8,11] (inner's [3,4] and [9,10] inside, the
  // last reading its own leaving), [13,14] from the microtask queue, [16,19] (busy's [17,18] inside).
  const ticks = (name: string) => {
    const { calls, selfTime, totalTime } = row(profile, name);
    return `${calls} calls, self ${Math.round(selfTime / 0.001)}, total ${Math.round(totalTime / 0.001)}`;
  };
  assert.equal(ticks("outer"), "1 calls, self 7, total 10");
  assert.equal(ticks("inner"), "1 calls, self 2, total 2");
  assert.equal(ticks("busy"), "1 calls, self 1, total 1");
});

test("a recursive async generator: one primitive call, its yield* edges counted once each, from a plain function or by hand", () => {
  // Each finished at(0) left its delegator on the stack: a plain caller's exit (main) or the consumer's
  // await closed it, its later probes did nothing, and the next at() counted as a second primitive call
  // (at 7/3 from main, consume -> at 3; at 3/2 by hand, busy at the root).
  const underMain = profiled(`
async function* at(n) { if (n > 0) { yield* at(n - 1); yield n; yield* at(n - 1); } }
async function consume() { for await (const x of at(2)) ; }
function main() { consume(); }
main();
`);
  assert.deepEqual(edgeCalls(underMain), { "main -> consume": 1, "consume -> at": 1, "at -> at": 6 });
  assert.equal(callCounts(underMain, "at", "at"), "6/2");
  assert.equal(callCounts(underMain, "at"), "7/1");
  const byHand = profiled(`
function busy() {}
async function* at(n) { if (n > 0) { yield* at(n - 1); yield n; busy(); yield* at(n - 1); } }
async function consume() { const it = at(1); await it.next(); await it.next(); await it.next(); }
consume();
`);
  assert.deepEqual(edgeCalls(byHand), { "consume -> at": 1, "at -> at": 2, "at -> busy": 1 });
  assert.equal(callCounts(byHand, "at"), "3/1");
  assert.ok(row(byHand, "at").totalTime >= row(byHand, "busy").totalTime);
});

/**
 * `tsprof run` on `source` as main.ts (TypeScript, where tsprof run lowers `await using`): its profile. Node 20
 * cannot run the source itself, so its output is checked against `expectedStdout`.
 */
function profiledTypeScript(source: string, expectedStdout: string, env: Record<string, string> = {}): Profile {
  const dir = scratchProject({ "main.ts": source }, "await-using");
  const out = join(dir, "p.tsprof.json");
  const result = tsprof(["run", "-o", out, "main.ts"], { cwd: dir, env });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, "");
  assert.equal(result.stdout, expectedStdout);
  return JSON.parse(readFileSync(out, "utf8")) as Profile;
}

test("await using: the function is off the stack while its resources' [Symbol.asyncDispose]() settle, so callbacks that run meanwhile are not its callees", () => {
  // The lowered block's `await` of the disposal had no probe: main stayed on the stack through it, so the
  // onTick callbacks that run from the microtask queue while the disposal waits were its callees.
  const profile = profiledTypeScript(
    `
function onTick() {}
function later(resolve: () => void) {
  setTimeout(resolve, 1);
}
class Resource {
  constructor(readonly name: string) {}
  async [Symbol.asyncDispose]() {
    await new Promise(later);
    console.log("disposed " + this.name);
  }
}
async function main() {
  await using first = new Resource("first");
  await using second = new Resource("second");
  Promise.resolve().then(onTick).then(onTick).then(onTick).then(onTick);
  console.log("body");
}
main();
`,
    "body\ndisposed second\ndisposed first\n",
  );
  // The first disposal (the last resource declared) starts in main's finally block, under main; the helper
  // of the lowered code starts the next one once that has settled, from the microtask queue, while main is
  // suspended: it runs at the root (README, Known differences).
  assert.deepEqual(edgeCalls(profile), { "main -> Resource.constructor": 2, "main -> Resource[Symbol.asyncDispose]": 1, "Resource[Symbol.asyncDispose] -> later": 2 });
  assert.deepEqual(rootCalls(profile), { main: 1, onTick: 4, "Resource[Symbol.asyncDispose]": 1 });
  // main's own ticks (0.001 s each): its first slice runs from its entry to the disposal's suspension, 9
  // ticks, less the two constructors' 2 and the first disposal's slice, 3 (its entry, later's entry and
  // exit, its own suspension); then 1 from the resume after the disposals to main's exit. 11 before: main
  // stayed on the stack through the waits, and the readings of the callbacks' calls fell in its slice.
  const main = row(profile, "main");
  assert.equal(main.calls, 1);
  assert.equal(Math.round(main.selfTime / 0.001), 5, `main's self time is ${main.selfTime} s`);
});

test("await using with a real timer: a 50 ms [Symbol.asyncDispose]() is no part of the function's own time", () => {
  // Measured before: main's tottime was the whole wait (0.208 s for a 200 ms disposal). Compared with its
  // own wall time (invocation to settle, which includes the wait), not with a fixed bound.
  const profile = profiledTypeScript(
    `
class Resource {
  async [Symbol.asyncDispose]() {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
async function main() {
  await using resource = new Resource();
  console.log("body");
}
main().then(() => console.log("done"));
`,
    "body\ndone\n",
    { TSPROF_CLOCK: "hrtime" },
  );
  const index = profile.functions.findIndex((f) => f.qualifiedName === "main");
  const main = profile.stats.find((s) => s.function === index)!;
  assert.ok(main.asyncWallTime! >= 0.045, `main's wall time is ${main.asyncWallTime} s`);
  assert.ok(main.selfTime < main.asyncWallTime! / 2, `main's self time ${main.selfTime} s of a wall time of ${main.asyncWallTime} s`);
});

// The same programs lowered by @babel/preset-env: regenerator's generator objects (ie 11: generators
// and async generators) and Babel's AsyncGenerator wrapper (node 8: async generators over native
// generators) keep next() on their prototype, so they were not recognised as generators: a `yield*`
// of one let the delegator leave the stack, and the inner's steps went to whoever was below (main
// held gen's ticks, outer none; a 0-call edge main -> outer, inner under main -> outer), and a `for
// await` over one ran it under the loop function's caller (main -> items).
const loweredCases: [string, string][] = [
  [
    "yield* of a generator started earlier",
    `
function busy() { for (let i = 0; i < 3; i++) Math.sqrt(i); }
function* gen() { yield 1; busy(); yield 2; busy(); yield 3; }
function* outer(it) { yield* it; }
function main() { const g = gen(); g.next(); console.log([...outer(g)]); }
main();
`,
  ],
  [
    "yield* of an async generator in a for await loop",
    `
async function* inner() { yield 1; yield 2; }
async function* outer() { yield* inner(); }
async function consume() { for await (const v of outer()) console.log(v); }
async function main() { await consume(); }
main();
`,
  ],
  [
    "for await over a sync generator",
    `
function* items() { yield 1; yield 2; }
async function consume() { let s = 0; for await (const v of items()) s += v; return s; }
function main() { return consume(); }
main().then((s) => console.log(s));
`,
  ],
  [
    // No generator behind the yield*: the lowered class's and array iterator's next() are no helper
    // generator's, so the delegator leaves the stack at the delegation, as natively.
    "yield* of an array, an array iterator and an iterator class",
    `
class It {
  constructor() { this.i = 0; }
  [Symbol.iterator]() { return this; }
  next() { this.i++; return { value: this.i, done: this.i > 2 }; }
}
function* overArray() { yield* [1, 2]; }
function* overValues() { yield* [3, 4].values(); }
function* overIt() { yield* new It(); }
function main() {
  return [...overArray(), ...overValues(), ...overIt()];
}
console.log(main());
`,
  ],
];

const loweredTargets: Record<string, string>[] = [{ ie: "11" }, { node: "8" }];

for (const [label, source] of loweredCases) {
  for (const targets of loweredTargets) {
    test(`preset-env ${JSON.stringify(targets)}: ${label}: the same rows, edges and call tree as the native program`, () => {
      assert.deepEqual(attribution(profiledLowered(source, targets)), attribution(profiled(source)));
    });
  }
}
