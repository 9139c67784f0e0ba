// Parses `tsprof run [-o OUT] [-s SORT] [--include GLOB] [--exclude GLOB] [--node-option OPT] (SCRIPT | -m BIN) [ARGS...]`.
import { splitOption } from "@tsprof/stats";
import { UsageError } from "./errors";
import { NODE_OPTION_HINT } from "./node-flags";

export interface RunArgs {
  /** -o: where to write the profile (format by extension); absent = print the table. */
  outfile?: string;
  /** -s: sort key of the printed table (default cumulative, as python -m cProfile since 3.11). */
  sort: string;
  include: string[];
  exclude: string[];
  /** --node-option: options for the node that runs the program (`--stack-size=4000`, `--inspect-brk`), in order. */
  nodeOptions: string[];
  /** -m: run a package's bin from node_modules/.bin instead of a script path. */
  moduleBin?: string;
  /**
   * The script to run; with `--node-option=--test`, the first of the files, directories or globs Node's test runner
   * is given, and absent when it is given none (it finds the test files itself).
   */
  script?: string;
  /** Arguments after SCRIPT/BIN, passed to the program untouched. */
  programArgs: string[];
  /** -h/--help before the script: print the usage. */
  help?: boolean;
}

export const RUN_USAGE =
  "usage: tsprof run [-o OUTFILE] [-s SORT] [--include GLOB] [--exclude GLOB] [--node-option OPT] (SCRIPT | -m BIN) [ARGS...]";

export const RUN_HELP = `${RUN_USAGE}

Runs SCRIPT (.js .mjs .cjs .ts .mts .cts .tsx; ES modules and CommonJS) with every function instrumented,
keeping its argv, stdout, stderr and exit status, then prints the profile (pstats table) after its output.

  -o, --outfile OUT   write the profile instead of printing it: .tsprof.json, .cpuprofile (Chrome DevTools,
                      speedscope), any other name (.prof, .pstats) a Python pstats file; if it cannot
                      be written after the program ran, the table is printed instead and the exit
                      status is the program's if it failed, else 1
  -s, --sort KEY      sort key of the table (default cumulative): calls, cumulative, filename, line, name,
                      nfl, pcalls, stdname, time, tottime, tottime-percall, cumtime-percall, ...
  --include GLOB      instrument only files matching GLOB (relative to the working directory); repeatable;
                      node_modules is instrumented only when a glob names it
  --exclude GLOB      never instrument files matching GLOB; repeatable
  --node-option OPT   give OPT to the node that runs the program (--node-option=--stack-size=4000,
                      --node-option=--inspect-brk); repeatable. Node options given to the node that runs
                      tsprof (node --stack-size=4000 $(npx which tsprof) run ...) and NODE_OPTIONS reach
                      the program too; --inspect there moves from tsprof to the program as it starts.
                      With --node-option=--test, SCRIPT may be a directory or left out: Node's test
                      runner finds the test files. --experimental-test-coverage is refused
  -m BIN              run the program behind node_modules/.bin/BIN

Environment: TSPROF_CLOCK=tick (deterministic times: one tick per reading) or fast (a helper thread's
clock, 50 us resolution), TSPROF_MODE=count (calls only, no clock), TSPROF_COMPENSATE=0 (keep the probes'
cost in the times), TSPROF_MAX_TREE_NODES (call tree cap, default 1000000), TSPROF_MAX_DEPTH (stack
depth cap, default 100000: deeper calls are not recorded, and a line says how many), TSPROF_CACHE=0 (no
compile cache), TSPROF_CACHE_DIR (where compiled files are cached; default node_modules/.cache/tsprof),
TSPROF_DEBUG=1 (stack traces of internal errors). A value they do not take is refused, and so is
TSPROF_AUTOSTART=0: tsprof run always records the whole program.
`;

export function parseRunArgs(argv: string[]): RunArgs {
  const args: RunArgs = { sort: "cumulative", include: [], exclude: [], nodeOptions: [], programArgs: [] };
  let i = 0;
  const value = (flag: string): string => {
    const v = argv[++i];
    if (v === undefined) throw new UsageError(`${flag} needs a value\n${RUN_USAGE}`);
    return v;
  };
  for (; i < argv.length; i++) {
    const arg = argv[i];
    // --flag=VALUE, and as argparse does, a short option's value attached to it: -ox.prof, -scalls.
    const [flag, inline] = splitOption(arg, "osm");
    const take = () => (inline !== undefined ? inline : value(flag));
    if (flag === "-h" || flag === "--help") {
      args.help = true;
      return args;
    } else if (flag === "-o" || flag === "--outfile") {
      // `-o "$OUT"` with OUT unset: "cannot write : is a directory" said nothing useful.
      const path = take();
      if (path === "") throw new UsageError(`${flag} needs a file name, got ''`);
      args.outfile = path;
    }
    else if (flag === "-s" || flag === "--sort") args.sort = take();
    else if (flag === "--include") args.include.push(take());
    else if (flag === "--exclude") args.exclude.push(take());
    else if (flag === "--node-option") {
      // An empty word is no option: node took '' as its script, the program never ran, and the
      // run ended 0 ("the program ended without writing a profile"); ' ' gave Node's stack trace.
      const option = take();
      if (option.trim() === "") throw new UsageError(`--node-option needs a Node option (--node-option=--stack-size=4000), got '${option}'`);
      args.nodeOptions.push(option);
    }
    else if (flag === "-m") {
      args.moduleBin = take();
      args.programArgs = argv.slice(i + 1);
      return args;
    } else if (flag === "--") {
      i++;
      break;
    } else if (flag.startsWith("-") && flag !== "-") {
      // `tsprof run --stack-size=4000 x.js` (a V8 option, which NODE_OPTIONS refuses), `-r ./agent.js`: most
      // likely meant for Node; say where Node's options go.
      const hint = flag.startsWith("--") || process.allowedNodeEnvironmentFlags.has(flag) ? ` (${NODE_OPTION_HINT})` : "";
      throw new UsageError(`unknown option ${flag}${hint}\n${RUN_USAGE}`);
    }
    else break;
  }
  if (i >= argv.length) {
    // `node --test` with no file runs the test files its runner finds (test/, *.test.js...): so does tsprof run.
    if (args.nodeOptions.includes("--test")) return args;
    throw new UsageError(`no script to run\n${RUN_USAGE}`);
  }
  args.script = argv[i];
  args.programArgs = argv.slice(i + 1);
  return args;
}
