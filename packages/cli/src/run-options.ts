// What the `tsprof run` parent hands to every process and thread of the program it runs.
//
// Not through the environment: a program may give a child or a worker an environment of its own
// (`fork(file, [], { env: { X: "1" } })`, `new Worker(file, { env })`), and such a child still inherits
// the preload flag with execArgv, so the hooks ran there without their options and the child died of
// it. The options are in a file in the run's temporary directory (RUN_FILE), and the preload flag
// names that directory in its own path: `--require <outputDir>/../../…/hooks/register.js`. Node
// resolves the path lexically (`..` after a directory it never looks at), so it loads register.js
// whatever becomes of the directory, and register.js reads the directory back from process.execArgv,
// which every child (fork's default execArgv) and worker (the parent's options) receives as it is.
// A process started after `tsprof run` has gone (by a detached one that outlived it) finds no file
// there and runs as under plain node, unprofiled: a preload file kept in that directory would have
// been missing, and Node would have refused to start it.
import { readFileSync, writeFileSync, writeSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";

export interface RunHookOptions {
  /** Project root: site-table paths are relative to it. */
  root: string;
  /** Globs of files to instrument (relative to root); empty = everything not excluded. */
  include: string[];
  /** Globs of files never instrumented. node_modules is excluded unless `include` names it. */
  exclude: string[];
  /** Absolute path of the runtime's probe entry that instrumented modules require/import. */
  runtime: string;
  /** Directory where the child leaves its profile files and markers. */
  outputDir: string;
  /** Identity of the code that compiles (compile-cache.ts fingerprintTools), computed once by the parent for every thread. */
  toolFingerprint: string;
}

/** The contents of RUN_FILE. */
export interface RunSettings {
  hooks: RunHookOptions;
  /**
   * The TSPROF_* variables the runtime reads, as `tsprof run` had them (checked before the program
   * started), TSPROF_OUTPUT among them: each process records with these, whatever its environment says.
   */
  runtimeEnvironment: Record<string, string>;
  /**
   * The user's `--require` preloads, taken out of the program's options (node-flags.ts) and required by
   * hooks/register.ts instead: `nodeOptions` from NODE_OPTIONS, `execArgv` from the command line.
   */
  preloads: { nodeOptions: string[]; execArgv: string[] };
  /** NODE_OPTIONS as the user set it (undefined: unset), given back to the program's process.env. */
  userNodeOptions?: string;
  /** The pid of `tsprof run`: the process it started is its child, a process the program forks is not. */
  runnerPid: number;
}

export const RUN_FILE = "run.json";
/**
 * `<pid>.load-error` in the run's directory: the file whose compile failed and ended that process, nothing
 * handling the error (hooks/register.ts). When it is the main script of the program tsprof started, run.ts
 * prints no table, as for a syntax error it finds before the run: the program never ran.
 */
export const LOAD_ERROR_SUFFIX = ".load-error";
/** `<pid>.running` in the run's directory: a process of the run that has not yet written its profile (hooks/register.ts). */
export const RUNNING_SUFFIX = ".running";
/**
 * `<pid>.unprofiled-child` in the run's directory: the arguments (JSON) of a node process that process started
 * without the preload flag (tsx's `node --require … --import … app.ts`), which no profile will come from (hooks/register.ts).
 */
export const UNPROFILED_CHILD_SUFFIX = ".unprofiled-child";

/**
 * `<pid>.paths-hint` in the run's directory: the line run.ts prints after the program when that process died of a
 * module not found whose name is one of its tsconfig's `paths` (hooks/register.ts), which tsc and node leave alone.
 */
export const PATHS_HINT_SUFFIX = ".paths-hint";

/**
 * `tsconfig-<hash>.reported` in the run's directory: a line about a tsconfig problem (tsconfig.ts) has been printed.
 * Every process and thread of the run reads the tsconfig files it needs on its own (`tsprof run` itself, for the
 * main script; the hooks in each process, the ES module hooks thread, workers): the first to claim the marker
 * prints the line, so a broken tsconfig is one line per run, not one per process.
 */
const REPORTED_SUFFIX = ".reported";

function reportedMarker(outputDir: string, line: string): string {
  // node:crypto loaded only when there is a problem to report: every process of the run loads this file.
  const { createHash } = require("node:crypto") as typeof import("node:crypto");
  return join(outputDir, `tsconfig-${createHash("sha1").update(line).digest("hex").slice(0, 16)}${REPORTED_SUFFIX}`);
}

/** Marks `line` as printed (by `tsprof run`, before the program started). */
export function markReported(outputDir: string, line: string): void {
  writeFileSync(reportedMarker(outputDir, line), "");
}

/**
 * Prints `line` on stderr unless a process or thread of the run has printed it: a synchronous write to fd 2, which
 * the module hooks thread can make too (its process.stderr is piped to the main thread's, asynchronously). Nothing
 * once `tsprof run` has gone (its directory with it): a process that outlives it runs as under plain node.
 */
export function printOncePerRun(outputDir: string, line: string): void {
  try {
    writeFileSync(reportedMarker(outputDir, line), "", { flag: "wx" });
  } catch {
    return;
  }
  try {
    writeSync(2, line + "\n");
  } catch {
    // stderr closed
  }
}

/** The file the preload flag names: `register`, reached from `outputDir` (see the header), or `register` itself when no relative path joins them (another drive). */
export function preloadPath(outputDir: string, register: string): string {
  const path = relative(outputDir, register);
  return isAbsolute(path) ? register : outputDir + sep + path;
}

/** The value of the preload flag in `execArgv` that loaded `register` (this file's sibling), if any. */
export function preloadArgument(execArgv: readonly string[], register: string): string | undefined {
  for (let at = 0; at < execArgv.length; at++) {
    const arg = execArgv[at]!;
    const value = /^(--require|-r|--import)=/.test(arg) ? arg.slice(arg.indexOf("=") + 1) : /^(--require|-r|--import)$/.test(arg) ? execArgv[at + 1] : undefined;
    if (value !== undefined && isAbsolute(value) && resolve(value) === register) return value;
  }
  return undefined;
}

/** The run's directory, read from the preload flag (preloadPath), or undefined when the flag names register.js directly. */
export function outputDirFromExecArgv(execArgv: readonly string[], register: string): string | undefined {
  const value = preloadArgument(execArgv, register);
  const up = value === undefined ? -1 : value.indexOf(sep + ".." + sep);
  return up > 0 ? value!.slice(0, up) : undefined;
}

/** The run's settings, or undefined when `tsprof run` has ended and removed the directory. */
export function readRunSettings(outputDir: string): RunSettings | undefined {
  let text: string;
  try {
    text = readFileSync(join(outputDir, RUN_FILE), "utf8");
  } catch {
    return undefined;
  }
  return JSON.parse(text) as RunSettings;
}
