// The interactive statistics browser of `python -m pstats` (pstats' ProfileBrowser on cmd.Cmd), line for line.
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { ProfileError } from "@tsprof/format";
import { parseRestriction } from "./command-args";
import { compilePythonRegex, PythonRegexError } from "./python-regex";
import { reprString, splitPyWords } from "./python-text";
import { PSTATS_SORT_KEYS, SORT_KEYS, SortKeyError, sortKeyAbbreviations } from "./sort-keys";
import { Stats, type Writable } from "./stats";
import type { Restriction } from "./restrictions";

const HELP: Record<string, string[]> = {
  add: ["Add profile info from given file to current statistics object."],
  callees: ["Print callees statistics from the current stat object."],
  callers: ["Print callers statistics from the current stat object."],
  EOF: ["Leave the profile browser."],
  help: ["Show help for a given command."],
  quit: ["Leave the profile browser."],
  read: ["Read in profile data from a specified file.", "Without argument, reload the current file."],
  reverse: ["Reverse the sort order of the profiling report."],
  sort: ["Sort profile data according to specified keys.", "(Typing `sort' without arguments lists valid keys.)"],
  stats: ["Print statistics from the current stat object."],
  strip: ["Strip leading path information from filenames in the report."],
};
const RESTRICTION_HELP = [
  "Arguments may be:",
  "* An integer maximum number of entries to print.",
  "* A decimal fractional number between 0 and 1, controlling",
  "  what fraction of selected entries to print.",
  "* A regular expression; only entries with function names",
  "  that match it are printed.",
];
// What Python's open() raises for the common reasons a file cannot be read: errno (the same on
// Linux, macOS and Windows' C runtime) and strerror. do_read prints the strerror, do_add the
// OSError (`[Errno 2] No such file or directory: 'x.prof'`); other failures keep tsprof's reason.
const PYTHON_OS_ERRORS: Record<string, { errno: number; strerror: string }> = {
  ENOENT: { errno: 2, strerror: "No such file or directory" },
  EACCES: { errno: 13, strerror: "Permission denied" },
  ENOTDIR: { errno: 20, strerror: "Not a directory" },
  EISDIR: { errno: 21, strerror: "Is a directory" },
};

function pythonOsError(error: ProfileError): { errno: number; strerror: string } | undefined {
  return error.code === undefined ? undefined : PYTHON_OS_ERRORS[error.code];
}

// cmd.Cmd sorts do_* names: "EOF" (upper case) first.
const COMMANDS = ["EOF", "add", "callees", "callers", "help", "quit", "read", "reverse", "sort", "stats", "strip"];

/**
 * Tab completion, as pstats' complete_sort (and cmd.Cmd for command names): the first word
 * completes to a command, the words after `sort` to sort keys, after `help` to commands.
 * Returns readline's `[candidates, fragment]`.
 */
export function completeBrowserLine(line: string): [string[], string] {
  const words = line.split(/\s+/);
  const fragment = words[words.length - 1] ?? "";
  if (words.length <= 1) return [COMMANDS.filter((name) => name !== "EOF" && name.startsWith(fragment)), fragment];
  const pool = words[0] === "sort" ? SORT_KEYS.map((definition) => definition.key) : words[0] === "help" ? COMMANDS.filter((name) => name !== "EOF") : [];
  return [pool.filter((word) => word.startsWith(fragment)), fragment];
}

/** One browser session: the state of pstats' ProfileBrowser. */
class Browser {
  prompt = "% ";
  private stats: Stats | undefined;
  private lastCommand = "";

  constructor(private readonly out: Writable) {}

  private say(line = ""): void {
    this.out.write(`${line}\n`);
  }

  /** cmd.Cmd.onecmd: returns true to stop. */
  command(rawLine: string): boolean {
    let line = rawLine.trim();
    if (!line) return this.lastCommand ? this.command(this.lastCommand) : false; // emptyline() repeats the last command
    if (line.startsWith("?")) line = `help ${line.slice(1)}`;
    else if (line.startsWith("!")) return this.unknown(line);
    const name = /^[A-Za-z0-9_]*/.exec(line)![0];
    const arg = line.slice(name.length).trim();
    this.lastCommand = line === "EOF" ? "" : line;
    switch (name) {
      case "read":
        this.read(arg);
        return false;
      case "add":
        this.add(arg);
        return false;
      case "stats":
        return this.generic((stats, r) => stats.printStats(...r), arg);
      case "callers":
        return this.generic((stats, r) => stats.printCallers(...r), arg);
      case "callees":
        return this.generic((stats, r) => stats.printCallees(...r), arg);
      case "sort":
        this.sort(arg);
        return false;
      case "reverse":
        this.withStats((stats) => stats.reverseOrder());
        return false;
      case "strip":
        this.withStats((stats) => stats.stripDirs());
        return false;
      case "help":
        this.help(arg);
        return false;
      case "quit":
        return true;
      case "EOF":
        this.say("");
        return true;
      default:
        return this.unknown(line);
    }
  }

  private unknown(line: string): boolean {
    this.out.write(`*** Unknown syntax: ${line}\n`);
    return false;
  }

  private withStats(action: (stats: Stats) => void): void {
    if (this.stats) action(this.stats);
    else this.say("No statistics object is loaded.");
  }

  read(path: string): void {
    if (!path) {
      if (this.prompt.length > 2) this.read(this.prompt.slice(0, -2));
      else this.say("No statistics object is current -- cannot reload.");
      return;
    }
    try {
      this.stats = new Stats(path, this.out);
    } catch (error) {
      if (!(error instanceof ProfileError)) throw error;
      this.say(pythonOsError(error)?.strerror ?? error.reason);
      return;
    }
    this.prompt = `${path}% `;
  }

  add(path: string): void {
    this.withStats((stats) => {
      try {
        stats.add(path);
      } catch (error) {
        if (!(error instanceof ProfileError)) throw error;
        const os = pythonOsError(error);
        this.say(`Failed to load statistics for ${path}: ${os ? `[Errno ${os.errno}] ${os.strerror}: ${reprString(path)}` : error.reason}`);
      }
    });
  }

  // ProfileBrowser.generic(): each word of line.split() is an int, else a float in [0, 1], else a regular expression.
  private generic(print: (stats: Stats, restrictions: Restriction[]) => void, arg: string): boolean {
    const restrictions: Restriction[] = [];
    for (const term of splitPyWords(arg)) {
      const restriction = parseRestriction(term);
      if (typeof restriction === "number") restrictions.push(restriction);
      else if (typeof restriction === "object") {
        if (restriction.float > 1 || restriction.float < 0) this.say("Fraction argument must be in [0, 1]");
        else restrictions.push(restriction);
      } else {
        try {
          compilePythonRegex(term);
        } catch (error) {
          if (!(error instanceof PythonRegexError)) throw error;
          this.say(`*** ${error.message}`);
          return false;
        }
        restrictions.push(term);
      }
    }
    this.withStats((stats) => print(stats, restrictions));
    return false;
  }

  private sort(arg: string): void {
    if (!this.stats) {
      this.say("No statistics object is loaded.");
      return;
    }
    const words = arg.split(/\s+/).filter(Boolean);
    const abbreviations = sortKeyAbbreviations();
    if (words.length > 0 && words.every((word) => abbreviations.has(word))) {
      try {
        this.stats.sortStats(...words);
        return;
      } catch (error) {
        if (!(error instanceof SortKeyError)) throw error;
      }
    }
    // pstats' listing exactly; tsprof's per-call keys are taken above but not listed (the README says so).
    this.say("Valid sort keys (unique prefixes are accepted):");
    for (const { key, description } of PSTATS_SORT_KEYS) this.say(`${key} -- ${description}`);
  }

  // cmd.Cmd.do_help: the topic's help, or the command list in columns.
  private help(topic: string): void {
    if (topic) {
      const lines = HELP[topic];
      if (!lines) this.say(`*** No help on ${topic}`);
      else {
        lines.forEach((line) => this.say(line));
        if (topic === "stats" || topic === "callers" || topic === "callees") RESTRICTION_HELP.forEach((line) => this.say(line));
      }
      return;
    }
    const header = "Documented commands (type help <topic>):";
    this.say("");
    this.say(header);
    this.say("=".repeat(header.length));
    this.say(COMMANDS.join("  "));
    this.say("");
  }
}

/**
 * Runs the browser of `python -m pstats FILE...`: reads commands (read, add, stats, callers, callees,
 * sort, reverse, strip, help, quit) from `input` line by line, writes prompts and reports to `output`.
 */
export async function runBrowser(input: Readable, output: Writable, files: readonly string[] = []): Promise<void> {
  const browser = new Browser(output);
  if (files.length > 0) browser.read(files[0]!);
  for (const file of files.slice(1)) browser.add(file);
  output.write("Welcome to the profile statistics browser.\n");
  // At a terminal, readline edits lines and completes commands and sort keys with Tab.
  const terminal = (input as Readable & { isTTY?: boolean }).isTTY === true;
  const lines = createInterface({
    input,
    output: terminal ? (output as unknown as NodeJS.WritableStream) : undefined,
    terminal,
    completer: terminal ? completeBrowserLine : undefined,
    crlfDelay: Infinity,
  })[Symbol.asyncIterator]();
  for (;;) {
    output.write(browser.prompt);
    const next = await lines.next();
    if (browser.command(next.done ? "EOF" : next.value)) break;
  }
  lines.return?.();
  output.write("Goodbye.\n");
}

/** `tsprof browse [FILE...]` (the CLI's `python -m pstats`): the browser on stdin/stdout; exit status 0, or 2 for a usage mistake. */
export async function runBrowseCommand(
  argv: readonly string[],
  io: { stdin: Readable; stdout: Writable; stderr: Writable },
): Promise<number> {
  if (argv.includes("-h") || argv.includes("--help")) {
    io.stdout.write("usage: tsprof browse [FILE...]\n\nThe interactive statistics browser of python -m pstats: type help for its commands.\n");
    return 0;
  }
  const option = argv.find((arg) => arg.startsWith("-") && arg !== "-");
  if (option) {
    io.stderr.write(`tsprof browse: unknown option '${option}' (try: tsprof browse --help)\n`);
    return 2;
  }
  await runBrowser(io.stdin, io.stdout, argv);
  return 0;
}
