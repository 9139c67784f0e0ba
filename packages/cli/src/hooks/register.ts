// Preloaded into the profiled program by `tsprof run` (node --require for a CommonJS main script, --import for an ES module): installs the module hooks and starts recording.
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
register(pathToFileURL(join(__dirname, "esm-hooks.js")).href, { data: options });
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
