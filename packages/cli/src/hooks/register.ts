// Preloaded into the profiled program by `tsprof run` (node --import): installs the module hooks and starts recording.
import { register } from "node:module";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { readRunOptions } from "../run-options";
import { installCommonJsHook } from "./cjs-hook";
import { connectSignalRelay } from "./signal-relay";

const options = readRunOptions();
installCommonJsHook(options);
register(pathToFileURL(join(__dirname, "esm-hooks.js")).href, { data: options });
require("@tsprof/runtime/auto");
connectSignalRelay();
