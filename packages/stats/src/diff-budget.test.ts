// tsprof diff --fail-on: parsing budgets, and which growth breaches them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkBudgets, parseBudget } from "./diff-budget";
import type { DiffRow } from "./diff";

const key = (name: string, line: number) => ({ file: "src/a.ts", line, name });
const side = (calls: number, primitiveCalls: number, selfTime: number, totalTime: number) => ({ calls, primitiveCalls, selfTime, totalTime });

// base: 100 + 50 calls, 1.0 s + 0.5 s self; new: 115 + 50 calls, 1.1 s + 0.5 s self; parse cumtime 2.0 -> 2.3
const rows: DiffRow[] = [
  { key: key("parse", 1), base: side(100, 1, 1.0, 2.0), next: side(115, 1, 1.1, 2.3) },
  { key: key("emit", 9), base: side(50, 50, 0.5, 0.5), next: side(50, 50, 0.5, 0.5) },
  { key: key("fresh", 20), next: side(3, 3, 0.01, 0.01) },
];

test("whole-profile budgets: relative and absolute, calls and time", () => {
  // total calls 150 -> 168 (+12%)
  assert.deepEqual(checkBudgets([parseBudget("calls>+15%")], rows), []);
  assert.equal(checkBudgets([parseBudget("calls>+10%")], rows).length, 1);
  assert.match(checkBudgets([parseBudget("calls>+10%")], rows)[0]!, /calls>\+10% exceeded by total: calls 150 -> 168 \(\+12\.0%\)/);
  assert.deepEqual(checkBudgets([parseBudget("calls>+18")], rows), []);
  assert.equal(checkBudgets([parseBudget("calls>+17")], rows).length, 1);
  // total time 1.5 s -> 1.61 s (+0.11 s)
  assert.deepEqual(checkBudgets([parseBudget("time>+120ms")], rows), []);
  assert.equal(checkBudgets([parseBudget("time>+0.1s")], rows).length, 1);
  assert.deepEqual(checkBudgets([parseBudget("pcalls>+3")], rows), []);
  assert.equal(checkBudgets([parseBudget("pcalls>+2")], rows).length, 1);
});

test("per-function budgets apply to each matching function; a new function grows from zero", () => {
  assert.deepEqual(checkBudgets([parseBudget("cumtime>+20%@parse")], rows), []);
  assert.match(checkBudgets([parseBudget("cumtime>+10%@parse")], rows)[0]!, /exceeded by src\/a\.ts:1\(parse\): cumtime 2\.000000s -> 2\.300000s \(\+15\.0%\)/);
  assert.deepEqual(checkBudgets([parseBudget("calls>+0%@emit")], rows), []);
  assert.equal(checkBudgets([parseBudget("calls>+0%@.")], rows).length, 2, "parse grew, fresh is new");
});

test("bad budgets are one-line usage errors", () => {
  for (const text of ["calls", "calls<+10%", "speed>+1%", "calls>+1s", "cumtime>+5%", "calls>+1%@("]) {
    assert.throws(() => parseBudget(text), (error: Error) => error.name === "UsageError" && !error.message.includes("\n"), text);
  }
});

test("a per-function budget whose regex matches no function breaches: it would otherwise check nothing, silently", () => {
  assert.deepEqual(checkBudgets([parseBudget("calls>+10%@nomatch")], []), ["budget calls>+10%@nomatch matches no function in either profile"]);
});
