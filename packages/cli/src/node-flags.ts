// The Node options around `tsprof run`: the ones the program gets, and the `--require` preloads among them.
//
// Why the user's preloads are taken out of the program's options: tsprof's hooks start Node's module
// hooks thread (module.register()), and that thread runs every `--require` preload of its process,
// NODE_OPTIONS' and the command line's alike (Node 20: initializeHooks → loadPreloadModules). A preload
// ran twice in the program, once on a thread the author never meant it for: an APM agent that opens a
// port took it on the hooks thread and the main thread's copy failed, one that throws off the main thread
// ended the run before the program started. So `tsprof run` starts the program without them, and its
// own preload (hooks/register.ts) requires them, in their order, on the program's threads, after the
// hooks are registered and before the main script (and any `--import`) runs. Yarn PnP's runtime is the one
// left in place (isPnpRuntime): tsprof's preload cannot find its own packages without it.
import { UsageError } from "./errors";

/** What `tsprof run` asks for, after an unknown option that may be meant for Node. */
export const NODE_OPTION_HINT =
  "Node options go before the script with --node-option (tsprof run --node-option=--stack-size=4000 SCRIPT), " +
  "or to node itself: node --stack-size=4000 $(npx which tsprof) run SCRIPT";

/**
 * NODE_OPTIONS split as Node splits it (node_options.cc ParseNodeOptionsEnvVar): at spaces outside
 * double quotes; inside them a backslash takes the next character as it is.
 */
export function splitNodeOptions(value: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quoted = false;
  for (let at = 0; at < value.length; at++) {
    let c = value[at]!;
    if (c === "\\" && quoted) {
      c = value[++at] ?? "";
    } else if (c === " " && !quoted) {
      if (word !== undefined) words.push(word);
      word = undefined;
      continue;
    } else if (c === '"') {
      quoted = !quoted;
      word ??= "";
      continue;
    }
    word = (word ?? "") + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** `words` as a NODE_OPTIONS value that splitNodeOptions reads back as they are. */
export function joinNodeOptions(words: readonly string[]): string {
  return words.map((word) => (word === "" || /[ "\\]/.test(word) ? `"${word.replace(/["\\]/g, (c) => "\\" + c)}"` : word)).join(" ");
}

/**
 * Whether the preload is Yarn Plug'n'Play's runtime (`.pnp.cjs`; `.pnp.js` before Yarn 3), which `yarn run`
 * and `yarn node` put in NODE_OPTIONS. It is how anything finds a package in a PnP install: there is no
 * node_modules, and the packages themselves are zip archives that only its patched fs can read. So it stays
 * where Yarn put it, in the program's options ahead of tsprof's preload, and runs on every thread as under
 * plain node (the hooks thread included, which needs it as much: its hooks require tsprof's dependencies).
 * Taken out like any other preload, it ran after tsprof's preload had failed to find @tsprof/runtime.
 */
export function isPnpRuntime(preload: string): boolean {
  return /(?:^|[\\/])\.pnp\.c?js$/.test(preload);
}

/**
 * Node's options with the `-r X`, `--require X`, `--require=X` in them taken out: the rest, and the Xs in
 * order. A PnP runtime (isPnpRuntime) is left in the rest.
 */
export function takeRequirePreloads(options: readonly string[]): { rest: string[]; preloads: string[] } {
  const rest: string[] = [];
  const preloads: string[] = [];
  for (let at = 0; at < options.length; at++) {
    const option = options[at]!;
    const separate = (option === "-r" || option === "--require") && at + 1 < options.length;
    const attached = option.startsWith("--require=") || option.startsWith("-r=");
    const preload = separate ? options[at + 1]! : attached ? option.slice(option.indexOf("=") + 1) : undefined;
    if (preload !== undefined && !isPnpRuntime(preload)) preloads.push(preload);
    else rest.push(...(separate ? [option, options[at + 1]!] : [option]));
    if (separate) at++;
  }
  return { rest, preloads };
}

/**
 * Node's permission model (`--experimental-permission`, `--permission`) without `--allow-worker` refuses
 * the module hooks thread: module.register() threw ERR_ACCESS_DENIED in the program, a stack trace through
 * tsprof's preload and no profile. Refused before the program starts instead, with what to add: when this
 * process runs under the model (its options are passed on to the program), or `nodeOptions` turn it on.
 */
export function checkPermissionModel(nodeOptions: readonly string[]): void {
  const permission = (process as { permission?: { has(scope: string): boolean } }).permission;
  const inherited = permission !== undefined && !permission.has("worker");
  const given = nodeOptions.some((option) => option === "--experimental-permission" || option === "--permission") && !nodeOptions.includes("--allow-worker");
  if (inherited || given) {
    throw new UsageError("Node's permission model is on without --allow-worker: tsprof run's module hooks run in a worker thread (module.register()); add --allow-worker");
  }
}

/**
 * Node's test coverage (`--experimental-test-coverage`) measures the code V8 runs, which under `tsprof run` is the
 * instrumented code, and maps its ranges onto the file on disk: a file's percentages came out wrong (an untouched
 * function counted covered), and where the instrumented code is longer than the file the report failed with
 * "Could not report code coverage. TypeError" and exit 1 for a suite that passes. Refused before the program starts (exit 2), whether given with --node-option
 * or to the node that runs tsprof (NODE_OPTIONS may not hold it): coverage and a profile come from two runs.
 * A source map would not save it: Node 20 maps coverage through one it has cached (NODE_V8_COVERAGE set when the
 * file loads, or --enable-source-maps, which changes the program's stack traces), but with the instrumented code's
 * inline map (Babel's, tried) its report failed the same way ("Cannot read properties of undefined (reading 'line')").
 */
export function checkTestCoverage(nodeOptions: readonly string[]): void {
  if ([...process.execArgv, ...nodeOptions].includes("--experimental-test-coverage")) {
    throw new UsageError(
      "--experimental-test-coverage under tsprof run would measure the instrumented code, not yours (wrong percentages, " +
        "or no report): run coverage without tsprof (node --test --experimental-test-coverage), and profile the tests in another run",
    );
  }
}
