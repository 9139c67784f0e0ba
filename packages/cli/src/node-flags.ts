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
import { spawnSync } from "node:child_process";
import { readFileSync, realpathSync } from "node:fs";
import { dirname, join, sep } from "node:path";
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

/** What Node's permission model lets this process do (process.permission), when it runs under the model. */
function processPermission(): { has(scope: string, reference?: string): boolean } | undefined {
  return (process as { permission?: { has(scope: string, reference?: string): boolean } }).permission;
}

const isPermissionFlag = (option: string): boolean => option === "--experimental-permission" || option === "--permission";

/**
 * Whether the program runs under Node's permission model: this process does (its options and NODE_OPTIONS are
 * passed on to the program), or `nodeOptions` turn it on.
 */
export function permissionModelOn(nodeOptions: readonly string[]): boolean {
  return processPermission() !== undefined || nodeOptions.some(isPermissionFlag);
}

/**
 * Node's permission model (`--experimental-permission`, `--permission`) refuses what tsprof run needs unless it is
 * allowed; each was a stack trace or a lost profile, so each is refused before the program starts instead, with
 * what to add. Without `--allow-worker`, the module hooks thread: module.register() threw ERR_ACCESS_DENIED in the
 * program, a stack trace through tsprof's preload and no profile. Without read access to tsprof's own files
 * (ownDirectories), Node's stack trace for hooks/register.js. When this process runs under the model, it needs
 * `--allow-child-process` to start the program, and write and read access to the temporary directory to make the
 * run's directory there (`outputPrefix`) and read the profile back: each was an "internal error" and exit 70. The program's access to the run's
 * directory is granted by tsprof itself (permissionGrants).
 */
export function checkPermissionModel(nodeOptions: readonly string[], outputPrefix: string): void {
  const permission = processPermission();
  const inherited = permission !== undefined && !permission.has("worker");
  const given = nodeOptions.some(isPermissionFlag) && !nodeOptions.includes("--allow-worker");
  if (inherited || given) {
    throw new UsageError("Node's permission model is on without --allow-worker: tsprof run's module hooks run in a worker thread (module.register()); add --allow-worker");
  }
  if (permission !== undefined && !permission.has("child")) {
    throw new UsageError("Node's permission model is on without --allow-child-process: tsprof run starts the program in a child process; add --allow-child-process");
  }
  for (const [access, flag] of [["fs.write", "--allow-fs-write"], ["fs.read", "--allow-fs-read"]] as const) {
    if (permission !== undefined && !permission.has(access, outputPrefix)) {
      throw new UsageError(
        `Node's permission model is on without ${access === "fs.write" ? "write" : "read"} access to the temporary directory, where tsprof run keeps the program's profile until it is read: add ${flag}=${dirname(outputPrefix)}`,
      );
    }
  }
  if (!permissionModelOn(nodeOptions)) return;
  const unread = unreadable(ownDirectories(), nodeOptions);
  if (unread.length > 0) {
    throw new UsageError(
      `Node's permission model is on and --allow-fs-read does not cover tsprof's own files, which the program loads (its hooks, the runtime, Babel): add --allow-fs-read=${commonDirectory(unread)}`,
    );
  }
}

/**
 * The options that give the program, under Node's permission model, access to `outputDir`: it reads the run's
 * settings there and writes its profile there. Without them the runtime's write was refused, and the run ended with
 * no profile; with write access alone the hooks found no settings and nothing was profiled. Granted rather than
 * asked for: the directory is tsprof's, made for this run (mkdtemp, private to the user) and holding nothing but
 * the run's settings and profiles, and the program's other writes stay as the user allowed them. The program sees
 * the options in process.execArgv, as it sees the preload, and a child it forks gets them with the rest.
 */
export function permissionGrants(nodeOptions: readonly string[], outputDir: string): string[] {
  return permissionModelOn(nodeOptions) ? [`--allow-fs-read=${outputDir}`, `--allow-fs-write=${outputDir}`] : [];
}

/**
 * The directories of the code tsprof loads into the program (its hooks, the runtime, Babel): this package's and
 * each of its dependencies', found as Node finds them (in a node_modules up from the package that depends on
 * them), as real paths (what Node reads). One not found (an optional dependency, Yarn PnP's archives) is left out.
 */
function ownDirectories(): string[] {
  const found = new Set<string>();
  const visit = (directory: string): void => {
    if (found.has(directory)) return;
    found.add(directory);
    let manifest: { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    try {
      manifest = JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as typeof manifest;
    } catch {
      return; // under the model, one this process may not read: the probe names its directory
    }
    for (const name of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      const dependency = findPackage(name, directory);
      if (dependency !== undefined) visit(dependency);
    }
  };
  visit(realpathSync(join(__dirname, "..")));
  return [...found];
}

/** Package `name`'s directory, real path, as `require` from `from` finds it; undefined if none. */
function findPackage(name: string, from: string): string | undefined {
  for (let directory = from; ; directory = dirname(directory)) {
    try {
      return realpathSync(join(directory, "node_modules", name));
    } catch {
      if (dirname(directory) === directory) return undefined;
    }
  }
}

/** Whether `option` is one of Node's permission model's own (`--allow-fs-read=…`). */
const isPermissionOption = (option: string): boolean => isPermissionFlag(option) || /^--allow-[a-z-]+(=|$)/.test(option);

/** The permission options among `options`, an `--allow-fs-read PATH` given as two words included. */
function permissionOptions(options: readonly string[]): string[] {
  return options.flatMap((option, at) =>
    isPermissionOption(option) ? ((option === "--allow-fs-read" || option === "--allow-fs-write") && at + 1 < options.length ? [option, options[at + 1]!] : [option]) : [],
  );
}

/**
 * Those of `directories` the program may not read, asked of a node with the program's permission options (Node's own
 * matching: wildcards, several flags, relative paths): this process's, NODE_OPTIONS' and `nodeOptions`, and nothing
 * else of them (a preload would run). None when that node cannot say: the run goes on, and Node speaks for itself.
 */
function unreadable(directories: string[], nodeOptions: readonly string[]): string[] {
  const fromEnvironment = permissionOptions(splitNodeOptions(process.env.NODE_OPTIONS ?? ""));
  const probe = spawnSync(
    process.execPath,
    [...permissionOptions([...process.execArgv, ...nodeOptions]), "-e", 'console.log(JSON.stringify(process.argv.slice(1).filter((d) => !process.permission.has("fs.read", d))))', ...directories],
    { env: { ...process.env, NODE_OPTIONS: joinNodeOptions(fromEnvironment) }, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
  );
  try {
    return probe.status === 0 ? (JSON.parse(probe.stdout) as string[]) : [];
  } catch {
    return [];
  }
}

/** The deepest directory that holds all of `paths` (absolute). */
function commonDirectory(paths: readonly string[]): string {
  let common = paths[0]!;
  for (const path of paths) {
    while (path !== common && !path.startsWith(common.endsWith(sep) ? common : common + sep)) common = dirname(common);
  }
  return common;
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
