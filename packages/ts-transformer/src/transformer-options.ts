// Options of the transformer: tsprof's own (validated by @tsprof/instrument) once ts-patch's entry keys are set aside.
import { realpathSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import type * as ts from "typescript";
import { normalizeOptions, type InstrumentOptions, type NormalizedOptions } from "@tsprof/instrument";

/** Options as a user writes them: tsprof's options, or a whole ts-patch `plugins` entry. */
export type TsprofTransformerOptions = InstrumentOptions & Record<string, unknown>;

/** Keys ts-patch (and TypeScript's language-service plugins) put in a `compilerOptions.plugins` entry: not ours to validate. */
const PLUGIN_ENTRY_KEYS = ["transform", "type", "import", "isEsm", "after", "afterDeclarations", "transformProgram", "resolvePathAliases", "tsConfig", "name"];

/** The entry without ts-patch's keys. */
export function tsprofOptionsOf(raw: unknown): unknown {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return raw;
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (!PLUGIN_ENTRY_KEYS.includes(key)) own[key] = value;
  return own;
}

/**
 * The directory relative paths are resolved from (and the default root): the tsconfig's directory
 * when the compilation came from one, else the program's current directory, else the process's.
 */
export function baseDirectory(compilerOptions: ts.CompilerOptions | undefined, program: ts.Program | undefined): string {
  const configFile = compilerOptions?.configFilePath;
  if (typeof configFile === "string" && configFile !== "") return dirname(configFile);
  return program ? program.getCurrentDirectory() : process.cwd();
}

/**
 * The directory of a `tsc -b` (`tsc --build`, `tspc -b`) build this program is one project of, or
 * undefined when it is not one: the default root of its site-table paths then.
 *
 * Each project of a build is compiled as a program of its own, whose tsconfig directory (the default
 * root of a single project) is its own: every project's `src/index.ts` was "src/index.ts", so two
 * projects' `add` at line 1 were one row of the profile, and a .cpuprofile gave one project's functions
 * the other's url. Paths relative to the build's directory (the folder of the tsconfig `tsc -b` was
 * given; of several, their common ancestor) stay apart, the way `tsc -b` names the projects itself.
 * A program from a tsconfig is taken as a project of a build when TypeScript's command line, as tsc
 * itself reads it (`ts.sys.args`, ts.isBuildCommand, ts.parseBuildCommand), is a build: so it is under
 * every ts-patch entry type, those handed no program (whose references are unknown) included. A lone
 * project built with `tsc -b` is in the build's folder, where nothing changes. A build run through the
 * API (ts.createSolutionBuilder) has no such command line: there the `root` option says it.
 */
export function buildDirectory(tsApi: typeof ts, compilerOptions: ts.CompilerOptions | undefined): string | undefined {
  if (compilerOptions === undefined || typeof compilerOptions.configFilePath !== "string") return undefined;
  const system = tsApi.sys as ts.System | undefined;
  const args = system?.args;
  if (!system || !Array.isArray(args) || typeof tsApi.isBuildCommand !== "function" || !tsApi.isBuildCommand(args)) return undefined;
  const cwd = system.getCurrentDirectory();
  // A project named on the command line is a tsconfig file or the folder holding one (tsc's resolveProjectName).
  const folders = tsApi.parseBuildCommand(args).projects.map((project) => {
    const path = resolve(cwd, project);
    return system.directoryExists(path) ? path : dirname(path);
  });
  return folders.length === 0 ? undefined : folders.reduce(commonAncestor);
}

/** The deepest folder holding both `a` and `b` (absolute paths). */
function commonAncestor(a: string, b: string): string {
  const aParts = a.split(sep);
  const bParts = b.split(sep);
  let count = 0;
  while (count < aParts.length && count < bParts.length && aParts[count] === bParts[count]) count++;
  return aParts.slice(0, count).join(sep) || sep;
}

/** Validates (throws OptionsError, one line naming the option) and fills defaults. */
export function normalizeTransformerOptions(raw: unknown, base: string): NormalizedOptions {
  return normalizeOptions(tsprofOptionsOf(raw), base);
}

/** This package's folder, through symlinks (an npm link, a workspace): what a plugins entry's `transform` must resolve into to be tsprof's. */
function ownPackageDirectory(): string | undefined {
  try {
    return realpathSync(join(__dirname, ".."));
  } catch {
    return undefined;
  }
}

/** Whether a `compilerOptions.plugins` entry is tsprof's: its `transform` names this package, or resolves (from `base`, as ts-patch resolves it) into its folder. */
function isOwnEntry(entry: unknown, base: string): entry is Record<string, unknown> {
  if (entry === null || typeof entry !== "object") return false;
  const transform = (entry as Record<string, unknown>).transform;
  if (typeof transform !== "string") return false;
  if (transform === "@tsprof/ts-transformer" || transform.startsWith("@tsprof/ts-transformer/")) return true;
  const own = ownPackageDirectory();
  if (own === undefined) return false;
  try {
    return realpathSync(require.resolve(transform, { paths: [base] })).startsWith(own + sep);
  } catch {
    return false;
  }
}

/**
 * Why tsprof's ts-patch entry (in `compilerOptions.plugins`) puts the transformer where it cannot work,
 * or undefined. ts-patch takes its own keys out of the config it hands over, so they are read here from
 * the tsconfig's entry. `"after": true` runs it after TypeScript's own transforms, on a tree whose nodes
 * no longer match the source (it failed on some files with an internal error and instrumented the
 * others: a build half done); `"afterDeclarations": true` on the declaration files' tree only, where
 * it has nothing to do (the JavaScript went out without probes, and nothing said so).
 */
export function misplacedEntryMessage(compilerOptions: ts.CompilerOptions | undefined, base: string): string | undefined {
  const plugins = compilerOptions?.plugins as unknown;
  if (!Array.isArray(plugins)) return undefined;
  for (const entry of plugins) {
    if (!isOwnEntry(entry, base) || entry.transformProgram === true) continue;
    for (const key of ["after", "afterDeclarations"]) {
      if (entry[key] !== undefined && entry[key] !== false) {
        return `tsprof: the transformer must run as a "before" transformer, on the source as written: remove ${JSON.stringify(key)}: ${JSON.stringify(entry[key])} from its "plugins" entry`;
      }
    }
  }
  return undefined;
}
