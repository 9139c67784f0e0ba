// A disk cache of compiled files for `tsprof run`, keyed by everything that decides the output:
// the source and the source map it links, its path and module format, whether it is instrumented, the run options that change
// the output (not the glob list: cacheKey), and the versions of tsprof and Babel.
// A warm run never loads Babel. TSPROF_CACHE=0 turns it off; TSPROF_CACHE_DIR moves it.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { tmpdir, userInfo } from "node:os";
import type { ModuleFormat, Remember } from "./module-format";
import type { RunHookOptions } from "./run-options";

/** Babel packages are identified by version; tsprof's own transform code by content, so a rebuilt plugin never meets stale output. */
const BABEL_PACKAGES = [
  "@babel/core",
  "@babel/preset-typescript",
  "@babel/plugin-transform-modules-commonjs",
  "@babel/plugin-proposal-decorators",
  "@babel/plugin-transform-explicit-resource-management",
  "@babel/plugin-transform-react-jsx",
  "@babel/plugin-transform-react-jsx-development",
];
const TRANSFORM_PACKAGES = ["@tsprof/babel-plugin", "@tsprof/instrument", "tsprof"];

/** Hashes Babel's versions and the content of tsprof's compiled transform code (tens of files: done once per run, by the parent). */
export function fingerprintTools(): string {
  const hash = createHash("sha256");
  for (const name of BABEL_PACKAGES) hash.update(`${name}@${(require(`${name}/package.json`) as { version: string }).version}\0`);
  for (const name of TRANSFORM_PACKAGES) {
    const dist = join(dirname(require.resolve(`${name}/package.json`)), "dist");
    for (const file of listJs(dist)) hash.update(file).update(readFileSync(file));
  }
  return hash.digest("hex");
}

function listJs(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listJs(path));
    else if (entry.name.endsWith(".js") && !entry.name.endsWith(".test.js")) out.push(path);
  }
  return out;
}

/** Where cached files go: node_modules/.cache/tsprof under the root when node_modules exists (as babel-loader does), else the temp dir. */
export function cacheDirectory(root: string): string | undefined {
  if (process.env.TSPROF_CACHE === "0") return undefined;
  if (process.env.TSPROF_CACHE_DIR) return process.env.TSPROF_CACHE_DIR;
  const nodeModules = join(root, "node_modules");
  try {
    if (existsSync(nodeModules)) return join(nodeModules, ".cache", "tsprof");
  } catch {
    // Node's permission model refuses even the look (--allow-fs-read of the sources only): no cache, as TSPROF_CACHE=0
    return undefined;
  }
  let user = "user";
  try {
    user = String(userInfo().uid);
  } catch {
    // no user database entry: share the default name
  }
  return join(tmpdir(), `tsprof-cache-${user}`);
}

/**
 * `linkedMap`: the text of the source map file the source links (linked-source-map.ts), if any.
 * `tsconfig`: what the file's tsconfig decides (decorator style, class fields, kept imports: transform.ts), which changes a TypeScript file's output.
 * `instrument`: whether the --include/--exclude globs took the file in, which is all they decide about its output (the
 * Babel plugin is told that, not the globs: transform.ts compileSource). The glob list itself is no part of the key:
 * adding a glob, or only reordering them, recompiled every file of the program (16 s in place of 1.5 s for a server).
 */
export function cacheKey(source: string, filename: string, format: ModuleFormat, options: RunHookOptions, instrument: boolean, tsconfig?: string, linkedMap?: string): string {
  // `decisive` includes options.toolFingerprint (output from other tsprof or Babel code never matches), the root
  // (the site table's paths) and the runtime's path (the probe entry the output requires).
  const { outputDir: _outputDir, include: _include, exclude: _exclude, ...decisive } = options;
  return createHash("sha256")
    .update(JSON.stringify({ filename, format, instrument, decisive, tsconfig }))
    .update("\0" + source)
    // The map a linked `sourceMappingURL` names decides which functions of a bundle get probes (linked-source-map.ts).
    .update(linkedMap === undefined ? "\0" : `\0map\0${linkedMap}`)
    .digest("hex");
}

/**
 * The module format of a file with no "type" to go by (module-format.ts) depends on a parse of its source:
 * remembered in the same cache, keyed by the source, whether it is TypeScript, and the tools' fingerprint.
 */
export function rememberFormat(options: RunHookOptions): Remember {
  const directory = cacheDirectory(options.root);
  return (language, source, compute) => {
    const key = createHash("sha256").update(`format\0${language}\0${options.toolFingerprint}\0`).update(source).digest("hex");
    const answer = cached(directory, key, compute);
    return answer === "module" ? "module" : "commonjs";
  };
}

function entryPath(directory: string, key: string): string {
  return join(directory, key.slice(0, 2), key + ".js");
}

/** True when `key` has a cached output (so the source compiled before). */
export function isCached(directory: string | undefined, key: string): boolean {
  return directory !== undefined && existsSync(entryPath(directory, key));
}

/** Returns the cached output for `key`, or computes, stores and returns it. Cache failures never fail the run. */
export function cached(directory: string | undefined, key: string, compute: () => string): string {
  if (directory === undefined) return compute();
  const path = entryPath(directory, key);
  try {
    return readFileSync(path, "utf8");
  } catch {
    // a miss: compile below
  }
  const output = compute();
  try {
    mkdirSync(join(directory, key.slice(0, 2)), { recursive: true });
    const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(temporary, output);
    renameSync(temporary, path);
  } catch {
    // read-only or full disk: run uncached
  }
  return output;
}
