// `tsprof stats FILE...`: load, merge, sort, restrict and print profiles; user mistakes are one line and exit 2.
import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { holdStreamInputs, holdsNoTimes, holdsPstats, isCpuProfilePath, NO_TIMES_FOR_CPUPROFILE, profileFileFormat, mergeProfiles, ProfileError, readFileHead, readProfileFile, writeProfileFile, type Profile } from "@tsprof/format";
import { parseStatsArgs, UsageError } from "./command-args";
import { statsToJson } from "./json-report";
import { SortKeyError, sortKeyNames } from "./sort-keys";
import { Stats, type Writable } from "./stats";

export interface CommandIo {
  stdout: Writable;
  stderr: Writable;
}

/** The default sort of `tsprof stats` (the same as `tsprof run`'s table). */
export const DEFAULT_STATS_SORT = "cumulative";

export const STATS_USAGE = `usage: tsprof stats FILE... [-s KEY...] [--limit N|FRACTION|REGEX ...] [--callers] [--callees]
                    [--call-sort KEY] [--call-limit N] [--strip] [--reverse] [--json] [--dump OUT]

Prints saved profiles (.tsprof.json, or Python .prof/.pstats files) as Python's pstats does.
Several files are added together (pstats' Stats(FILE, ...)).

  -s, --sort KEY...   sort keys, most significant first (default: ${DEFAULT_STATS_SORT}); unique prefixes work:
                      ${sortKeyNames().join(", ")}
                      (or one legacy number: -1 stdname, 0 calls, 1 time, 2 cumulative)
  -l, --limit X       an integer keeps the first X rows, a decimal in [0, 1) that fraction,
                      anything else is a regular expression matched against file:line(function);
                      repeat to apply several in order
  --callers           print who called each listed function instead of the table
  --callees           print what each listed function called instead of the table
  --call-sort KEY     order the entries inside each callers/callees list by KEY, any key of -s
                      (calls, time, cumulative, ...) applied to the call's own numbers (default: by name)
  --call-limit N      show at most N entries per callers/callees list
  --strip             strip directories from file names (pstats' strip_dirs)
  --reverse           reverse the sort order
  --json              print the listed rows as JSON (fields: see the @tsprof/stats README)
  --dump OUT, -o OUT  also write the (merged) rows, format by extension: .tsprof.json (or .json),
                      .cpuprofile (Chrome DevTools), any other name a Python pstats file (.prof,
                      .pstats, restats, as cProfile's dump_stats writes); from .tsprof.json files
                      the call tree, async wall times, meta and duration are kept (several are
                      merged); from pstats files or with --strip, only the rows
  -i, --interactive   browse the files with the commands of python -m pstats instead (also: tsprof browse)
`;

/** Runs `tsprof stats` with `argv` (the words after "stats"); returns the exit status. */
export function runStatsCommand(argv: readonly string[], io: CommandIo): number {
  return reportErrors("stats", io, () => {
    const args = parseStatsArgs(argv);
    if (args.help) {
      io.stdout.write(STATS_USAGE);
      return 0;
    }
    if (args.files.length === 0) throw new UsageError("no profile given (usage: tsprof stats FILE... ; try --help)");
    if ((args.callSort.length > 0 || args.callLimit !== undefined) && !args.callers && !args.callees) {
      // Silently ignored before: a table with no call lists to order or cut.
      throw new UsageError(`${args.callSort.length > 0 ? "--call-sort" : "--call-limit"} orders the lists of --callers and --callees: give one of them`);
    }
    const sort = args.sort.length > 0 ? args.sort : [DEFAULT_STATS_SORT];
    // --dump reads its inputs again: a pipe or FIFO among them is read once, here.
    holdStreamInputs(args.files);
    const stats = new Stats(args.files, io.stdout);
    if (args.strip) stats.stripDirs();
    stats.sortStats(...sort);
    if (args.reverse) stats.reverseOrder();
    if (args.callSort.length > 0 || args.callLimit !== undefined) stats.sortCallLists(args.callSort, args.callLimit);
    if (args.dump) dumpTo(stats, args.dump, args.files, args.strip);
    // As `tsprof run` says it (format README): the counts below are short by that many.
    const dropped = droppedCallsLine(stats.droppedCalls, "the depth cap");
    if (dropped !== undefined) io.stderr.write(`tsprof stats: ${dropped}\n`);
    if (args.json) io.stdout.write(statsToJson(stats, args.restrictions, { callers: args.callers, callees: args.callees, files: args.files }));
    else if (args.callers || args.callees) {
      if (args.callers) stats.printCallers(...args.restrictions);
      if (args.callees) stats.printCallees(...args.restrictions);
    } else stats.printStats(...args.restrictions);
    return 0;
  });
}

/**
 * `--dump OUT`. A .tsprof.json or .cpuprofile made from tsprof profiles only (and no --strip, which
 * renames functions) is the profiles themselves, read whole and added up with the format's
 * mergeProfiles(): one file comes out as it went in (call tree, asyncWallTime, meta, duration), a
 * merge keeps what merges (trees by path, durations summed, meta fields that agree). Anything else
 * is the rows of the Stats (pstats' dump_stats()), which hold no call tree, no column or kind and no
 * meta beyond the clocks the sources came from; such a dump onto one of its own tsprof inputs would
 * replace it with less than it holds, so it is refused.
 */
function dumpTo(stats: Stats, path: string, files: readonly string[], strip: boolean): void {
  const toTsprof = profileFileFormat(path) !== "pstats";
  const whole = toTsprof && !strip ? wholeProfiles(files) : undefined;
  if (whole === undefined) {
    const target = realPath(path);
    const overwritten = files.find((file) => realPath(file) === target && isTsprofProfile(file));
    if (overwritten !== undefined) {
      throw new UsageError(`--dump ${path} would overwrite the input ${overwritten} with less than it holds (${toTsprof ? "--strip drops its call tree" : "a pstats file keeps no call tree, column or meta"}): dump to another file`);
    }
  }
  const merged = whole?.reduce((sum, next) => mergeProfiles(sum, next));
  if (isCpuProfilePath(path) && holdsNoTimes(merged ?? stats.toProfile())) {
    throw new UsageError(`--dump ${path}: ${NO_TIMES_FOR_CPUPROFILE}: dump to .tsprof.json, .prof or .pstats for the counts`);
  }
  try {
    if (merged !== undefined) writeProfileFile(path, merged);
    else stats.dumpStats(path);
  } catch (error) {
    throw new UsageError(`cannot write ${path}: ${writeFailureReason(error)}`);
  }
}

/** Every file read whole as a tsprof profile, or undefined if one of them is a pstats file. */
function wholeProfiles(files: readonly string[]): Profile[] | undefined {
  if (!files.every(isTsprofProfile)) return undefined;
  return files.map((file) => readProfileFile(file, { callTree: true }));
}

/** A tsprof profile rather than a pstats file: by content, as Stats reads them. */
function isTsprofProfile(file: string): boolean {
  return !holdsPstats(file, readFileHead(file, 64).bytes);
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * The words saying that `dropped` calls were not recorded at all (meta.droppedCalls: made past
 * `cap`, the depth cap, or with every live async/generator frame taken), or undefined when none
 * were: the table's counts are short by that many and nothing else would tell (fib(10) under
 * TSPROF_MAX_DEPTH=3 showed 7 calls of 177). `tsprof run` and `tsprof stats` print it on stderr.
 */
export function droppedCallsLine(dropped: number | undefined, cap: string): string | undefined {
  if (dropped === undefined || !(dropped > 0)) return undefined;
  const calls = dropped === 1 ? "1 call was" : `${dropped} calls were`;
  return `${calls} not recorded (made past ${cap}, or with every live async/generator frame taken): they are in no count, their time is their callers' (meta.droppedCalls)`;
}

/** Why a profile could not be written, in the words of `cannot write PATH: REASON` (also `tsprof run -o`'s check). */
export function writeFailureReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT" || code === "ENOTDIR") return "no such directory";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EROFS") return "read-only file system";
  if (code === "EISDIR") return "is a directory";
  // A socket (`/dev/stdout` where stdout is one): open() cannot open it; Python says the same.
  if (code === "ENXIO") return "no such device or address";
  return code ?? String(error);
}

/** Runs `body`, turning user mistakes (bad arguments, bad files, bad sort keys) into one stderr line and exit 2. */
export function reportErrors(command: string, io: CommandIo, body: () => number): number {
  try {
    return body();
  } catch (error) {
    if (error instanceof UsageError || error instanceof ProfileError || error instanceof SortKeyError) {
      io.stderr.write(`tsprof ${command}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
