// Budgets for `tsprof diff --fail-on`: how much calls or time may grow from BASE to NEW before CI fails.
//
//   --fail-on calls>+10%          total calls may grow at most 10%
//   --fail-on time>+0.2s          total time (sum of tottime) may grow at most 0.2 s (also ms, us)
//   --fail-on pcalls>+100         total primitive calls may grow at most 100
//   --fail-on cumtime>+5%@parse   each function matching the regex "parse" (on file:line(function))
//                                 may grow its cumtime at most 5%; calls/pcalls/tottime work per function too
import { UsageError } from "./command-args";
import type { DiffRow, DiffSide } from "./diff";
import { funcStdString } from "./func-name";
import { compilePythonRegex, PythonRegexError } from "./python-regex";

export type BudgetMetric = "calls" | "pcalls" | "time" | "tottime" | "cumtime";

export interface Budget {
  /** The text as given, for messages. */
  text: string;
  metric: BudgetMetric;
  /** Allowed growth: a fraction of the base (relative) or an amount in calls or seconds (absolute). */
  limit: { relative: number } | { absolute: number };
  /** Per function: the regular expression matched against file:line(function); absent = the whole profile. */
  functions?: RegExp;
}

const METRICS: readonly BudgetMetric[] = ["calls", "pcalls", "time", "tottime", "cumtime"];
const SECONDS_PER_UNIT: Record<string, number> = { s: 1, ms: 1e-3, us: 1e-6 };

export function parseBudget(text: string): Budget {
  const match = /^(\w+)>\+?(\d+(?:\.\d+)?)(%|s|ms|us)?(?:@(.+))?$/.exec(text);
  const fail = (why: string): never => {
    throw new UsageError(`--fail-on '${text}': ${why} (form: METRIC>+LIMIT[%|s|ms|us][@REGEX], METRIC one of ${METRICS.join(", ")})`);
  };
  if (!match) return fail("not a budget");
  const [, word, amount, unit, pattern] = match as unknown as [string, string, string, string | undefined, string | undefined];
  if (!(METRICS as readonly string[]).includes(word)) return fail(`unknown metric '${word}'`);
  const metric = word as BudgetMetric;
  if (metric === "cumtime" && pattern === undefined) return fail("cumtime is per function: add @REGEX");
  const isTime = metric === "time" || metric === "tottime" || metric === "cumtime";
  if (unit !== undefined && unit !== "%" && !isTime) return fail(`${metric} counts calls: give a number or a percentage`);
  let functions: RegExp | undefined;
  if (pattern !== undefined) {
    // The Python dialect of --limit (python-regex.ts), so one pattern works for both.
    try {
      functions = compilePythonRegex(pattern);
    } catch (error) {
      if (error instanceof PythonRegexError) return fail(error.message);
      throw error;
    }
    if (!functions) return fail(`bad regular expression '${pattern}'`);
  }
  const value = Number(amount);
  const limit = unit === "%" ? { relative: value / 100 } : { absolute: isTime ? value * SECONDS_PER_UNIT[unit ?? "s"]! : value };
  return { text, metric, limit, functions };
}

function measure(side: DiffSide | undefined, metric: BudgetMetric): number {
  if (!side) return 0;
  switch (metric) {
    case "calls":
      return side.calls;
    case "pcalls":
      return side.primitiveCalls;
    case "time":
    case "tottime":
      return side.selfTime;
    case "cumtime":
      return side.totalTime;
  }
}

function totals(rows: readonly DiffRow[], pick: (row: DiffRow) => DiffSide | undefined): DiffSide {
  const sum: DiffSide = { calls: 0, primitiveCalls: 0, selfTime: 0, totalTime: 0 };
  for (const row of rows) {
    const side = pick(row);
    if (!side) continue;
    sum.calls += side.calls;
    sum.primitiveCalls += side.primitiveCalls;
    sum.selfTime += side.selfTime;
  }
  return sum;
}

function describe(value: number, metric: BudgetMetric): string {
  return metric === "calls" || metric === "pcalls" ? String(value) : `${value.toFixed(6)}s`;
}

/**
 * One line per breach (empty when every budget holds). Growth past the limit breaches; a function new in NEW
 * grows from 0; a per-function budget whose regex matches no function of either profile breaches too.
 */
export function checkBudgets(budgets: readonly Budget[], rows: readonly DiffRow[]): string[] {
  const breaches: string[] = [];
  for (const budget of budgets) {
    const subjects: Array<[string, DiffSide | undefined, DiffSide | undefined]> = budget.functions
      ? rows.filter((row) => budget.functions!.test(funcStdString(row.key))).map((row) => [funcStdString(row.key), row.base, row.next])
      : [["total", totals(rows, (row) => row.base), totals(rows, (row) => row.next)]];
    if (budget.functions && subjects.length === 0) {
      // A budget that checks nothing (a typo in the regex, a renamed function) would pass forever in CI.
      breaches.push(`budget ${budget.text} matches no function in either profile`);
      continue;
    }
    for (const [label, base, next] of subjects) {
      const before = measure(base, budget.metric);
      const after = measure(next, budget.metric);
      const allowed = "relative" in budget.limit ? before * (1 + budget.limit.relative) : before + budget.limit.absolute;
      if (after > allowed) {
        const growth = before > 0 ? ` (${after >= before ? "+" : ""}${(((after - before) / before) * 100).toFixed(1)}%)` : "";
        breaches.push(`budget ${budget.text} exceeded by ${label}: ${budget.metric} ${describe(before, budget.metric)} -> ${describe(after, budget.metric)}${growth}`);
      }
    }
  }
  return breaches;
}
