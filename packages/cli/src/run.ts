// `tsprof run`: runs a script instrumented in a child Node process, then prints or saves its profile.
//
// The child keeps the script's argv, stdin/stdout/stderr and exit status; the runtime inside it
// writes one profile per process/thread into a private directory, which the parent merges.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, existsSync, statSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname, extname, relative, sep, isAbsolute } from "node:path";
import type { Duplex } from "node:stream";
import type { Profile } from "@tsprof/format";
import { environmentProblems } from "@tsprof/runtime";
import { UsageError } from "./errors";
import { parseRunArgs, RUN_HELP, type RunArgs } from "./run-args";
import { onTsconfigProblem } from "./tsconfig";
import { LOAD_ERROR_SUFFIX, markReported, PATHS_HINT_SUFFIX, preloadPath, RUN_FILE, RUNNING_SUFFIX, UNPROFILED_CHILD_SUFFIX, type RunHookOptions, type RunSettings } from "./run-options";
import { moduleFormatOf, SCRIPT_EXTENSIONS, type ModuleFormat } from "./module-format";
import { checkSyntax, compileCacheKey, describeLoadError } from "./transform";
import { cacheDirectory, fingerprintTools, isCached, rememberFormat } from "./compile-cache";
import { createInstrumentFilter } from "./hooks/should-instrument";
import { checkSortKey, checkOutputPath, droppedCallsNote, loadProfiles, outputNeedsCallTree, printRunTable, saveProfile } from "./report";
import { relaySignals } from "./child-signals";
import { RELAYED_SIGNALS, SIGNAL_CHANNEL_ENV } from "./signal-channel";
import { checkPermissionModel, checkTestCoverage, joinNodeOptions, permissionGrants, splitNodeOptions, takeRequirePreloads } from "./node-flags";
import { writeFailureReason } from "@tsprof/stats";

export interface Io {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export async function runCommand(argv: string[], io: Io): Promise<number> {
  const args = parseRunArgs(argv);
  if (args.help) {
    io.stdout.write(RUN_HELP);
    return 0;
  }
  checkSortKey(args.sort);
  checkEnvironment(process.env);
  if (args.outfile !== undefined) checkOutputPath(args.outfile, process.env);
  const main = resolveScript(args);
  const script = main.file;
  // The bin's #! options, then --node-option's: the later one wins where Node takes one value.
  const nodeOptions = [...main.nodeOptions, ...args.nodeOptions];
  // Resolved: the preload flag names the directory in a path Node resolves lexically (run-options.ts).
  const outputPrefix = join(resolve(tmpdir()), "tsprof-run-");
  checkPermissionModel(nodeOptions, outputPrefix);
  checkTestCoverage(nodeOptions);
  const hookOptions: RunHookOptions = {
    root: process.cwd(),
    include: args.include,
    exclude: args.exclude,
    runtime: require.resolve("@tsprof/runtime/probe"),
    outputDir: "",
    toolFingerprint: fingerprintTools(),
  };
  // A tsconfig problem found here (the main script's tsconfig, read for its compile) is printed before the program
  // runs, as tsc prints its diagnostics first; the processes of the run are told it was (markReported).
  const tsconfigProblems: string[] = [];
  onTsconfigProblem((line) => {
    tsconfigProblems.push(line);
    io.stderr.write(line + "\n");
  });
  // Read and classified once: the syntax check and the choice of preload flag both go by it. Node's test runner
  // given no file or a directory runs each test file in a process of its own (with this one's execArgv, so with
  // the hook): nothing to read here, and the runner's own process is CommonJS.
  const source = main.testRunner ? undefined : readMainSource(script);
  const format = main.testRunner ? "commonjs" : moduleFormatOf(script, source, rememberFormat(hookOptions));
  const loadError = main.testRunner ? undefined : checkMainSyntax(script, source, format, hookOptions);
  if (loadError) {
    io.stderr.write(loadError + "\n");
    return 1;
  }

  const outputDir = (hookOptions.outputDir = mkdtempSync(outputPrefix));
  for (const line of tsconfigProblems) markReported(outputDir, line);
  // The directory goes on every way out this process lives to see: a return, an exception, a
  // process.exit() (the EPIPE handler in bin.ts), and a signal, from here to the end.
  const removeOutputDir = (): void => rmSync(outputDir, { recursive: true, force: true });
  process.on("exit", removeOutputDir);
  let dieOf: NodeJS.Signals | undefined;
  try {
    const exit = await runChild(main, nodeOptions, preloadFlag(format), args.programArgs, hookOptions, io);
    // After the program: reading and printing are synchronous, so a signal now is heard at the
    // end; it still ends tsprof by that signal, without leaving the directory behind.
    dieWhenSignalled(removeOutputDir);
    if (exit.stoppedBy !== undefined) {
      dieOf = exit.stoppedBy; // the program was stopped with SIGKILL: the line saying so is printed
    } else if (processNote(outputDir, exit.pid, LOAD_ERROR_SUFFIX) === script) {
      // The main script did not compile (a construct Babel refuses): its error is printed and the program
      // never ran, so no table and no -o file, as for a syntax error found before the run.
      return exit.code ?? 1;
    } else {
      const running = awaitStartedProcesses(outputDir, STARTED_PROCESSES_WAIT_MS);
      if (running.length > 0) {
        const [count, pids] = running.length === 1 ? ["1 process", "pid"] : [`${running.length} processes`, "pids"];
        const verb = running.length === 1 ? "is" : "are";
        io.stderr.write(`tsprof: ${count} the program started ${verb} still running (${pids} ${running.join(", ")}): ${running.length === 1 ? "its" : "their"} calls are not in the profile\n`);
      }
      const alias = processNote(outputDir, exit.pid, PATHS_HINT_SUFFIX);
      if (alias) io.stderr.write(alias + "\n");
      // The signal that ended the program, or the one it never saw because it was writing its profile then.
      const endedBy = exit.signal ?? exit.writeSignal;
      const profile = collectProfile(outputDir, args.outfile !== undefined && outputNeedsCallTree(args.outfile));
      const hint = profile && profile.functions.length === 0 ? (unprofiledChildHint(outputDir) ?? nodeModulesHint(main, hookOptions)) : undefined;
      if (hint) io.stderr.write(hint + "\n");
      const dropped = profile ? droppedCallsNote(profile, process.env) : undefined;
      if (dropped) io.stderr.write(dropped + "\n");
      if (!profile) {
        // The run is lost (the program removed tsprof's 'exit' listener, or could not write its profile): a
        // failure, as a -o that cannot be written is, so that a script or CI relying on the profile stops here.
        io.stderr.write("tsprof: the program ended without writing a profile" + (exit.signal ? ` (killed by ${exit.signal})` : "") + "\n");
        if (!endedBy) return failedStatus(exit);
      } else if (args.outfile !== undefined) {
        try {
          saveProfile(resolve(args.outfile), profile);
        } catch (error) {
          // The path was checked before the program ran, but the program may have removed its
          // directory, or the file may refuse a rename (chattr +i). The user's mistake, not
          // tsprof's: one line as the check's, not "internal error" and 70 in place of the
          // program's own status. The run is not lost: its table is printed, as without -o.
          io.stderr.write(`tsprof: cannot write ${args.outfile}: ${writeFailureReason(error)}\n`);
          printRunTable(profile, args.sort, io.stdout);
          if (!endedBy) return failedStatus(exit);
        }
      } else {
        printRunTable(profile, args.sort, io.stdout);
      }
      if (endedBy) dieOf = endedBy;
      else return exit.code ?? 1;
    }
  } finally {
    removeOutputDir();
    process.off("exit", removeOutputDir);
  }
  return dieBy(dieOf);
}

/**
 * A TSPROF_* variable set to a value nothing reads (TSPROF_CLOCK=bogus) is refused before the
 * program runs, as a bad option is: the whole run would be timed with a setting the user did not
 * ask for. TSPROF_DEBUG is bin.ts's (any value but 0 turned it on, so TSPROF_DEBUG=bogus passed
 * unnoticed). TSPROF_AUTOSTART=0 is refused too: `tsprof run` records the whole program, as
 * `python -m cProfile` does, and takes the variable out of the program's environment; before, the
 * 0 was dropped without a word and the user got the automatic session they had turned off. A
 * program that records only through `Profile` is run with plain node (README: Environment).
 */
function checkEnvironment(env: NodeJS.ProcessEnv): void {
  const problems = environmentProblems(env, [
    ["TSPROF_CACHE", { values: ["0", "1"], expected: "0 or 1" }],
    ["TSPROF_DEBUG", { values: ["0", "1"], expected: "0 or 1" }],
  ]);
  if (env.TSPROF_AUTOSTART === "0") {
    problems.push("TSPROF_AUTOSTART=0: tsprof run always records the whole program; unset it (a program that records only through Profile runs with plain node)");
  }
  if (problems.length > 0) throw new UsageError(problems.join("; "));
}

/** The main script: the file Node will load, what to pass it as argv[1], and node options its #! line asks for. */
interface MainScript {
  /** The file Node loads (a directory's index.js, `hello` → hello.js, a bin's target). */
  file: string;
  /**
   * What node is given, so that process.argv[1] is what it would be without tsprof (a bin's link in node_modules/.bin);
   * undefined for `--test` given no file.
   */
  entry: string | undefined;
  /** Node options from a bin's `#!/usr/bin/env -S node --expose-gc` line. */
  nodeOptions: string[];
  /**
   * Set when `--test` is among the node options and what follows it is no file, or none: Node's test runner
   * finds the test files (in a directory, by a glob, or its default patterns) and runs each in a process of its own.
   * `file` is then empty.
   */
  testRunner?: true;
}

function resolveScript(args: RunArgs): MainScript {
  if (args.moduleBin !== undefined) return resolveBin(args.moduleBin);
  // `node --test [DIR | GLOB]`: the runner's process loads no script of ours; what follows goes to it untouched
  // (a file stays the main script, as before: its syntax is checked and it is the one process `node --test FILE`
  // runs its tests in when given one file).
  if (args.nodeOptions.includes("--test") && (args.script === undefined || !(existsSync(args.script) && statSync(args.script).isFile()))) {
    return { file: "", entry: args.script, nodeOptions: [], testRunner: true };
  }
  const entry = resolve(args.script as string);
  // The file is the link's target, as node loads it (a bin in node_modules/.bin is its package's file): the
  // hint for node_modules names the package's folder, and the format goes by the target's package.json.
  if (existsSync(entry) && statSync(entry).isFile()) return { file: realpathSync(entry), entry, nodeOptions: [] };
  // As `node PATH` does: PATH.js, PATH.json..., a directory's package.json "main" or index.js.
  let file: string | undefined;
  try {
    file = require.resolve(entry);
  } catch {
    file = undefined;
  }
  if (file === undefined || !isAbsolute(file)) {
    const what = existsSync(entry) ? "a directory with no index.js or package.json main" : "no such file";
    throw new UsageError(`can't open file '${args.script}': ${what}`);
  }
  return { file, entry, nodeOptions: [] };
}

/** `-m NAME`: the file behind node_modules/.bin/NAME in the nearest node_modules that has it. */
function resolveBin(name: string): MainScript {
  if (name === "" || name === "." || name === ".." || /[/\\]/.test(name)) {
    throw new UsageError(`-m takes the name of a program in node_modules/.bin, not '${name}'`);
  }
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const link = join(dir, "node_modules", ".bin", name);
    if (existsSync(link) && statSync(link).isFile()) {
      const target = realpathSync(link);
      const head = readFileSync(target, "utf8").slice(0, 300);
      const shebang = head.startsWith("#!") ? head.slice(2, head.indexOf("\n") < 0 ? undefined : head.indexOf("\n")).trim() : "";
      const words = shebang.split(/\s+/).filter(Boolean);
      const nodeAt = words.findIndex((word) => /(^|\/)node(js)?$/.test(word));
      if (shebang !== "" && nodeAt < 0) {
        const kind = /\b(sh|bash|dash|zsh)\b/.test(words[0] + " " + (words[1] ?? "")) ? "a shell script" : `run by '${words.join(" ")}'`;
        throw new UsageError(`'${name}' is ${kind}, not a Node program`);
      }
      // `#!/usr/bin/env -S node --expose-gc`: Node options the bin asks for, as running it directly gives them.
      const nodeOptions = nodeAt < 0 ? [] : words.slice(nodeAt + 1).filter((word) => word.startsWith("-"));
      return { file: target, entry: link, nodeOptions };
    }
    if (dirname(dir) === dir) throw new UsageError(`no program named '${name}' in node_modules/.bin`);
  }
}

/**
 * When nothing was instrumented because the program lives under node_modules (`-m BIN`, a script in a package),
 * a table of 0 calls would say nothing about why: one line names the --include glob that opts the package in.
 */
function nodeModulesHint(main: MainScript, hookOptions: RunHookOptions): string | undefined {
  // Asked of the path the hooks saw: Node loads the script by its real path (main.file), and a glob that names
  // only the symlinked one ('*link/**' for projlink/src/main.ts) instrumented nothing while the typed path
  // matched it. The package a hint names is the real path's (a bin in node_modules/.bin is its package's
  // file); the line about globs names the path as typed, and the real one beside it.
  const real = main.file;
  if (main.testRunner || main.entry === undefined) return undefined;
  if (createInstrumentFilter(hookOptions)(real)) return undefined;
  const asTyped = existsSync(main.entry) && statSync(main.entry).isFile() ? main.entry : real;
  const relativeName = (file: string): string => relative(hookOptions.root, file).split(sep).join("/");
  const path = relativeName(real);
  const parts = path.split("/");
  const at = parts.lastIndexOf("node_modules");
  if (at < 0 || at >= parts.length - 2) {
    // Not a package: the globs left it out (a typo such as --include 'srcc/**' printed an empty table, no word why).
    const quoted = (globs: readonly string[]) => globs.map((glob) => `'${glob}'`).join(", ");
    const typed = relativeName(asTyped);
    const realNote = asTyped === real ? "" : ` (real path ${path})`;
    if (hookOptions.include.length > 0) return `tsprof: nothing was instrumented: ${typed}${realNote} matches no --include glob (${quoted(hookOptions.include)}; globs are relative to ${hookOptions.root})`;
    if (hookOptions.exclude.length > 0) return `tsprof: nothing was instrumented: ${typed} is excluded by --exclude ${quoted(hookOptions.exclude)}`;
    return undefined;
  }
  const name = parts.slice(at + 1, parts[at + 1].startsWith("@") ? at + 3 : at + 2).join("/");
  // Jest loads test files through its own transform and module registry, which tsprof run's hooks never
  // see: --include would instrument Jest itself, not the tests.
  if (name === "jest" || name === "jest-cli" || name.startsWith("@jest/")) {
    return (
      "tsprof: nothing was instrumented: Jest compiles and loads test files itself, out of tsprof run's reach; " +
      'instrument them in Jest\'s transform (babel-jest with plugins: ["@tsprof"], or ts-jest with @tsprof/ts-transformer) ' +
      'and set testEnvironment: "@tsprof/runtime/jest-environment" (README: Instrumenting at build time)'
    );
  }
  // Vitest too (its worker threads load the tests through Vite's transform): --include would profile Vitest's internals.
  if (name === "vitest") return VITEST_HINT;
  // A package in a node_modules above the working directory (a hoisted bin) gets a glob that climbs to it: `../` globs work.
  const prefix = `tsprof: nothing was instrumented: ${path} is under node_modules`;
  return `${prefix}, which is instrumented only with --include '${[...parts.slice(0, at), "node_modules", name, "**"].join("/")}'`;
}

/**
 * Vitest compiles and loads test files itself, through Vite's transform, in worker threads (--pool=threads) or in
 * processes it forks with node options of its own (--pool=forks, the default), which tsprof's hook never reaches.
 * What works: a Vite plugin that runs Babel with @tsprof over the project's files, and --pool=forks, whose
 * processes get TSPROF_OUTPUT from the environment and write into the run's profile.
 */
const VITEST_HINT =
  "tsprof: nothing was instrumented: Vitest compiles and loads test files itself, out of tsprof run's reach; instrument them " +
  "with a Vite plugin that runs Babel with @tsprof and use --pool=forks (tsprof run -m vitest run --config vitest.tsprof.config.mjs " +
  "--pool=forks; README: Test runners)";

/** Whether `file` is in package `name`'s folder under a node_modules. */
function inPackage(file: string, name: string): boolean {
  return new RegExp(`(^|[\\\\/])node_modules[\\\\/]${name}[\\\\/]`).test(file);
}

/**
 * When nothing was instrumented and a process of the run started a node process without tsprof's preload
 * (hooks/register.ts leaves its arguments): the program's code ran there, out of tsprof's sight. tsx does that
 * (`node --require …/preflight.cjs --import …/loader.mjs app.ts`, arguments of its own, not execArgv), and
 * the --include hint would name tsx, whose own code is not what anyone means to profile. One line says where the
 * code ran and, when that process ran a script, the `tsprof run` that profiles it (TypeScript included).
 */
function unprofiledChildHint(outputDir: string): string | undefined {
  let args: string[] | undefined;
  try {
    const marker = readdirSync(outputDir).find((name) => name.endsWith(UNPROFILED_CHILD_SUFFIX));
    if (marker !== undefined) args = JSON.parse(readFileSync(join(outputDir, marker), "utf8")) as string[];
  } catch {
    return undefined;
  }
  if (args === undefined) return undefined;
  const run = scriptArgsOf(args);
  const line = "tsprof: nothing was instrumented: the program ran its code in a node process it started without tsprof's hook, which tsprof cannot see";
  if (run !== undefined && inPackage(run[0]!, "vitest")) return VITEST_HINT;
  // Mocha given node options (`--node-option`, a node flag such as --v8-expose-gc, `node-option` in .mocharc) runs
  // itself again as `node OPTIONS …/mocha/lib/cli/cli.js`, without execArgv: the same options given to tsprof run
  // instead, and taken out of mocha's, leave the tests in the process that has the hook.
  if (run !== undefined && inPackage(run[0]!, "mocha")) {
    const options = args.slice(1, args.indexOf(run[0]!)).filter((option) => option.startsWith("-"));
    const given = options.length > 0 ? options.map((option) => `--node-option=${shellQuote(option)}`).join(" ") : "--node-option=OPTION";
    return `${line}: mocha runs itself again in a new node process when given node options; give them to tsprof run instead and take them out of mocha's command line and .mocharc (tsprof run ${given} -m mocha …)`;
  }
  // A tool's own entry point in that process (ts-node's child-entrypoint.js and its encoded options) is nothing to run by hand.
  if (run === undefined || /(^|[\\/])node_modules[\\/]/.test(run[0]!)) return line;
  const command = run.map(shellQuote).join(" ");
  return `${line} (node … ${command}); profile it with: tsprof run ${command}`;
}

/** Node options whose value is the next argument. */
const NODE_VALUE_OPTIONS = new Set(["-r", "--require", "--import", "--loader", "--experimental-loader", "-C", "--conditions", "--input-type", "--env-file", "--title", "--inspect-port", "--redirect-warnings", "--watch-path"]);

/** The script and its arguments in a node command line (`spawnargs`, the command first); undefined for `-e`, `-p`, a REPL. */
function scriptArgsOf(args: readonly string[]): string[] | undefined {
  for (let at = 1; at < args.length; at++) {
    const arg = args[at]!;
    if (arg === "--") return at + 1 < args.length ? args.slice(at + 1) : undefined;
    if (["-e", "--eval", "-p", "--print", "-i", "--interactive", "-"].includes(arg)) return undefined;
    if (NODE_VALUE_OPTIONS.has(arg)) at++;
    else if (!arg.startsWith("-")) return args.slice(at);
  }
  return undefined;
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

/**
 * A syntax error in the main script is reported before anything runs: the parser's message with file:line,
 * exit 1. Skipped when the compile cache already holds the script (it parsed before).
 */
function checkMainSyntax(script: string, source: string | undefined, format: ModuleFormat, hookOptions: RunHookOptions): string | undefined {
  if (source === undefined || !SCRIPT_EXTENSIONS.includes(extname(script))) return undefined;
  const instrument = createInstrumentFilter(hookOptions)(script);
  if (isCached(cacheDirectory(hookOptions.root), compileCacheKey(source, script, format, hookOptions, instrument))) return undefined;
  try {
    checkSyntax(source, script, format);
    return undefined;
  } catch (error) {
    return describeLoadError(error, script, source);
  }
}

/** The main script's text, undefined when it can't be read (Node will say so). */
function readMainSource(script: string): string | undefined {
  try {
    return readFileSync(script, "utf8");
  } catch {
    return undefined;
  }
}

interface ChildExit {
  /** The child's process id (undefined when it could not be started). */
  pid: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the program did not answer this signal and was stopped with SIGKILL (child-signals.ts). */
  stoppedBy?: NodeJS.Signals;
  /**
   * The signal tsprof received while the program was writing its profile on its way out: the program
   * never saw it and ended by itself, and tsprof dies of it after the table or -o (child-signals.ts).
   */
  writeSignal?: NodeJS.Signals;
}

/**
 * How the hooks are preloaded: `--require`, whatever the main script's format. Any `--import` makes
 * Node run the main script through its ES module loader, CommonJS or not, and a CommonJS program then
 * sees another world: a promise's then() ran before process.nextTick(), a top-level throw reached
 * 'uncaughtException' with origin "unhandledRejection", `module.id` was the path and not ".",
 * `module.parent` undefined, and an uncaught non-Error was reported at a line of Node's internals.
 * Children and workers inherit the flag with execArgv, so an ES module main script that got
 * `--import` put every CommonJS child it forked, and every CommonJS worker it started, in that world.
 * `--require` serves an ES module main script as well: register.js installs both hooks either way
 * (module.register() works from a --require preload, before the main script is loaded), Node sends
 * an .mjs or "type": "module" main script to its ES module loader itself, and the CommonJS hook
 * hands an ES module it meets (a .ts or .mts main script, a .js one Node detects as a module) to
 * Node's require(esm), which runs a main script through the ES module loader, top-level await
 * included. A Node without require(esm) (before 20.19) cannot do that last step: there, and only
 * for an ES module main script, `--import` stays.
 */
function preloadFlag(format: ModuleFormat): "--require" | "--import" {
  const requireModule = (process.features as { require_module?: boolean }).require_module === true;
  return format === "commonjs" || requireModule ? "--require" : "--import";
}

function runChild(main: MainScript, nodeOptions: string[], preload: "--require" | "--import", programArgs: string[], hookOptions: RunHookOptions, io: Io): Promise<ChildExit> {
  const register = join(__dirname, "hooks", "register.js");
  const output = join(hookOptions.outputDir, "profile-%p.tsprof.json");
  // Every process and thread of the program reads these, whatever environment it was given (run-options.ts).
  const runtimeEnvironment: Record<string, string> = { TSPROF_OUTPUT: output };
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith("TSPROF_") && name !== "TSPROF_AUTOSTART" && name !== "TSPROF_OUTPUT" && value !== undefined) runtimeEnvironment[name] = value;
  }
  // The user's --require preloads are taken out of the program's options, NODE_OPTIONS' and the command
  // line's, and required by tsprof's preload instead: left in, they ran on the module hooks thread too
  // (node-flags.ts). This process has run them already (Node ran them before tsprof's code): unavoidable.
  const userNodeOptions = process.env.NODE_OPTIONS;
  const fromEnvironment = takeRequirePreloads(splitNodeOptions(userNodeOptions ?? ""));
  const fromCommandLine = takeRequirePreloads([...process.execArgv, ...nodeOptions]);
  const settings: RunSettings = {
    hooks: hookOptions,
    runtimeEnvironment,
    preloads: { nodeOptions: fromEnvironment.preloads, execArgv: fromCommandLine.preloads },
    userNodeOptions,
    runnerPid: process.pid,
  };
  writeFileSync(join(hookOptions.outputDir, RUN_FILE), JSON.stringify(settings));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // For a program built with the Babel plugin or the tsc transformer that the program starts
    // without the preload (spawn("node", [file])): its profile joins this run's too.
    TSPROF_OUTPUT: output,
    // fd 3 below: the child tells us when a signal reaches its JavaScript, we forward ours.
    [SIGNAL_CHANNEL_ENV]: `3 ${process.pid}`,
  };
  delete env.TSPROF_AUTOSTART;
  if (fromEnvironment.preloads.length > 0) env.NODE_OPTIONS = joinNodeOptions(fromEnvironment.rest);
  // `node --inspect=9333 tsprof run x.js`: the debugger is for the program, which gets the option with the
  // rest; this process lets go of the port first, or the program's inspector found it taken.
  closeInspector();
  const entry = main.entry === undefined ? [] : [main.entry];
  const nodeArgs = [...fromCommandLine.rest, ...permissionGrants(nodeOptions, hookOptions.outputDir), preload, preloadPath(hookOptions.outputDir, register), ...entry, ...programArgs];
  const child = spawn(process.execPath, nodeArgs, {
    stdio: ["inherit", "inherit", "inherit", "pipe"],
    // process.argv0 as the program would see it run by hand (`node`, not the resolved execPath).
    argv0: process.argv0,
    env,
  });
  const relay = relaySignals(child, child.stdio[3] as Duplex, io.stderr);
  return new Promise((resolvePromise, reject) => {
    child.on("error", (error) => {
      relay.close();
      reject(error);
    });
    child.on("exit", (code, signal) => {
      relay.close();
      resolvePromise({ pid: child.pid, code, signal, stoppedBy: relay.stoppedBy, writeSignal: relay.writeSignal });
    });
  });
}

/** Closes this process's inspector, if it has one open (--inspect, NODE_OPTIONS=--inspect). */
function closeInspector(): void {
  const inspector = require("node:inspector") as typeof import("node:inspector");
  if (inspector.url() !== undefined) inspector.close();
}

/**
 * How long `tsprof run` waits, after the main program has ended, for the processes it started that
 * are still writing: cluster workers end when their primary exits, and write then. Not for ever: a
 * detached server the program left running would hold tsprof (and the shell) for as long as it runs.
 */
const STARTED_PROCESSES_WAIT_MS = 2000;

/**
 * Waits up to `limitMs` for the processes of the run that have started and not yet written their
 * profile (their markers, hooks/register.ts) to end; returns the pids of those still running. A
 * process that ended without removing its marker (SIGKILL, a program that removed every 'exit'
 * listener) counts as ended. A synchronous wait: a signal that arrives meanwhile is heard after the
 * table is printed, as during the reading and printing.
 */
function awaitStartedProcesses(outputDir: string, limitMs: number): number[] {
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const deadline = performance.now() + limitMs;
  for (;;) {
    const running = readdirSync(outputDir)
      .filter((name) => name.endsWith(RUNNING_SUFFIX))
      .map((name) => Number(name.slice(0, -RUNNING_SUFFIX.length)))
      .filter((pid) => Number.isInteger(pid) && isAlive(pid))
      .sort((a, b) => a - b);
    if (running.length === 0 || performance.now() >= deadline) return running;
    Atomics.wait(sleeper, 0, 0, 20);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * What process `pid` of the run left in its note with `suffix` (hooks/register.ts) when it died, if it left one:
 * LOAD_ERROR_SUFFIX, the file whose failed compile ended it; PATHS_HINT_SUFFIX, the line about a tsconfig `paths`
 * alias it did not find.
 */
function processNote(outputDir: string, pid: number | undefined, suffix: string): string | undefined {
  if (pid === undefined) return undefined;
  try {
    return readFileSync(join(outputDir, `${pid}${suffix}`), "utf8");
  } catch {
    return undefined;
  }
}

function collectProfile(outputDir: string, callTree: boolean): Profile | undefined {
  const files = readdirSync(outputDir)
    .filter((name) => name.endsWith(".tsprof.json"))
    .sort()
    .map((name) => join(outputDir, name));
  return files.length ? loadProfiles(files, callTree) : undefined;
}

/** The exit status of a run that did not deliver its profile (none was written, or -o could not be): the program's own when it failed, else 1. */
function failedStatus(exit: ChildExit): number {
  return exit.code !== null && exit.code !== 0 ? exit.code : 1;
}

/** From now on SIGINT, SIGTERM or SIGHUP ends this process by that signal, after `cleanUp`. */
function dieWhenSignalled(cleanUp: () => void): void {
  for (const signal of RELAYED_SIGNALS) {
    process.on(signal, () => {
      cleanUp();
      dieBy(signal);
    });
  }
}

/** Ends this process by `signal` (the one that ended the child), as a shell expects; without one, returns 1. */
function dieBy(signal: NodeJS.Signals | undefined): number {
  if (signal === undefined) return 1;
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
  return 128 + 1;
}
