// pstats' print restrictions (eval_print_amount): a count, a fraction of [0, 1), or a regular expression.
import { formatInt } from "./func-name";
import { compilePythonRegex } from "./python-regex";
import { reprFloat, reprString } from "./python-text";

/** A Python float, for restrictions that must behave as one: `{ float: 1 }` is pstats' 1.0 (no limit), not 1. */
export interface PyFloatRestriction {
  float: number;
}

/**
 * A print restriction, as pstats' `amount`: an integer keeps the first N rows, a fraction in [0, 1)
 * keeps that share (rounded), a string is a regular expression searched in `file:line(name)`.
 */
export type Restriction = number | string | PyFloatRestriction;

/**
 * What the print methods take: a Restriction, or null/undefined for none (pstats' `print_stats(None)`
 * prints the whole table: its eval_print_amount() reduces the list only for a string, a float in
 * [0, 1) or an int, and passes anything else by; `printStats(limit)` with an optional limit not given).
 */
export type RestrictionArgument = Restriction | null | undefined;

/**
 * Applies one restriction to `list`; `note` is the line pstats adds to its header
 * ("   List reduced from X to Y due to restriction <R>\n", or the invalid-regex line), if any.
 */
export function applyRestriction<T>(restriction: RestrictionArgument, list: readonly T[], nameOf: (item: T) => string): { list: T[]; note: string } {
  let selected: T[] = [...list];
  // None, or anything pstats would not reduce by (an object without a numeric float): the whole list, no note.
  if (restriction === null || restriction === undefined) return { list: selected, note: "" };
  if (typeof restriction !== "string" && typeof restriction !== "number" && (typeof restriction !== "object" || typeof restriction.float !== "number")) return { list: selected, note: "" };
  let shown: string;
  if (typeof restriction === "string") {
    const pattern = compilePythonRegex(restriction);
    if (!pattern) return { list: selected, note: `   <Invalid regular expression ${reprString(restriction)}>\n` };
    selected = list.filter((item) => pattern.test(nameOf(item)));
    shown = reprString(restriction);
  } else {
    const isFloat = typeof restriction !== "number" || !Number.isInteger(restriction);
    const value = typeof restriction === "number" ? restriction : restriction.float;
    shown = isFloat ? reprFloat(value) : formatInt(value);
    if (isFloat && value >= 0 && value < 1) selected = list.slice(0, Math.trunc(list.length * value + 0.5));
    else if (!isFloat && value >= 0 && value < list.length) selected = list.slice(0, value);
  }
  const note = selected.length !== list.length ? `   List reduced from ${list.length} to ${selected.length} due to restriction <${shown}>\n` : "";
  return { list: selected, note };
}
