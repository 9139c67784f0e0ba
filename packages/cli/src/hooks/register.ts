// Preloaded into the profiled program by `tsprof run` (node --require; run.ts preloadFlag()): installs the module hooks and starts recording.
import Module, { createRequire, register } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join, sep } from "node:path";
import { existsSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { isMainThread, parentPort } from "node:worker_threads";
import { subscribe } from "node:diagnostics_channel";
import type { ChildProcess } from "node:child_process";
import { startDefaultSession } from "@tsprof/runtime";
import { LOAD_ERROR_KEY } from "../transform";
import { LOAD_ERROR_SUFFIX, outputDirFromExecArgv, PATHS_HINT_SUFFIX, preloadArgument, printOncePerRun, readRunSettings, RUNNING_SUFFIX, UNPROFILED_CHILD_SUFFIX, type RunSettings } from "../run-options";
import { onTsconfigProblem, pathsPatternFor } from "../tsconfig";
import { installCommonJsHook } from "./cjs-hook";
import type { EsmHooksData } from "./esm-hooks";
import { connectSignalRelay } from "./signal-relay";

const outputDir = outputDirFromExecArgv(process.execArgv, __filename);
const settings = outputDir === undefined ? undefined : readRunSettings(outputDir);
// No settings: a process started after `tsprof run` ended (run-options.ts). It runs as under plain node.
if (outputDir !== undefined && settings !== undefined) {
  start(outputDir, settings);
  runUserPreloads(settings);
}

function start(outputDir: string, settings: RunSettings): void {
  const options = settings.hooks;
  // A broken tsconfig (tsconfig.ts) is one line per run, whichever process or thread reads it first.
  onTsconfigProblem((line) => printOncePerRun(outputDir, line));
  installCommonJsHook(options);
  // The seconds the hooks thread spends compiling ES modules, which it counts here while this thread goes on
  // (an import() awaited meanwhile): async wall times leave them out (esm-hooks.ts, the recorder's offClockSeconds).
  const offClockSeconds = new Float64Array(new SharedArrayBuffer(8));
  const data: EsmHooksData = { ...options, offClockSeconds };
  withoutStdioErrorListeners(() => register(pathToFileURL(join(__dirname, "esm-hooks.js")).href, { data }));
  // The marker says a process of the run is writing a profile, so that `tsprof run` waits for one
  // that outlives the main program (cluster workers, a child left running) before it reads the
  // profiles and removes the directory (run.ts awaitStartedProcesses). Threads end with their process.
  const marker = join(outputDir, `${process.pid}${RUNNING_SUFFIX}`);
  if (isMainThread) {
    try {
      writeFileSync(marker, "");
    } catch {
      // the directory is gone: tsprof run ended a moment ago
    }
  }
  // Captured now, called at exit (the program may have replaced them by then).
  const exists = existsSync;
  const unlink = unlinkSync;
  const write = writeSync;
  const writeFile = writeFileSync;
  // A child this process started a moment before it ends (a primary that exits once its cluster
  // workers listen; a detached child) may not have reached its own preload, and so its marker, by the
  // time tsprof run looks: each process marks, as it ends, the children it started with this run's
  // preload that are still running. Node publishes every ChildProcess it creates on this channel.
  const preload = preloadArgument(process.execArgv, __filename);
  const children: ChildProcess[] = [];
  const execPath = process.execPath;
  const stringify = JSON.stringify;
  const hasPreload = (child: ChildProcess): boolean => {
    const args = child.spawnargs;
    let ours = false;
    for (let arg = 0; arg < args.length && !ours; arg++) ours = args[arg] === preload;
    return ours;
  };
  // A node process started with arguments of its own rather than execArgv (tsx runs the script in `node --require
  // … --import … app.ts`) has no preload and writes no profile: its arguments, the first time one is seen, so that
  // tsprof run can say where the program's code ran when the profile is empty (run.ts unprofiledChildHint).
  // Known only once the child has spawned (the channel announces it before): looked at as it is dropped, and at exit.
  let unprofiledArgs: string[] | undefined;
  const noteUnprofiled = (child: ChildProcess): void => {
    if (unprofiledArgs === undefined && child.spawnfile === execPath && child.pid !== undefined && !hasPreload(child)) unprofiledArgs = child.spawnargs;
  };
  subscribe("child_process", (message) => {
    const child = (message as { process?: ChildProcess }).process;
    if (child === undefined) return;
    // The ended ones dropped, by index (the program may have replaced Array methods).
    let kept = 0;
    for (let at = 0; at < children.length; at++) {
      const known = children[at]!;
      if (known.exitCode === null && known.signalCode === null) children[kept++] = known;
      else noteUnprofiled(known);
    }
    children.length = kept;
    children[kept] = child;
  });
  const markChildren = (): void => {
    for (let at = 0; at < children.length; at++) {
      const child = children[at]!;
      noteUnprofiled(child);
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) continue;
      if (!hasPreload(child)) continue;
      try {
        writeFile(`${outputDir}${sep}${child.pid}${RUNNING_SUFFIX}`, "");
      } catch {
        // the directory is gone
      }
    }
    if (unprofiledArgs === undefined) return;
    try {
      writeFile(`${outputDir}${sep}${process.pid}${UNPROFILED_CHILD_SUFFIX}`, stringify(unprofiledArgs));
    } catch {
      // the directory is gone
    }
  };
  // Set at the end of start(), when the signal channel is connected; called at exit, if ever, after that.
  let beforeWrite: (() => void) | undefined;
  startDefaultSession(settings.runtimeEnvironment, {
    offClockSeconds,
    beforeWrite() {
      if (beforeWrite !== undefined) beforeWrite();
    },
    afterWrite(failure) {
      markChildren();
      // After tsprof run has gone its directory has too: a profile nobody reads is no failure to report.
      if (failure !== undefined && exists(outputDir)) {
        try {
          write(2, failure);
        } catch {
          // stderr closed
        }
      }
      if (!isMainThread) return;
      try {
        unlink(marker);
      } catch {
        // already gone with the directory
      }
    },
  });
  // Instrumented modules load the probe entry themselves; loaded here, it sees the session started.
  require("@tsprof/runtime/probe");

  // A TypeScript file that does not parse fails the run the way a main script that does not parse does: its
  // message (file:line:column, the parser's reason, the code frame) on stderr and exit status 1. Node would print
  // the error as "[<message>]" under an irrelevant line of its own internals (the error reaches it through the
  // ES module loader's promise). Only when nothing handles the exception: a program's own handler still gets it.
  if (isMainThread) {
    process.on("uncaughtExceptionMonitor", (error) => {
      notePathsAlias(outputDir, error);
      const marked = typeof error === "object" && error !== null && Symbol.for(LOAD_ERROR_KEY) in error;
      if (!marked || process.listenerCount("uncaughtException") > 0) return;
      process.stderr.write(`${error.message}\n`);
      // Which file failed, for tsprof run: when it is the main script, the program never ran, and no table follows.
      const file = (error as unknown as Record<symbol, unknown>)[Symbol.for(LOAD_ERROR_KEY)];
      try {
        if (typeof file === "string") writeFileSync(join(outputDir, `${process.pid}${LOAD_ERROR_SUFFIX}`), file);
      } catch {
        // the directory is gone
      }
      process.exit(1);
    });
  }
  beforeWrite = connectSignalRelay();
}

/**
 * When the program dies of a module not found (require's MODULE_NOT_FOUND, import's ERR_MODULE_NOT_FOUND) whose
 * name is one of the importing file's tsconfig `paths` ("@lib/*"), the reason is that nothing applies `paths` at
 * run time: tsc leaves the import as written, and node, like `tsprof run`, resolves it as a package. Node prints
 * its error as under plain node; the hint, one line, is printed by `tsprof run` after it (a line printed here would
 * come first: Node prints the error after the monitors and 'exit').
 */
function notePathsAlias(outputDir: string, error: unknown): void {
  // Any other error is left at once: this runs as a program dies, when it may have replaced the builtins used
  // below (design.md pitfall 8), and whatever they do then is caught here, never changing how the program ends.
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code !== "MODULE_NOT_FOUND" && code !== "ERR_MODULE_NOT_FOUND") return;
  try {
    if (process.listenerCount("uncaughtException") > 0) return;
    const { message, requireStack } = error as { message?: unknown; requireStack?: unknown };
    if (typeof message !== "string") return;
    const specifier = /Cannot find (?:module|package) '([^']+)'/.exec(message)?.[1];
    const importedFrom = /imported from (.+)$/m.exec(message)?.[1];
    const importer = Array.isArray(requireStack) && typeof requireStack[0] === "string" ? requireStack[0] : importedFrom?.startsWith("file:") ? fileURLToPath(importedFrom) : importedFrom;
    if (specifier === undefined || importer === undefined) return;
    const alias = pathsPatternFor(importer, specifier);
    if (alias === undefined) return;
    const hint =
      `tsprof: '${specifier}' is a tsconfig "paths" alias ('${alias.pattern}' in ${alias.tsconfig}), which tsc leaves as written and neither node nor tsprof run applies at run time: ` +
      `map it in package.json "imports" (or with a resolver such as tsconfig-paths)`;
    writeFileSync(join(outputDir, `${process.pid}${PATHS_HINT_SUFFIX}`), hint);
  } catch {
    // the directory is gone, or the error is not one to explain
  }
}

/**
 * Runs `action` (module.register()), then takes off process.stdout and process.stderr the 'error'
 * listeners it added. register() starts the hooks thread and pipes that thread's stdout and stderr
 * into ours (Node's pipeWithoutWarning), and a pipe adds an 'error' listener to its destination
 * that re-raises the error when the destination has no other listener. So a program writing into
 * a closed pipe (`tsprof run big.js | head -1`) died of "Error: write EPIPE … at Socket.onerror",
 * exit 1, where plain node ignores the error (console.log's writes do) and exits 0. Only the
 * listeners register() added go: a program's own listener, added later, still gets the error. The
 * hooks tsprof registers print nothing, so no output of theirs goes unheard.
 */
function withoutStdioErrorListeners(action: () => void): void {
  const streams = [process.stdout, process.stderr];
  const before = streams.map((stream) => stream.listeners("error"));
  action();
  streams.forEach((stream, at) => {
    for (const listener of stream.listeners("error")) {
      if (!before[at]!.includes(listener)) stream.removeListener("error", listener as (error: Error) => void);
    }
  });
}

/**
 * The user's `--require` preloads, which `tsprof run` took out of the program's options (node-flags.ts):
 * required here, after the hooks are registered (so not on the hooks thread, which ran them too), in
 * Node's order (NODE_OPTIONS' first) and as Node requires a preload (relative to the working directory).
 * NODE_OPTIONS' ones only in the process `tsprof run` started, and its workers: a process the program
 * starts gets them from its own NODE_OPTIONS, which the program's process.env has as the user set it.
 * The command line's in every process and worker of the program: they have tsprof's preload in their
 * options where they would have had the user's (fork() and Worker pass the options on). Where this
 * file is an `--import` (an ES module main script on a Node before 20.19) the user's `--import`s have
 * run before it, and so before the `--require`s, which plain node runs first.
 */
function runUserPreloads(settings: RunSettings): void {
  // Node's module hooks thread: not a thread of the program, and one the preloads did not run on before.
  if (!isMainThread && parentPort === null) return;
  const started = process.ppid === settings.runnerPid;
  if (started && isMainThread) {
    if (settings.userNodeOptions === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = settings.userNodeOptions;
  }
  const preloads = [...(started ? settings.preloads.nodeOptions : []), ...settings.preloads.execArgv];
  if (preloads.length === 0) return;
  const preload = (Module as unknown as { _preloadModules?: (requests: string[]) => void })._preloadModules;
  if (typeof preload === "function") preload(preloads);
  else for (const request of preloads) createRequire(join(process.cwd(), "[preload]"))(request);
}
