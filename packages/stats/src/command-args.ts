// Parsing of `tsprof stats` arguments: files, sort keys, restrictions, flags. Mistakes become a UsageError (one line).
import { existsSync } from "node:fs";
import { compilePythonRegex, PythonRegexError } from "./python-regex";
import { parsePyFloat, parsePyInt } from "./python-text";
import type { Restriction } from "./restrictions";
import { LEGACY_SORT_KEYS, sortKeyAbbreviations } from "./sort-keys";

/** A mistake on the command line: printed as one line, exit status 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export interface StatsArgs {
  files: string[];
  sort: Array<string | number>;
  restrictions: Restriction[];
  callers: boolean;
  callees: boolean;
  strip: boolean;
  reverse: boolean;
  json: boolean;
  dump?: string;
  /** Order of the entries inside each callers/callees list (tsprof extension). */
  callSort: Array<string | number>;
  /** At most this many entries per callers/callees list. */
  callLimit?: number;
  help: boolean;
  /** `tsprof diff --fail-on` budgets, as typed (parsed by diff-budget.ts). */
  failOn: string[];
}

/**
 * A restriction as `python -m pstats` reads one, with int(), then float(), then as it is: an
 * integer is a count ("1_0", "\uff11" too), a decimal a fraction (a Python float: "1.0" limits
 * nothing), anything else a regular expression.
 */
export function parseRestriction(text: string): Restriction {
  const int = parsePyInt(text);
  if (int !== undefined) return int;
  const float = parsePyFloat(text);
  return float !== undefined ? { float } : text;
}

/**
 * A pattern the Python dialect has but the translation cannot render (python-regex.ts) is refused here,
 * before anything is read or printed; one Python rejects stays, for pstats' `<Invalid regular expression>`.
 */
function checkedRestriction(restriction: Restriction): Restriction {
  if (typeof restriction === "string") {
    try {
      compilePythonRegex(restriction);
    } catch (error) {
      if (error instanceof PythonRegexError) throw new UsageError(error.message);
      throw error;
    }
  }
  return restriction;
}

/** A sort key word as typed: a legacy number ("-1", "0", "1", "2") or a name. */
function sortWord(text: string): string | number {
  const number = Number(text);
  return /^-?\d+$/.test(text) && LEGACY_SORT_KEYS.has(number) ? number : text;
}

/**
 * Parses `FILE... [-s KEY...] [--limit N|FRACTION|REGEX ...] [--callers] [--callees] [--call-sort KEY]
 * [--call-limit N] [--strip] [--reverse] [--json] [--dump OUT]`.
 */
/**
 * An argument as its option and attached value: `--flag=VALUE`, and, as argparse does, a short option that
 * takes a value with the value attached (`-stottime`, `-ox.prof`), for the letters in `shortWithValue`.
 * Anything else is the option alone (value undefined). tsprof run's parser uses it too.
 */
export function splitOption(arg: string, shortWithValue: string): [string, string | undefined] {
  const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
  if (eq > 0) return [arg.slice(0, eq), arg.slice(eq + 1)];
  if (arg.length > 2 && arg[0] === "-" && arg[1] !== "-" && shortWithValue.includes(arg[1]!)) return [arg.slice(0, 2), arg.slice(2)];
  return [arg, undefined];
}

/** The options that take no value (-i/--interactive is handled before parsing; only `--interactive=X` gets here). */
const ON_OFF_OPTIONS = new Set(["-h", "--help", "--callers", "--callees", "--strip", "--reverse", "--json", "--interactive"]);

/** The options of `tsprof stats` that parseStatsArgs() takes a value for, the next word when not attached (`-ox`, `--dump=x`). */
const VALUE_OPTIONS = new Set(["-s", "--sort", "-l", "--limit", "--call-sort", "--call-limit", "--dump", "-o"]);

/**
 * Where `-i`/`--interactive` is among `tsprof stats` arguments, or -1: an option of its own, not
 * an option's value (`-l -i`) nor a file named after `--` (`-- -i`), which the browser had taken
 * for the flag ("tsprof browse: unknown option '-l'", a command the user never ran).
 */
export function interactiveFlagAt(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") return -1;
    if (arg === "-i" || arg === "--interactive") return i;
    if (VALUE_OPTIONS.has(arg)) i++;
  }
  return -1;
}

export function parseStatsArgs(argv: readonly string[], command = "stats"): StatsArgs {
  const args: StatsArgs = { files: [], sort: [], restrictions: [], callers: false, callees: false, strip: false, reverse: false, json: false, callSort: [], help: false, failOn: [] };
  const keys = sortKeyAbbreviations();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = splitOption(arg, "slo");
    const value = (): string => {
      if (inline !== undefined) return inline;
      // As argparse: the next word is no value when it is an option (`--dump --callers` wrote a
      // file named "--callers"); a negative number (`-s -1`) and "-" still are.
      if (i + 1 >= argv.length || /^-[^\d]/.test(argv[i + 1]!)) throw new UsageError(`${flag} needs a value`);
      return argv[++i]!;
    };
    // An on/off option takes no value: `--json=false` printed JSON and `--strip=no` stripped. argparse
    // refuses the same way ("argument --json: ignored explicit argument 'false'").
    if (inline !== undefined && ON_OFF_OPTIONS.has(flag)) throw new UsageError(`${flag}: ignored explicit argument '${inline}'`);
    switch (flag) {
      case "-h":
      case "--help":
        args.help = true;
        break;
      case "-s":
      case "--sort": {
        const words = value();
        // An empty key is a mistake (pstats: KeyError), not the default order.
        args.sort.push(...(words === "" ? [""] : words.split(",").filter(Boolean).map(sortWord)));
        // "-s time name FILE": further words that are sort keys (and not files) belong to -s.
        while (inline === undefined && i + 1 < argv.length && keys.has(argv[i + 1]!) && !existsSync(argv[i + 1]!)) args.sort.push(argv[++i]!);
        break;
      }
      case "--limit":
      case "-l":
        args.restrictions.push(checkedRestriction(parseRestriction(value())));
        break;
      case "--fail-on":
        if (command !== "diff") throw new UsageError("--fail-on belongs to tsprof diff");
        args.failOn.push(value());
        break;
      case "--call-sort":
        args.callSort.push(...value().split(",").filter(Boolean).map(sortWord));
        break;
      case "--call-limit": {
        const text = value();
        if (!/^\d+$/.test(text)) throw new UsageError(`--call-limit needs a whole number, got '${text}'`);
        args.callLimit = Number(text);
        break;
      }
      case "--callers":
        args.callers = true;
        break;
      case "--callees":
        args.callees = true;
        break;
      case "--strip":
        args.strip = true;
        break;
      case "--reverse":
        args.reverse = true;
        break;
      case "--json":
        args.json = true;
        break;
      case "--dump":
      case "-o": {
        const path = value();
        // `--dump "$OUT"` with OUT unset wrote nothing and said nothing.
        if (path === "") throw new UsageError(`${flag} needs a file name, got ''`);
        args.dump = path;
        break;
      }
      case "--":
        args.files.push(...argv.slice(i + 1));
        i = argv.length;
        break;
      default:
        if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option '${arg}' (try: tsprof ${command} --help)`);
        args.files.push(arg);
    }
  }
  return args;
}
