// `tsprof diff BASE NEW`: what changed between two profiles, function by function.
import { parseStatsArgs, UsageError } from "./command-args";
import { diffRows, printDiff, sortDiffRows } from "./diff";
import { applyRestriction } from "./restrictions";
import { resolveSortKeys } from "./sort-keys";
import { funcStdString } from "./func-name";
import { reportErrors, type CommandIo } from "./stats-command";
import { Stats } from "./stats";
import { checkBudgets, parseBudget, type Budget } from "./diff-budget";

export const DIFF_USAGE = `usage: tsprof diff BASE NEW [-s KEY...] [--limit N|FRACTION|REGEX ...] [--strip] [--json]
                   [--fail-on METRIC>+LIMIT[@REGEX] ...]

Compares two profiles (.tsprof.json or Python .prof/.pstats) function by function, matched by
file:line(function): the new ncalls, tottime and cumtime and their change from BASE.

  -s, --sort KEY...   order by the size of the change in these columns (default: cumulative);
                      the keys of tsprof stats (calls, time, cumulative, pcalls, name, ...)
  -l, --limit X       as in tsprof stats: a count, a fraction in [0, 1), or a regular expression
  --strip             strip directories from file names before matching
  --json              print the matched rows as JSON (fields: see the @tsprof/stats README)
  --fail-on BUDGET    exit 1 (one stderr line per breach) when NEW grows past BUDGET, for CI:
                      calls>+10%  pcalls>+100  time>+0.2s (or ms, us)  for the whole profile;
                      cumtime>+5%@REGEX (also calls, pcalls, tottime) for each function matching REGEX
`;

/** Runs `tsprof diff` with `argv` (the words after "diff"); returns the exit status. */
export function runDiffCommand(argv: readonly string[], io: CommandIo): number {
  return reportErrors("diff", io, () => {
    const args = parseStatsArgs(argv, "diff");
    if (args.help) {
      io.stdout.write(DIFF_USAGE);
      return 0;
    }
    // Every option is checked before anything is read or printed: a bad sort key found by the
    // report itself came after the base/new lines and the summary were on stdout.
    if (args.callers || args.callees || args.dump || args.reverse || args.callSort.length > 0 || args.callLimit !== undefined) {
      throw new UsageError("diff takes no --callers, --callees, --call-sort, --call-limit, --reverse or --dump (try: tsprof diff --help)");
    }
    if (args.files.length !== 2) throw new UsageError(`diff needs exactly two profiles, BASE and NEW (got ${args.files.length})`);
    const budgets = args.failOn.map(parseBudget);
    const sort = args.sort.length > 0 ? args.sort : ["cumulative"];
    resolveSortKeys(sort);
    const [base, next] = args.files.map((file) => new Stats(file, io.stdout)) as [Stats, Stats];
    if (args.strip) {
      base.stripDirs();
      next.stripDirs();
    }
    if (args.json) {
      let { rows } = sortDiffRows(diffRows(base, next), sort);
      for (const restriction of args.restrictions) rows = applyRestriction(restriction, rows, (row) => funcStdString(row.key)).list;
      const document = {
        base: { file: args.files[0], totalCalls: base.totalCalls, primitiveCalls: base.primitiveCalls, totalTime: base.totalTime },
        new: { file: args.files[1], totalCalls: next.totalCalls, primitiveCalls: next.primitiveCalls, totalTime: next.totalTime },
        functions: rows.map((row) => ({ function: funcStdString(row.key), file: row.key.file, line: row.key.line, name: row.key.name, base: row.base ?? null, new: row.next ?? null })),
      };
      io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
      return reportBreaches(budgets, base, next, io);
    }
    printDiff(base, next, io.stdout, { sort, restrictions: args.restrictions, labels: [args.files[0]!, args.files[1]!] });
    return reportBreaches(budgets, base, next, io);
  });
}

/** Budgets are checked on every function of both profiles, whatever --limit showed. */
function reportBreaches(budgets: readonly Budget[], base: Stats, next: Stats, io: CommandIo): number {
  const breaches = checkBudgets(budgets, diffRows(base, next));
  for (const breach of breaches) io.stderr.write(`tsprof diff: ${breach}\n`);
  return breaches.length > 0 ? 1 : 0;
}
