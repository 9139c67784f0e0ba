// Which files a transform instruments: include/exclude globs over root-relative "/" paths, node_modules excluded by default.
import picomatch = require("picomatch");

/** Always excluded, unless a file also matches an include glob that names node_modules explicitly. */
export const DEFAULT_EXCLUDE = "**/node_modules/**";

export interface FileFilterOptions {
  /** Globs of files to instrument; empty or absent = every file. */
  include?: string[];
  /** Globs of files never instrumented, on top of DEFAULT_EXCLUDE. */
  exclude?: string[];
}

/** Returns a predicate over root-relative paths with "/" separators (e.g. "src/a.ts"). */
export function makeFileFilter(options: FileFilterOptions): (relativePath: string) => boolean {
  const include = asPathGlobs(options.include ?? []);
  const exclude = asPathGlobs(options.exclude ?? []);
  const matchOptions = { dot: true };
  const included = include.length > 0 ? picomatch(include, matchOptions) : () => true;
  const excluded = exclude.length > 0 ? picomatch(exclude, matchOptions) : () => false;
  const inNodeModules = picomatch(DEFAULT_EXCLUDE, matchOptions);
  // `--include "node_modules/lib/**"` opts those files back in; `--include "**"` does not.
  const namesNodeModules = include.filter((glob) => glob.includes("node_modules"));
  const includedExplicitly = namesNodeModules.length > 0 ? picomatch(namesNodeModules, matchOptions) : () => false;
  return (relativePath) => {
    const path = relativePath.replace(/^\.\//, "");
    if (!included(path) || excluded(path)) return false;
    return !inNodeModules(path) || includedExplicitly(path);
  };
}

/**
 * A leading "./" is dropped (paths are matched without one), and a glob without any glob syntax names a file
 * or a directory, as tsconfig's `include` does: `"src"` and `"src/"` also match everything below src (they
 * matched nothing but a file named src, and the build came out uninstrumented without a word).
 */
function asPathGlobs(globs: string[]): string[] {
  return globs.flatMap((glob) => {
    const plain = glob.replace(/^(?:\.\/)+/, "");
    if (picomatch.scan(plain).isGlob) return [plain];
    const base = plain.replace(/\/+$/, "");
    return base === "" || base === "." ? ["**"] : [base, `${base}/**`];
  });
}
