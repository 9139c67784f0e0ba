// pstats' function-key helpers: func_std_string, func_strip_path, and key order as Python compares the tuples.
import type { PstatsKey } from "@tsprof/format";
import { comparePyStrings } from "./python-text";

/**
 * How pstats prints a function: `file:line(name)`; builtins, keyed ("~", 0, name), print as the
 * bare name, with `<built-in method x>` shown as `{built-in method x}`.
 */
export function funcStdString(key: PstatsKey): string {
  if (key.file === "~" && key.line === 0) {
    const name = key.name;
    return name.startsWith("<") && name.endsWith(">") ? `{${name.slice(1, -1)}}` : name;
  }
  return `${key.file}:${formatInt(key.line)}(${key.name})`;
}

/** Python's "%d": integral part, no exponent. */
export function formatInt(value: number): string {
  const whole = Math.trunc(value);
  return Number.isSafeInteger(whole) ? String(whole) : BigInt(whole).toString();
}

/** pstats' func_strip_path: os.path.basename (POSIX: the text after the last "/"). */
export function stripPath(key: PstatsKey): PstatsKey {
  return { ...key, file: key.file.slice(key.file.lastIndexOf("/") + 1) };
}

/** Python's ordering of (file, line, name) tuples, used by sorted(call_dict.keys()). */
export function compareKeys(a: PstatsKey, b: PstatsKey): number {
  return comparePyStrings(a.file, b.file) || (a.line < b.line ? -1 : a.line > b.line ? 1 : 0) || comparePyStrings(a.name, b.name);
}
