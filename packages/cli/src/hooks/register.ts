// Preloaded into the profiled program by `tsprof run` (node --require; run.ts preloadFlag()): installs the module hooks and starts recording.
import { register } from "node:module";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { isMainThread } from "node:worker_threads";
import { LOAD_ERROR_KEY } from "../transform";
import { readRunOptions } from "../run-options";
import { installCommonJsHook } from "./cjs-hook";
import { connectSignalRelay } from "./signal-relay";

const options = readRunOptions();
installCommonJsHook(options);
withoutStdioErrorListeners(() => register(pathToFileURL(join(__dirname, "esm-hooks.js")).href, { data: options }));
require("@tsprof/runtime/auto");

// A TypeScript file that does not parse fails the run the way a main script that does not parse does: its
// message (file:line:column, the parser's reason, the code frame) on stderr and exit status 1. Node would print
// the error as "[<message>]" under an irrelevant line of its own internals (the error reaches it through the
// ES module loader's promise). Only when nothing handles the exception: a program's own handler still gets it.
if (isMainThread) {
  process.on("uncaughtExceptionMonitor", (error) => {
    const marked = typeof error === "object" && error !== null && Symbol.for(LOAD_ERROR_KEY) in error;
    if (!marked || process.listenerCount("uncaughtException") > 0) return;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
connectSignalRelay();

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
