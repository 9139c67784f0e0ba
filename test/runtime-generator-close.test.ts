// A generator closed by a for-of that a `yield` (or a throwing `await`) left, recorded end to end by
// `tsprof run` with the tick clock.
//
// `consumer()` returns out of `for (… of outer())`, so `outer` resumes at its `yield` with a return
// completion, which leaves its own `for (… of inner())`: that loop calls `inner.return()` and inner's
// `finally { cleanup() }` runs. That slice of inner is driven by outer's loop, so by design.md §2 (a
// resumed generator runs under whoever called next()) it runs under outer. The return completion skips
// the yield's resume probe; the transforms' `try { B } finally { resume }` around such a loop body puts
// outer back on the stack first. Without it inner's cleanup was recorded under consumer (an
// `consumer -> inner` edge with 0 calls). The same for an async function whose `await` rejects inside
// `for (… of inner())`: without the body's resume, inner's cleanup ran at the root (the async function
// is off the stack once it resumes from the microtask queue by a throw).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Profile } from "@tsprof/format";
import { node, scratchProject, tsprof } from "./helpers/cli";

const program = `
function cleanup() { return 1; }
function* inner() {
  try { yield 1; yield 2; yield 3; } finally { cleanup(); }
}
function* outer() {
  for (const x of inner()) yield x;
}
function consumer() {
  for (const x of outer()) { if (x === 1) return x; }
}
console.log(consumer());
async function failing() { await null; throw new Error("boom"); }
async function asyncOuter() {
  for (const x of inner()) { await failing(); }
}
asyncOuter().catch((error) => console.log(error.message));
`;

/** `tsprof run` on the program (the tick clock: every reading is one tick); its profile and output. */
function profiled(source: string): { profile: Profile; stdout: string } {
  const dir = scratchProject({ "main.js": source }, "generator-close");
  const out = join(dir, "p.tsprof.json");
  const result = tsprof(["run", "-o", out, "main.js"], { cwd: dir });
  const plain = node(["main.js"], { cwd: dir });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, plain.stdout);
  assert.equal(result.stderr, plain.stderr);
  return { profile: JSON.parse(readFileSync(out, "utf8")) as Profile, stdout: result.stdout };
}

/** "caller -> callee" → calls, for every edge. */
function edgeCalls(profile: Profile): Record<string, number> {
  const name = (index: number) => profile.functions[index].qualifiedName;
  return Object.fromEntries(profile.edges.map((edge) => [`${name(edge.caller)} -> ${name(edge.callee)}`, edge.calls]));
}

/** Every path of the call tree from a root to a node of `target`, names joined by " > ". */
function treePaths(profile: Profile, target: string): string[] {
  const paths: string[] = [];
  const walk = (nodes: NonNullable<Profile["callTree"]>, above: string[]): void => {
    for (const treeNode of nodes) {
      const path = [...above, profile.functions[treeNode.function].qualifiedName];
      if (path[path.length - 1] === target) paths.push(path.join(" > "));
      walk(treeNode.children, path);
    }
  };
  walk(profile.callTree ?? [], []);
  return paths.sort();
}

test("a generator closed by a for-of that a yield left runs its finally under the loop's generator, and under the async function whose await rejected", () => {
  const { profile, stdout } = profiled(program);
  assert.equal(stdout, "1\nboom\n");
  assert.deepEqual(edgeCalls(profile), {
    "asyncOuter -> failing": 1,
    "asyncOuter -> inner": 1,
    "consumer -> outer": 1,
    "inner -> cleanup": 2,
    "outer -> inner": 1,
  });
  assert.deepEqual(treePaths(profile, "inner"), ["asyncOuter > inner", "consumer > outer > inner"]);
  assert.deepEqual(treePaths(profile, "cleanup"), ["asyncOuter > inner > cleanup", "consumer > outer > inner > cleanup"]);
});
