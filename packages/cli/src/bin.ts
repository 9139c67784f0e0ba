// The `tsprof` command line: dispatches to run, stats, diff and browse; turns user mistakes into one line and exit 2.
import { getSystemErrorMap } from "node:util";
import { UsageError } from "./errors";
import { runCommand, type Io } from "./run";
import { browseCommand, diffCommand, statsCommand } from "./report";

const USAGE = `usage: tsprof <command> [options]

commands:
  run [-o OUT] [-s SORT] [--include GLOB] [--exclude GLOB] [--node-option OPT] SCRIPT [ARGS...]
                         run a script (.js .mjs .cjs .ts .mts .cts .tsx) instrumented; print its profile
  run [-o OUT] [-s SORT] -m BIN [ARGS...]
                         the same for a program in node_modules/.bin
  stats FILE... [-s KEY...] [--limit N|FRACTION|REGEX ...] [--callers] [--callees] [--strip] [--reverse]
        [--call-sort KEY] [--call-limit N] [--json] [--dump OUT]
                         print a saved profile (.tsprof.json, or a Python .prof/.pstats file)
  stats -i FILE...       browse profiles interactively (the commands of python -m pstats); also: browse FILE...
  diff BASE NEW [-s KEY...] [--limit ...] [--strip] [--json] [--fail-on calls>+10% ...]
                         what changed between two profiles, function by function

-o writes the profile instead of printing it: .tsprof.json (tsprof), .cpuprofile (Chrome DevTools,
   speedscope), any other name (.prof, .pstats) a Python pstats file, as python -m cProfile -o writes.
Programs built with the Babel plugin or the tsc transformer write a profile when run with plain node:
set TSPROF_OUTPUT=path (%p = process id).

tsprof help COMMAND (or tsprof COMMAND --help) for a command's options; tsprof --version (-V).
`;

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "run":
        return await runCommand(rest, io);
      case "stats":
        return await statsCommand(rest, io);
      case "diff":
        return diffCommand(rest, io);
      case "browse":
        return await browseCommand(rest, io);
      case "help":
        // `tsprof help run`: that command's help, as `tsprof run --help` prints it. A name that is no
        // command is refused as `tsprof bogus` is (the general usage and exit 0 said it was fine).
        if (rest.length === 0) {
          io.stdout.write(USAGE);
          return 0;
        }
        if (!["run", "stats", "diff", "browse"].includes(rest[0]!)) throw new UsageError(`unknown command '${rest[0]}' (try: tsprof --help)`);
        return await main([rest[0]!, "--help"], io);
      case undefined:
      case "-h":
      case "--help":
        (command === undefined ? io.stderr : io.stdout).write(USAGE);
        return command === undefined ? 2 : 0;
      case "-V":
      case "--version":
        io.stdout.write(`tsprof ${require("../package.json").version}\n`);
        return 0;
      default:
        throw new UsageError(`unknown command '${command}' (try: tsprof --help)`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`tsprof: ${error.message}\n`);
      return error.exitCode;
    }
    const debug = process.env.TSPROF_DEBUG;
    if (debug !== undefined && debug !== "" && debug !== "0") throw error;
    io.stderr.write(`tsprof: internal error: ${(error as Error)?.message ?? String(error)} (set TSPROF_DEBUG=1 for details)\n`);
    return 70;
  }
}

/**
 * Why a write to one of our own streams failed, as `no space left on device (ENOSPC)`: libuv's
 * message for the errno, which is what `python -m pstats > /dev/full` prints too (strerror).
 */
export function streamFailureReason(error: NodeJS.ErrnoException): string {
  const known = typeof error.errno === "number" ? getSystemErrorMap().get(error.errno) : undefined;
  if (known) return `${known[1]} (${known[0]})`;
  return error.code ?? error.message;
}

/** Runs the command line of this process; the exit status becomes process.exitCode (so pending output is flushed). */
export function cli(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      // `tsprof stats x | head`: a closed pipe ends the output quietly, as Python's pstats does.
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
      // Any other failure (`> /dev/full`, a revoked terminal) means the report was lost: one line
      // and exit 1, not a stack trace, and not 2 (the command line was right). Under `tsprof run`
      // only tsprof's own table goes through these streams; the program writes to the inherited
      // descriptors itself and meets the error as it would under plain node. When stderr is the
      // stream that failed there is nowhere to say so: exit 1 all the same.
      if (stream === process.stdout) {
        try {
          process.stderr.write(`tsprof: cannot write the output: ${streamFailureReason(error)}\n`);
        } catch {
          // stderr is gone too; the status still says it failed
        }
      }
      process.exit(1);
    });
  }
  main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then((code) => {
    process.exitCode = code;
  });
}
