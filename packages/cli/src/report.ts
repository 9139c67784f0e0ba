// The CLI's use of @tsprof/stats and @tsprof/format: validate sort keys and outputs, merge, print, save.
import { resolve } from "node:path";
import type { Readable } from "node:stream";
import { checkProfileWritable, isCpuProfilePath, mergeProfiles, profileFileFormat, readProfileFile, writeProfileFile, type Profile } from "@tsprof/format";
import { droppedCallsLine, interactiveFlagAt, printTable, resolveSortKeys, runBrowseCommand, runDiffCommand, runStatsCommand, SortKeyError, writeFailureReason } from "@tsprof/stats";
import { UsageError } from "./errors";
import type { Io } from "./run";

/** Fails before the program runs when `-s KEY` is not a pstats sort key (one line listing the valid keys). */
export function checkSortKey(sort: string): void {
  try {
    resolveSortKeys([sort]);
  } catch (error) {
    if (error instanceof SortKeyError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * Fails before the program runs when `-o OUT` names a place tsprof cannot write to, or a
 * .cpuprofile in count mode: finding out after the program ran would lose the whole run. Every
 * name has a format (profileFileFormat(): any name but .json and .cpuprofile is a pstats file, as
 * `python -m cProfile -o` writes). The format package's checkProfileWritable() tries what its
 * writeProfileFile() will do at the end (a temp file beside the link's target; a device, FIFO, or a
 * file in a read-only directory written in place), without writing anything.
 */
export function checkOutputPath(path: string, env: NodeJS.ProcessEnv): void {
  // A .cpuprofile is samples of time and nothing else: counted calls would make a file of zeros
  // (DevTools shows NaN and an empty panel).
  if (env.TSPROF_MODE === "count" && isCpuProfilePath(path)) {
    throw new UsageError(`TSPROF_MODE=count records no times, and a .cpuprofile holds nothing else: use -o with .tsprof.json, .prof or .pstats for the counts`);
  }
  try {
    checkProfileWritable(resolve(path));
  } catch (error) {
    throw new UsageError(`cannot write ${path}: ${writeFailureReason(error)}`);
  }
}

/**
 * Reads the profiles one run left (one per process or worker thread) and adds them up, as pstats'
 * add() does. Without `callTree` only what comes before each file's call tree is read: the table
 * never needs the tree, which is most of a big profile (100 MB at a million nodes).
 */
export function loadProfiles(paths: string[], callTree = true): Profile {
  return paths.map((path) => readProfileFile(path, { callTree })).reduce((sum, next) => mergeProfiles(sum, next));
}

/** Whether saving to `path` needs the call tree: a .tsprof.json or .cpuprofile does, a pstats file does not. */
export function outputNeedsCallTree(path: string): boolean {
  return profileFileFormat(path) !== "pstats";
}

/**
 * The line saying that calls were not recorded at all (meta.droppedCalls, the stats package's
 * droppedCallsLine(), which `tsprof stats` prints too), or undefined when none were. The calls
 * past the node cap need no line: their numbers stay exact.
 */
export function droppedCallsNote(profile: Profile, env: NodeJS.ProcessEnv): string | undefined {
  const cap = env.TSPROF_MAX_DEPTH !== undefined && env.TSPROF_MAX_DEPTH !== "" ? `TSPROF_MAX_DEPTH=${env.TSPROF_MAX_DEPTH}` : "the depth cap";
  const line = droppedCallsLine(profile.meta.droppedCalls, cap);
  return line === undefined ? undefined : `tsprof: ${line}`;
}

export function printRunTable(profile: Profile, sort: string, stream: Io["stdout"]): void {
  printTable(profile, stream, { sort });
}

export function saveProfile(path: string, profile: Profile): void {
  writeProfileFile(path, profile);
}

/** `tsprof stats FILE...`; with -i/--interactive, the browser of `python -m pstats` on those files. */
export async function statsCommand(argv: string[], io: Io): Promise<number> {
  const at = interactiveFlagAt(argv);
  if (at >= 0) return browseCommand([...argv.slice(0, at), ...argv.slice(at + 1)], io);
  return runStatsCommand(argv, io);
}

export function browseCommand(argv: string[], io: Io): Promise<number> {
  return runBrowseCommand(argv, { stdin: io.stdin as Readable, stdout: io.stdout, stderr: io.stderr });
}

export function diffCommand(argv: string[], io: Io): number {
  return runDiffCommand(argv, io);
}
