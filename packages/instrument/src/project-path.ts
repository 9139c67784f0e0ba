// File paths as the site table shows them: relative to the project root, "/" separators.
import { isAbsolute, relative, resolve, sep } from "node:path";

/** Shown when a transform gets source text without a filename. */
export const UNKNOWN_FILE = "<unknown>";

/** `root`-relative path of `filename` with "/" separators ("../lib/a.js" outside the root). */
export function projectRelativePath(root: string, filename: string | undefined | null): string {
  if (!filename) return UNKNOWN_FILE;
  const absolute = isAbsolute(filename) ? filename : resolve(root, filename);
  const rel = relative(root, absolute);
  return (rel === "" ? absolute : rel).split(sep).join("/");
}
