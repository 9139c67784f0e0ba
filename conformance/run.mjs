// `npm run conformance -- --test262 DIR [PATH...]`: test262 plain vs. instrumented by tsprof, and every test that only fails instrumented.
//
// Each selected test runs through test262-harness (node host, both strict and sloppy scenarios)
// twice: with the identity preprocessor and with tsprof's (Babel plugin, runtime "global", runtime
// bundle inlined). A test that passes plain but fails instrumented is a regression; it is run
// again instrumented (to drop flakes from a loaded machine) and once through Babel without the
// plugin (to tell Babel's own round trip from tsprof's transform). Regressions matching
// conformance/exclusions.txt are known, justified differences; any other one fails the run.
//
// Usage: node conformance/run.mjs --test262 DIR [--threads 2] [--timeout MS] [--out FILE] [--packages DIR] [PATH...]
//   PATH: test files or folders relative to DIR (default test/language).
//   --packages: where the built runtime and format packages are (default this checkout's packages/);
//   the runtime is bundled once per run and checked to record before any test runs.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "..");
const require = createRequire(import.meta.url);
const picomatch = require("picomatch");
const HARNESS = require.resolve("test262-harness/bin/run.js");
const { buildRuntimeBundle, checkBundleWritesProfile, checkRuntimeBundle } = require("./runtime-bundle.cjs");

function usageError(message) {
  process.stderr.write(`conformance: ${message}\n`);
  process.exit(2);
}

function readOptions(argv) {
  const { values, ...common } = readRunnerOptions(argv, {
    name: "conformance",
    defaultOut: join(here, "results", "last-run.json"),
    defaultPaths: ["test/language"],
    options: { packages: { type: "string", default: join(repoRoot, "packages") } },
  });
  const packages = resolve(values.packages);
  if (!existsSync(join(packages, "runtime", "dist", "probe.js"))) usageError(`no built runtime in ${packages}/runtime/dist (build it: npx tsc -b packages/runtime)`);
  return { ...common, packages };
}

/**
 * The options both runners (this one and module-run.mjs) take: --test262 DIR (a checkout),
 * --threads, --timeout (ms), --out, --exclusions, `options` of their own, and test paths
 * (default: those of `defaultPaths` the checkout has). A bad one: one line, exit 2.
 */
export function readRunnerOptions(argv, { name, defaultOut, defaultPaths, options = {} }) {
  const fail = (message) => {
    process.stderr.write(`${name}: ${message}\n`);
    process.exit(2);
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        test262: { type: "string" },
        threads: { type: "string", default: "2" },
        timeout: { type: "string", default: "20000" },
        out: { type: "string", default: defaultOut },
        exclusions: { type: "string", default: join(here, "exclusions.txt") },
        ...options,
      },
    });
  } catch (error) {
    fail(error.message);
  }
  const { values, positionals } = parsed;
  if (!values.test262) fail("--test262 DIR is required (a test262 checkout with test/ and harness/)");
  const test262 = resolve(values.test262);
  if (!existsSync(join(test262, "harness", "assert.js")) || !existsSync(join(test262, "test"))) {
    fail(`${test262} is not a test262 checkout (no harness/assert.js or test/)`);
  }
  const threads = Number(values.threads);
  const timeout = Number(values.timeout);
  if (!Number.isInteger(threads) || threads < 1) fail(`--threads must be a positive integer, got ${values.threads}`);
  if (!Number.isInteger(timeout) || timeout < 1) fail(`--timeout must be a positive integer (ms), got ${values.timeout}`);
  const paths = positionals.length > 0 ? positionals : defaultPaths.filter((path) => existsSync(join(test262, path)));
  for (const path of paths) {
    // A glob (`folder/*.js`) is checked by its folder; the harness expands it.
    const fixed = isGlob(path) ? path.slice(0, path.search(GLOB_CHARACTER)) : path;
    if (!existsSync(join(test262, fixed))) fail(`no such test path in ${test262}: ${path}`);
  }
  if (paths.length === 0) fail(`none of ${defaultPaths.join(", ")} in ${test262}`);
  return { values, test262, threads, timeout, out: resolve(values.out), exclusionsFile: resolve(values.exclusions), paths };
}

/** conformance/exclusions.txt: `PATTERN  # justification` per line (PATTERN: a test path, a folder ending in /, or a glob). */
export function readExclusions(file) {
  if (!existsSync(file)) return [];
  const exclusions = [];
  readFileSync(file, "utf8").split("\n").forEach((line, index) => {
    const text = line.trim();
    if (text === "" || text.startsWith("#")) return;
    const match = /^(\S+)\s+#\s*(\S.*)$/.exec(text);
    if (!match) usageError(`${relative(process.cwd(), file)}:${index + 1}: expected "PATTERN  # justification", got: ${text}`);
    const [, pattern, reason] = match;
    const test = pattern.endsWith("/") ? (path) => path.startsWith(pattern) : picomatch(pattern);
    exclusions.push({ pattern, reason, test });
  });
  return exclusions;
}

const GLOB_CHARACTER = /[*?[{]/;
const isGlob = (path) => GLOB_CHARACTER.test(path);

/** The harness's test globs: folders become `folder/**\/*.js`; files and globs (`folder/*.js`) pass as they are. */
function harnessGlobs(test262, paths) {
  return paths.map((path) => (!isGlob(path) && statSync(join(test262, path)).isDirectory() ? `${path.replace(/\/$/, "")}/**/*.js` : path));
}

/** Runs test262-harness once; resolves to Map<"file (scenario)", { file, scenario, pass, message }>. */
function runHarness({ test262, threads, timeout }, preprocessor, globs, env) {
  const args = [
    HARNESS,
    "--test262-dir", test262,
    "--host-type", "node",
    "--host-path", process.execPath,
    "--threads", String(threads),
    "--timeout", String(timeout),
    "--reporter", "json",
    "--reporter-keys", "file,scenario,result",
    "--preprocessor", preprocessor,
    ...globs,
  ];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd: test262, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    const out = [];
    let errors = "";
    child.stdout.on("data", (chunk) => out.push(chunk));
    child.stderr.on("data", (chunk) => (errors += chunk));
    child.on("error", reject);
    child.on("close", () => {
      const text = Buffer.concat(out).toString("utf8").trim();
      let records;
      try {
        records = JSON.parse(text === "" ? "[]" : text);
      } catch (error) {
        reject(new Error(`test262-harness output is not JSON (${error.message}); stderr: ${errors.split("\n")[0]}`));
        return;
      }
      const results = new Map();
      for (const { file, scenario, result } of records) {
        const message = result.pass ? "" : String(result.message ?? "").split("\n").slice(0, 3).join(" | ");
        results.set(`${file} (${scenario})`, { file, scenario, pass: !!result.pass, message });
      }
      resolvePromise(results);
    });
  });
}

function readTransformLog(file) {
  const statuses = {};
  const fallbacks = [];
  if (!existsSync(file)) return { statuses, fallbacks };
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line === "") continue;
    const entry = JSON.parse(line);
    statuses[entry.status] = (statuses[entry.status] ?? 0) + 1;
    if (entry.status === "plugin-error" || entry.status === "parse-error") fallbacks.push(entry);
  }
  return { statuses, fallbacks };
}

function gitCommit(dir) {
  try {
    return readFileSync(join(dir, "COMMIT"), "utf8").trim();
  } catch {
    return "unknown (write the commit id to DIR/COMMIT)";
  }
}

function count(results, predicate) {
  let n = 0;
  for (const value of results.values()) if (predicate(value)) n++;
  return n;
}

async function main() {
  const options = readOptions(process.argv.slice(2));
  const exclusions = readExclusions(options.exclusionsFile);
  const globs = harnessGlobs(options.test262, options.paths);
  const work = mkdtempSync(join(tmpdir(), "tsprof-conformance-"));
  const profiles = join(work, "profiles");
  mkdirSync(profiles);
  const bundlePath = join(work, "runtime-bundle.js");
  try {
    const bundle = buildRuntimeBundle(options.packages);
    checkRuntimeBundle(bundle);
    writeFileSync(bundlePath, bundle);
    checkBundleWritesProfile(bundlePath, join(work, "check.tsprof.json"));
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    usageError(error.message);
  }
  const instrumentedEnv = (label) => ({
    TSPROF_CONFORMANCE_BUNDLE: bundlePath,
    TSPROF_TEST262_ROOT: options.test262,
    TSPROF_CONFORMANCE_LOG: join(work, `${label}.jsonl`),
    TSPROF_OUTPUT: join(profiles, "profile-%p.tsprof.json"),
  });
  const identity = join(here, "identity-preprocessor.cjs");
  const instrument = join(here, "instrument-preprocessor.cjs");
  const started = Date.now();
  try {
    process.stderr.write(`conformance: plain run of ${options.paths.join(" ")}\n`);
    const plain = await runHarness(options, identity, globs, {});
    process.stderr.write(`conformance: instrumented run (${plain.size} test runs)\n`);
    const instrumented = await runHarness(options, instrument, globs, instrumentedEnv("instrumented"));
    const profilesWritten = readdirSync(profiles).length;

    let regressions = [...plain.values()].filter((r) => r.pass && instrumented.get(`${r.file} (${r.scenario})`)?.pass === false);
    const improvements = [...plain.values()].filter((r) => !r.pass && instrumented.get(`${r.file} (${r.scenario})`)?.pass === true);
    let flaky = [];
    let babelOnly = new Map();
    if (regressions.length > 0) {
      const files = [...new Set(regressions.map((r) => r.file))].sort();
      process.stderr.write(`conformance: re-running ${files.length} files with regressions (instrumented, then Babel without tsprof)\n`);
      const retry = await runHarness(options, instrument, files, instrumentedEnv("retry"));
      flaky = regressions.filter((r) => retry.get(`${r.file} (${r.scenario})`)?.pass === true);
      regressions = regressions.filter((r) => !flaky.includes(r));
      babelOnly = await runHarness(options, instrument, files, { ...instrumentedEnv("babel-only"), TSPROF_CONFORMANCE_PLUGIN: "0" });
    }
    const classify = (r) => {
      const exclusion = exclusions.find((e) => e.test(r.file));
      const babel = babelOnly.get(`${r.file} (${r.scenario})`);
      return {
        test: `${r.file} (${r.scenario})`,
        cause: babel && !babel.pass ? "babel-round-trip" : "tsprof",
        message: instrumented.get(`${r.file} (${r.scenario})`).message,
        excludedBy: exclusion ? `${exclusion.pattern} # ${exclusion.reason}` : undefined,
      };
    };
    const classified = regressions.map(classify).sort((a, b) => (a.test < b.test ? -1 : a.test > b.test ? 1 : 0));
    const unexplained = classified.filter((r) => !r.excludedBy);
    const transform = readTransformLog(join(work, "instrumented.jsonl"));
    const summary = {
      date: new Date().toISOString(),
      test262Commit: gitCommit(options.test262),
      node: process.version,
      paths: options.paths,
      minutes: Math.round((Date.now() - started) / 600) / 100,
      testRuns: plain.size,
      passedPlain: count(plain, (r) => r.pass),
      passedInstrumented: count(instrumented, (r) => r.pass),
      transform: transform.statuses,
      profilesWritten,
      regressions: classified.length,
      regressionsExcluded: classified.length - unexplained.length,
      regressionsUnexplained: unexplained.length,
      flakyOnRetry: flaky.map((r) => `${r.file} (${r.scenario})`).sort(),
      passOnlyInstrumented: improvements.map((r) => `${r.file} (${r.scenario})`).sort(),
      // Tests left uninstrumented for a reason other than being a negative syntax test.
      transformFallbacks: transform.fallbacks,
      regressionList: classified,
    };
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, `${JSON.stringify(summary, null, 2)}\n`);
    const lines = [
      `test262 ${summary.test262Commit}, ${options.paths.join(" ")}`,
      `test runs (file × scenario): ${summary.testRuns}`,
      `passed plain:        ${summary.passedPlain}`,
      `passed instrumented: ${summary.passedInstrumented}`,
      `transform: ${Object.entries(summary.transform).map(([k, v]) => `${k} ${v}`).join(", ")}; profiles written: ${profilesWritten}`,
      `pass plain, fail instrumented: ${summary.regressions} (${summary.regressionsExcluded} excluded, ${summary.flakyOnRetry.length} more passed on retry)`,
      ...classified.map((r) => `  ${r.excludedBy ? "excluded " : "REGRESSION"} [${r.cause}] ${r.test}: ${r.message}`),
      `summary: ${relative(process.cwd(), options.out)}`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    process.exitCode = unexplained.length > 0 ? 1 : 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`conformance: ${error.message}\n`);
    process.exit(1);
  });
}
