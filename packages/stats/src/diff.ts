// Comparing two profiles function by function (tsprof diff): the new numbers and their change from the base.
import type { PstatsKey } from "@tsprof/format";
import { funcStdString, formatInt } from "./func-name";
import { comparePyStrings, f8, formatFixed, rjust } from "./python-text";
import { applyRestriction, type Restriction } from "./restrictions";
import { resolveSortKeys, type SortArgument, type SortField } from "./sort-keys";
import { formatNcalls, type Stats, type Writable } from "./stats";

/** The four counters of one side. */
export interface DiffSide {
  calls: number;
  primitiveCalls: number;
  selfTime: number;
  totalTime: number;
}

/** One function in either profile; a side is missing when the function ran only in the other. */
export interface DiffRow {
  key: PstatsKey;
  base?: DiffSide;
  next?: DiffSide;
}

const ZERO: DiffSide = { calls: 0, primitiveCalls: 0, selfTime: 0, totalTime: 0 };

/** Rows of both profiles matched by (file, line, name): the new profile's order, then functions only in the base. */
export function diffRows(base: Stats, next: Stats): DiffRow[] {
  const rows = new Map<string, DiffRow>();
  const side = (entry: ReturnType<Stats["entries"]>[number]): DiffSide => ({
    calls: entry.calls,
    primitiveCalls: entry.primitiveCalls,
    selfTime: entry.selfTime,
    totalTime: entry.totalTime,
  });
  for (const entry of next.entries()) rows.set(funcStdString(entry.function), { key: entry.function, next: side(entry) });
  for (const entry of base.entries()) {
    const id = funcStdString(entry.function);
    const row = rows.get(id);
    if (row) row.base = side(entry);
    else rows.set(id, { key: entry.function, base: side(entry) });
  }
  return [...rows.values()];
}

function delta(row: DiffRow, column: SortField["column"]): number {
  const next = row.next ?? ZERO;
  const base = row.base ?? ZERO;
  switch (column) {
    case "calls":
      return next.calls - base.calls;
    case "primitiveCalls":
      return next.primitiveCalls - base.primitiveCalls;
    case "selfTime":
      return next.selfTime - base.selfTime;
    case "totalTime":
      return next.totalTime - base.totalTime;
    case "selfTimePerCall":
      return (next.calls ? next.selfTime / next.calls : 0) - (base.calls ? base.selfTime / base.calls : 0);
    case "totalTimePerCall":
      return (next.primitiveCalls ? next.totalTime / next.primitiveCalls : 0) - (base.primitiveCalls ? base.totalTime / base.primitiveCalls : 0);
    default:
      return 0;
  }
}

/** Sorts by the size of the change in each numeric key (largest first), names ascending; stable. */
export function sortDiffRows(rows: DiffRow[], keys: ReadonlyArray<SortArgument>): { rows: DiffRow[]; description: string } {
  const { fields, description } = resolveSortKeys(keys);
  const text = (row: DiffRow, column: SortField["column"]) =>
    column === "file" ? row.key.file : column === "name" ? row.key.name : column === "stdName" ? funcStdString(row.key) : undefined;
  const sorted = [...rows].sort((a, b) => {
    for (const { column } of fields) {
      const left = text(a, column);
      if (left !== undefined) {
        const order = comparePyStrings(left, text(b, column)!);
        if (order) return order;
      } else if (column === "line") {
        if (a.key.line !== b.key.line) return a.key.line - b.key.line;
      } else {
        const order = Math.abs(delta(b, column)) - Math.abs(delta(a, column));
        if (order) return order;
      }
    }
    return 0;
  });
  return { rows: sorted, description: `change in ${description}` };
}

function signed(value: number, digits: number): string {
  const text = digits === 0 ? formatInt(value) : formatFixed(value, digits);
  return value > 0 || (value === 0 && !text.startsWith("-")) ? `+${text}` : text;
}

function totals(stats: Stats): string {
  return `${formatInt(stats.totalCalls)} function calls in ${formatFixed(stats.totalTime, 3)} seconds`;
}

/**
 * Prints the comparison: both headers, the change in totals, then one line per function with the
 * new ncalls/tottime/cumtime and their change ("(new)"/"(gone)" for functions in one profile only).
 */
export function printDiff(
  base: Stats,
  next: Stats,
  out: Writable,
  options: { sort?: ReadonlyArray<SortArgument>; restrictions?: readonly Restriction[]; labels?: [string, string] } = {},
): DiffRow[] {
  const [baseLabel, nextLabel] = options.labels ?? [base.files.join(", ") || "base", next.files.join(", ") || "new"];
  out.write(`base: ${baseLabel}\n      ${totals(base)}\n`);
  out.write(`new:  ${nextLabel}\n      ${totals(next)}\n\n`);
  const timeChange = next.totalTime - base.totalTime;
  const percent = base.totalTime > 0 ? ` (${signed((timeChange / base.totalTime) * 100, 1)}%)` : "";
  out.write(`         ${signed(next.totalCalls - base.totalCalls, 0)} function calls, ${signed(timeChange, 3)} seconds${percent}\n\n`);
  const { rows: sorted, description } = sortDiffRows(diffRows(base, next), options.sort ?? ["cumulative"]);
  let list = sorted;
  let message = `   Ordered by: ${description}\n`;
  for (const restriction of options.restrictions ?? []) {
    const applied = applyRestriction(restriction, list, (row) => funcStdString(row.key));
    list = applied.list;
    message += applied.note;
  }
  if (list.length === 0) return list;
  out.write(`${message}\n`);
  out.write(`${["ncalls", "Δcalls", "tottime", "Δtottime", "cumtime", "Δcumtime"].map((title, i) => rjust(title, COLUMN_WIDTHS[i]!)).join(" ")} filename:lineno(function)\n`);
  for (const row of list) out.write(formatDiffLine(row));
  out.write("\n\n");
  return list;
}

const COLUMN_WIDTHS = [9, 8, 8, 9, 8, 9];

function formatDiffLine(row: DiffRow): string {
  const next = row.next;
  const cells = [
    next ? formatNcalls(next.calls, next.primitiveCalls) : "-",
    signed(delta(row, "calls"), 0),
    next ? f8(next.selfTime) : "-",
    signed(delta(row, "selfTime"), 3),
    next ? f8(next.totalTime) : "-",
    signed(delta(row, "totalTime"), 3),
  ];
  const marker = !row.base ? "  (new)" : !row.next ? "  (gone)" : "";
  return `${cells.map((cell, i) => rjust(cell, COLUMN_WIDTHS[i]!)).join(" ")} ${funcStdString(row.key)}${marker}\n`;
}
