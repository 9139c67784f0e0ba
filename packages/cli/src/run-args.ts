// Parses `tsprof run [-o OUT] [-s SORT] [--include GLOB] [--exclude GLOB] (SCRIPT | -m BIN) [ARGS...]`.
import { UsageError } from "./errors";

export interface RunArgs {
  /** -o: where to write the profile (format by extension); absent = print the table. */
  outfile?: string;
  /** -s: sort key of the printed table (default cumulative, as python -m cProfile since 3.11). */
  sort: string;
  include: string[];
  exclude: string[];
  /** -m: run a package's bin from node_modules/.bin instead of a script path. */
  moduleBin?: string;
  script?: string;
  /** Arguments after SCRIPT/BIN, passed to the program untouched. */
  programArgs: string[];
}

export const RUN_USAGE =
  "usage: tsprof run [-o OUTFILE] [-s SORT] [--include GLOB] [--exclude GLOB] (SCRIPT | -m BIN) [ARGS...]";

export function parseRunArgs(argv: string[]): RunArgs {
  const args: RunArgs = { sort: "cumulative", include: [], exclude: [], programArgs: [] };
  let i = 0;
  const value = (flag: string): string => {
    const v = argv[++i];
    if (v === undefined) throw new UsageError(`${flag} needs a value\n${RUN_USAGE}`);
    return v;
  };
  for (; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const take = () => (inline !== undefined ? inline : value(flag));
    if (flag === "-o" || flag === "--outfile") args.outfile = take();
    else if (flag === "-s" || flag === "--sort") args.sort = take();
    else if (flag === "--include") args.include.push(take());
    else if (flag === "--exclude") args.exclude.push(take());
    else if (flag === "-m") {
      args.moduleBin = value(flag);
      args.programArgs = argv.slice(i + 1);
      return args;
    } else if (flag === "--") {
      i++;
      break;
    } else if (flag.startsWith("-") && flag !== "-") throw new UsageError(`unknown option ${flag}\n${RUN_USAGE}`);
    else break;
  }
  if (i >= argv.length) throw new UsageError(`no script to run\n${RUN_USAGE}`);
  args.script = argv[i];
  args.programArgs = argv.slice(i + 1);
  return args;
}
