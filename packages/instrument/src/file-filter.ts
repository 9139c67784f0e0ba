// Which files a transform instruments: include/exclude globs over root-relative "/" paths (absolute globs over
// absolute paths), node_modules excluded by default, the runtime's own code never; and which functions of a
// bundle, by the original source its map names for each.
import { existsSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import picomatch = require("picomatch");
import { nearestPackage, type NearestPackage } from "./package-type";

/** Always excluded, unless a file also matches an include glob that names node_modules explicitly. */
export const DEFAULT_EXCLUDE = "**/node_modules/**";

/** The package whose files no transform instruments, whatever the globs say. */
export const RUNTIME_PACKAGE_NAME = "@tsprof/runtime";

export interface FileFilterOptions {
  /** Globs of files to instrument; empty or absent = every file. */
  include?: string[];
  /** Globs of files never instrumented, on top of DEFAULT_EXCLUDE. */
  exclude?: string[];
  /** What relative paths are relative to, for absolute globs (default: the process's cwd). */
  root?: string;
  /**
   * What a relative glob's literal folder part is taken from when it is followed through a link (default: root).
   * `tsprof run` matches a file outside its working directory by its absolute path (root "/") while the globs are
   * written relative to that directory: `node_modules/mylib/**` through an npm link to ../mylib is that folder's.
   */
  globRoot?: string;
}

type PathMatcher = (relativePath: string) => boolean;

const MATCH_OPTIONS = { dot: true };

/**
 * Returns a predicate over root-relative paths with "/" separators (e.g. "src/a.ts", "../lib/b.js").
 *
 * A relative glob is matched against that path. An absolute one (`path.join(__dirname, "src")`, as Babel's
 * `only`/`ignore` and tsconfig's `include` accept) is matched against the file's absolute path, so it works
 * for folders outside the root too; it used to be matched against the relative path, matched nothing, and
 * an absolute include left the build uninstrumented (an absolute exclude excluded nothing) without a word.
 */
export function makeFileFilter(options: FileFilterOptions): PathMatcher {
  const { root, included, excluded, inNodeModules, includedExplicitly } = fileMatchers(options);
  return (relativePath) => {
    const any = onEitherPath(root, relativePath);
    if (!any(included) || any(excluded)) return false;
    return !any(inNodeModules) || any(includedExplicitly);
  };
}

/**
 * Which functions of an instrumented file keep their probe, by the original source an input source map names
 * for each (a bundle's modules, tsc `outFile`): a predicate over the root-relative paths of that source and of
 * the file Babel was given. The source is held to `exclude` and to the node_modules rule (a bundle's vendor
 * code is left alone, as it is unbundled; an include glob naming node_modules that matches the source opts it
 * in, and so does a given file that is itself in node_modules, which an include had to name). Not to
 * `include`: it names the files a build hands over (`dist/**` for a bundle), whose sources are elsewhere.
 */
export function makeOriginalSourceFilter(options: FileFilterOptions): (sourcePath: string, filePath: string) => boolean {
  const { root, excluded, inNodeModules, includedExplicitly } = fileMatchers(options);
  return (sourcePath, filePath) => {
    const any = onEitherPath(root, sourcePath);
    if (any(excluded)) return false;
    // By path segment, not DEFAULT_EXCLUDE: picomatch's "**" matches no "..", and a monorepo's hoisted vendor code
    // is "../../node_modules/x/index.js" from the package that bundles it (an unknown URL is judged the same way).
    return !any(hasNodeModulesSegment) || any(includedExplicitly) || onEitherPath(root, filePath)(inNodeModules);
  };
}

function hasNodeModulesSegment(path: string): boolean {
  return path.split("/").includes("node_modules");
}

/**
 * The path the rules judge a map's source by (OriginalPositionMapper.sourceAt): a file's path as it is; webpack's
 * `webpack://<namespace>/<path>` the path, taken from `root` (the build's context, where webpack writes paths from:
 * `webpack://app/./src/x.js`, `webpack://app/../../node_modules/x/index.js`; `webpack:///abs/x.js` is absolute);
 * any other URL as it is, which the rules judge by its segments (`node_modules`, isRuntimeSource).
 */
export function originalSourcePath(source: string, root: string): string {
  const webpack = /^webpack:\/\/([^/]*)\/(.*)$/.exec(source);
  if (!webpack) return source;
  const [, namespace, path] = webpack;
  if (path.startsWith("/") || (namespace === "" && !path.startsWith("."))) return resolve("/", path);
  return resolve(root, path);
}

/**
 * Whether a map's source (originalSourcePath) is the runtime's code: isRuntimePackageFile for a path; a URL, which
 * names no file to look at, when a segment is an @tsprof/ package folder.
 */
export function isRuntimeSource(source: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:/i.test(source) && !isAbsolute(source)) return /\/@tsprof\//.test(source);
  return isRuntimePackageFile(source);
}

/** The root paths are relative to, and the matchers of both filters over such paths. */
function fileMatchers(options: FileFilterOptions): { root: string } & Record<"included" | "excluded" | "inNodeModules" | "includedExplicitly", PathMatcher> {
  const root = options.root ?? process.cwd();
  const globRoot = options.globRoot ?? root;
  const include = options.include ?? [];
  return {
    root,
    included: include.length > 0 ? globMatcher(include, root, globRoot) : () => true,
    excluded: globMatcher(options.exclude ?? [], root, globRoot),
    inNodeModules: picomatch(DEFAULT_EXCLUDE, MATCH_OPTIONS),
    // `--include "node_modules/lib/**"` opts those files back in; `--include "**"` does not.
    includedExplicitly: globMatcher(include.filter((glob) => glob.includes("node_modules")), root, globRoot),
  };
}

/**
 * A file reached through a symlinked folder has two paths, the one it was named by and its real one; a glob
 * written on either names it (Node's loaders and tsc hand over real paths, the Babel CLI the typed one). Every
 * test takes both, so an exclude or node_modules on either path keeps the file out.
 */
function onEitherPath(root: string, relativePath: string): (matches: PathMatcher) => boolean {
  const path = relativePath.replace(/^\.\//, "");
  const real = realRelativePath(root, path);
  return real === undefined ? (matches) => matches(path) : (matches) => matches(path) || matches(real);
}

/** The real path of root-relative `path`, root-relative ("../…" outside the root), when a symlink makes it differ. */
function realRelativePath(root: string, path: string): string | undefined {
  const absolute = resolve(root, path);
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch {
    return undefined; // no such file (yet): there is no other path to try
  }
  if (real === absolute) return undefined;
  const rel = toSlashes(relative(root, real));
  return rel === "" ? undefined : rel;
}

/**
 * Whether `filename` is code the runtime runs as part of itself: a file of the runtime package (the nearest
 * package.json is @tsprof/runtime's), or of a package the runtime depends on, in the very copy that runtime
 * loads (@tsprof/format, which writes the profile). A project-wide babel.config.js reaches a linked runtime
 * (npm link, workspaces, `npm install <dir>`) through its real path, outside node_modules, and its
 * dependencies the same way: instrumented, the probe entry called itself while loading and crashed
 * ("….module is not a function"), and the profile writer would record into the profile it writes. Another
 * copy of such a package (tsprof's own self-hosting tests profile copies of @tsprof/format) is instrumented
 * as usual. Relative names are taken from the process's cwd.
 */
export function isRuntimePackageFile(filename: string): boolean {
  const owner = nearestPackage(dirname(resolve(filename)));
  if (!owner) return false;
  let answer = runtimeOwned.get(owner.dir);
  if (answer === undefined) runtimeOwned.set(owner.dir, (answer = isRuntimeOwned(owner)));
  return answer;
}

const runtimeOwned = new Map<string, boolean>();

function isRuntimeOwned(owner: NearestPackage): boolean {
  const name = owner.manifest.name;
  if (typeof name !== "string") return false;
  if (name === RUNTIME_PACKAGE_NAME) return true;
  const runtimeDir = installedPackageDir(RUNTIME_PACKAGE_NAME, owner.dir);
  const runtime = runtimeDir === undefined ? undefined : nearestPackage(runtimeDir);
  if (!runtime) return false;
  const dependsOn = ["dependencies", "peerDependencies", "optionalDependencies"].some((field) => {
    const list = runtime.manifest[field];
    return list !== null && typeof list === "object" && Object.prototype.hasOwnProperty.call(list, name);
  });
  return dependsOn && installedPackageDir(name, runtime.dir) === realPath(owner.dir);
}

/** The real folder of package `name` as Node's node_modules lookup finds it from `from`, or undefined. */
function installedPackageDir(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return realPath(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * Whether any of `globs` matches; absolute globs are tried on the absolute path (root + relative path). Globs
 * through a link are followed from `globRoot` (FileFilterOptions).
 */
function globMatcher(globs: string[], root: string, globRoot: string): PathMatcher {
  const relative = globs.filter((glob) => !isAbsolute(glob));
  const absolute = globs.filter((glob) => isAbsolute(glob)).map(toSlashes);
  const matchers: PathMatcher[] = [];
  if (relative.length > 0) matchers.push(picomatch(asPathGlobs(relative), MATCH_OPTIONS));
  if (absolute.length > 0) {
    const matchAbsolute = absoluteMatcher(absolute);
    matchers.push((path) => matchAbsolute(toSlashes(resolve(root, path))));
  }
  const throughLink = linkedGlobsMatcher(globs, root, globRoot);
  if (throughLink) matchers.push(throughLink);
  return (path) => matchers.some((matches) => matches(path));
}

/**
 * Globs written through a symlinked folder (`--include 'projlink/**'` where projlink -> proj), matched on the
 * real side of the link as well: the literal folder part of the glob (picomatch's scan base: "projlink" of
 * "projlink/**", the whole of a plain path) is resolved to its real path, and the rest of the glob is matched
 * below it. Node resolves the symlinks of every module it loads, so the hooks see proj/src/main.ts; the glob
 * used to match nothing there, and `tsprof run` printed an empty table (an exclude excluded nothing) without a
 * word. A link further down than the literal part ("*link/**") is not followed: only a real folder name can be.
 * Wherever the link points: the real folder may be outside the root (an npm link, a symlinked node_modules), where
 * the file's path is "../…" and only its absolute path says it is below the glob's folder. The folder part is
 * resolved from `globRoot`, the file's path from `root` (they differ in tsprof run: FileFilterOptions.globRoot).
 * Undefined when no glob goes through a link.
 */
function linkedGlobsMatcher(globs: string[], root: string, globRoot: string): PathMatcher | undefined {
  const linked: Array<{ realBase: string; matchRest: PathMatcher | undefined }> = [];
  for (const glob of globs) {
    const { base, rest } = splitGlobBase(glob);
    // A base with escapes ("x\\[1\\]/**") is not a path as written; such globs keep matching as before.
    if (base === "" || base.includes("\\")) continue;
    const absoluteBase = toSlashes(resolve(globRoot, base));
    const realBase = realPathOfPrefix(absoluteBase);
    if (realBase === undefined || realBase === absoluteBase) continue;
    linked.push({ realBase, matchRest: rest === "" ? undefined : picomatch(rest, MATCH_OPTIONS) });
  }
  if (linked.length === 0) return undefined;
  return (path) => {
    const absolute = toSlashes(resolve(root, path));
    return linked.some(({ realBase, matchRest }) => {
      // A plain path names that file or folder and everything below it (asPathGlobs, absoluteMatcher).
      if (absolute === realBase) return matchRest === undefined;
      if (!absolute.startsWith(realBase === "/" ? "/" : `${realBase}/`)) return false;
      return matchRest === undefined || matchRest(absolute.slice(realBase === "/" ? 1 : realBase.length + 1));
    });
  };
}

/** A glob's literal folder part and the glob below it ("" for a plain path, which names a file or folder). */
function splitGlobBase(glob: string): { base: string; rest: string } {
  const plain = isAbsolute(glob) ? toSlashes(glob) : glob.replace(/^(?:\.\/)+/, "");
  // As absoluteMatcher: an absolute glob that names an existing path is that path, whatever characters it holds.
  if (!picomatch.scan(plain).isGlob || (isAbsolute(plain) && existsSync(plain))) return { base: plain.replace(/\/+$/, ""), rest: "" };
  const { base, glob: rest } = picomatch.scan(plain);
  return { base, rest };
}

/** The real path of `path` ("/" separators), of its nearest existing ancestor when it does not exist yet. */
function realPathOfPrefix(path: string): string | undefined {
  let existing = path;
  while (!existsSync(existing)) {
    if (dirname(existing) === existing) return undefined;
    existing = dirname(existing);
  }
  let real: string;
  try {
    real = toSlashes(realpathSync(existing));
  } catch {
    return undefined;
  }
  const below = path.slice(existing.length);
  return below === "" ? real : `${real.replace(/\/+$/, "")}/${below.replace(/^\/+/, "")}`;
}

/**
 * Absolute globs. One that names an existing file or folder is taken literally, with everything below it:
 * a real path may hold characters picomatch reads as glob syntax ("proj (copy)", "x[1]"), and
 * `path.join(__dirname, …)` must still name that folder.
 */
function absoluteMatcher(globs: string[]): PathMatcher {
  const literal = globs.filter((glob) => !picomatch.scan(glob).isGlob || existsSync(glob)).map((glob) => glob.replace(/\/+$/, ""));
  const patterns = globs.filter((glob) => picomatch.scan(glob).isGlob && !existsSync(glob));
  const matchPattern = patterns.length > 0 ? picomatch(patterns, MATCH_OPTIONS) : () => false;
  return (path) => matchPattern(path) || literal.some((base) => base === "" || path === base || path.startsWith(`${base}/`));
}

/** Absolute paths and globs with "/" separators (on Windows, `path.join` gives "\", which picomatch reads as an escape). */
function toSlashes(path: string): string {
  return sep === "\\" ? path.split(sep).join("/") : path;
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
