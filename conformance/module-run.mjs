// `node conformance/module-run.mjs --test262 DIR [PATH...]`: test262's `flags: [module]` tests as real ES modules, plain vs. instrumented by tsprof.
//
// test262-harness's node host runs every test as a script inside a vm context, so module tests
// fail there even plain. This runner gives each selected test's folder two copies in a work dir
// whose package.json says "type": "module": in `plain/` the test files are the harness includes
// plus the test (as test262-stream builds them) and the fixtures as written; in `instrumented/`
// every one of those files went through Babel with the tsprof plugin (sourceType module, the real
// runtime imported by absolute path, so every module of a graph records into one session and the
// profile is written at exit). importStyle is "import": with "auto", a module without import/export
// (most tests) may be CommonJS for all the plugin knows, and in an ES module its fallback finds no
// `require` and records nothing. Each test then runs as `node <file>` in both copies, once (module
// code is always strict: the "strict mode" scenario is the same program).
// Files imported by relative specifier from outside the test's folder are copied along.
//
// Outcome, as INTERPRETING.md says: a negative test passes when the process fails with the
// expected error type on stderr; an async test when it prints Test262:AsyncTestComplete; any other
// when it exits 0. Every run preloads module-host.cjs (print, $262), with --unhandled-rejections=warn. A test Babel cannot parse (mostly negative syntax tests) runs unchanged in both
// copies and is counted apart. Regressions (pass plain, fail instrumented) are re-run once to drop
// flakes and matched against conformance/exclusions.txt; the summary JSON has the shape run.mjs
// writes, so summarize.mjs tabulates it with the other runs.
//
// --scripts runs the other tests of those folders instead: the script tests, each scenario (sloppy,
// strict) once, as a classic script of the main realm (script-host.cjs: vm.runInThisContext with
// Node's own loader for import()), the way test262-harness's vm host cannot run import(). The test
// goes through Babel as a script with the runtime global (preloaded, as the harness run inlines
// it); the folder's fixtures stay ES modules, instrumented as above.
//
// Usage: node conformance/module-run.mjs --test262 DIR [--scripts] [--threads 2] [--timeout MS] [--out FILE] [PATH...]
//   PATH: folders or files relative to DIR (default: those of test/language/module-code, import, export that exist).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, copyFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readExclusions, readRunnerOptions } from "./run.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "..");
const require = createRequire(import.meta.url);
const babel = require("@babel/core");
const TestStream = require("test262-stream");
const HOST = join(here, "module-host.cjs");
const SCRIPT_HOST = join(here, "script-host.cjs");
const DEFAULT_PATHS = ["test/language/module-code", "test/language/import", "test/language/export"];
const RELATIVE_SPECIFIER = /(?:\bfrom|\bimport)\s*\(?\s*(['"])(\.{1,2}\/[^'"]+)\1/g;

function usageError(message) {
  process.stderr.write(`module-run: ${message}\n`);
  process.exit(2);
}

function readOptions(argv) {
  const { values, ...common } = readRunnerOptions(argv, {
    name: "module-run",
    defaultOut: join(here, "results", "modules.json"),
    defaultPaths: DEFAULT_PATHS,
    options: { scripts: { type: "boolean", default: false } },
  });
  const probe = join(repoRoot, "packages", "runtime", "dist", "probe.js");
  if (!existsSync(probe)) usageError("no built runtime (build it: npx tsc -b packages/runtime)");
  return { ...common, probe, scripts: values.scripts };
}

/**
 * The tests under `paths` (harness includes already prepended): module-flagged ones, one record per
 * file; with `scripts`, the others, one per scenario. `id` names a run, `runFile` is where it is written.
 */
function collectTests(test262, paths, scripts) {
  return new Promise((resolvePromise, reject) => {
    const tests = new Map();
    const stream = new TestStream(test262, { paths, acceptVersion: JSON.parse(readFileSync(join(test262, "package.json"), "utf8")).version });
    stream.on("data", (test) => {
      if (!scripts && test.attrs.flags.module && test.scenario === "default") tests.set(test.file, { ...test, id: `${test.file} (module)`, runFile: test.file });
      if (scripts && !test.attrs.flags.module) {
        const runFile = test.scenario === "strict mode" ? test.file.replace(/\.js$/, ".strict-mode.js") : test.file;
        tests.set(`${test.file} (${test.scenario})`, { ...test, id: `${test.file} (${test.scenario})`, runFile });
      }
    });
    stream.on("error", reject);
    stream.on("end", () => resolvePromise([...tests.values()].sort((a, b) => (a.file < b.file ? -1 : 1))));
  });
}

/** Every file the tests' folders hold, plus what they import by relative path from elsewhere (transitively). */
function filesToCopy(test262, tests) {
  const files = new Set();
  const queue = [];
  const add = (file) => {
    if (files.has(file) || !existsSync(join(test262, file)) || !statSync(join(test262, file)).isFile()) return;
    files.add(file);
    queue.push(file);
  };
  for (const folder of new Set(tests.map((test) => dirname(test.file)))) {
    for (const name of readdirSync(join(test262, folder))) add(`${folder}/${name}`);
  }
  while (queue.length > 0) {
    const file = queue.pop();
    if (!file.endsWith(".js")) continue;
    for (const match of readFileSync(join(test262, file), "utf8").matchAll(RELATIVE_SPECIFIER)) {
      add(relative(test262, resolve(test262, dirname(file), match[2])).split("\\").join("/"));
    }
  }
  return [...files].sort();
}

/** The instrumented text of one module (or script test), or { error } when Babel cannot parse it (it then runs unchanged). */
function instrument(source, file, options, asScript = false) {
  try {
    return babel.transformSync(source, {
      babelrc: false,
      configFile: false,
      filename: join(options.test262, file),
      sourceType: asScript ? "script" : "module",
      compact: false,
      plugins: [
        [
          require(join(repoRoot, "packages/babel-plugin/dist/index.js")),
          asScript ? { runtime: "global", root: options.test262 } : { runtime: options.probe, importStyle: "import", root: options.test262 },
        ],
      ],
    }).code;
  } catch (error) {
    return { error: String(error && error.message ? error.message : error).split("\n")[0] };
  }
}

/** Writes plain/ and instrumented/ under `work`; returns what the transform did per test file. */
function layOut(work, tests, options) {
  const byFile = new Map(tests.map((test) => [test.runFile, test]));
  const transform = {};
  const fallbacks = [];
  for (const tree of ["plain", "instrumented"]) {
    mkdirSync(join(work, tree), { recursive: true });
    writeFileSync(join(work, tree, "package.json"), '{ "type": "module" }\n');
  }
  const runFiles = options.scripts ? tests.map((test) => test.runFile) : [];
  for (const file of [...new Set([...filesToCopy(options.test262, tests), ...runFiles])]) {
    const test = byFile.get(file);
    // In --scripts runs a script test's own .js file, unless it is a run file, is not needed: skip it.
    if (options.scripts && !test && tests.some((t) => t.file === file)) continue;
    const source = test ? test.contents : readFileSync(join(options.test262, file), "utf8");
    for (const tree of ["plain", "instrumented"]) mkdirSync(dirname(join(work, tree, file)), { recursive: true });
    writeFileSync(join(work, "plain", file), source);
    if (!file.endsWith(".js")) {
      copyFileSync(join(options.test262, file), join(work, "instrumented", file));
      continue;
    }
    const code = instrument(source, file, options, options.scripts && test !== undefined);
    const status = typeof code === "string" ? "instrumented" : expectsSyntaxError(test) ? "negative-parse-error" : "parse-error";
    if (test) transform[status] = (transform[status] ?? 0) + 1;
    // Tests left uninstrumented for a reason other than being a negative syntax test (a fixture Babel
    // rejects, or a script test sharing the folder, is not one).
    if (test && status === "parse-error") fallbacks.push({ file, status, message: code.error });
    writeFileSync(join(work, "instrumented", file), typeof code === "string" ? code : source);
  }
  return { transform, fallbacks };
}

function expectsSyntaxError(test) {
  const negative = test && test.attrs.negative;
  return !!negative && (negative.phase === "parse" || negative.phase === "resolution") && negative.type === "SyntaxError";
}

/** Runs one test file with node; resolves to { pass, message }. */
function runTest(root, test, options, env) {
  const file = join(root, test.runFile);
  // Scripts: the runtime is preloaded in the instrumented copy (the test finds globalThis.__tsprof).
  // A rejection handled a turn later is no error to test262 (HostPromiseRejectionTracker only
  // reports); Node's default would end the process, and whether it does depends on loader timing:
  // for-await-resolution-and-error.js failed that way in 3 of 12 plain runs.
  const host = ["--expose-gc", "--unhandled-rejections=warn", "--require", HOST];
  const args = options.scripts
    ? [...host, "--no-warnings", ...(root.endsWith("instrumented") ? ["--require", options.probe] : []), SCRIPT_HOST, file]
    : [...host, file];
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, args, { cwd: dirname(file), env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeout);
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise(judge(test, { code, stdout, stderr, timedOut }));
    });
  });
}

/** INTERPRETING.md's verdict for one run. */
function judge(test, { code, stdout, stderr, timedOut }) {
  // Node prints the failing source line and a caret before the error itself: show the error.
  const firstLine = (text) => text.split("\n").find((line) => /^\w*(Error|Exception)\b/.test(line)) ?? text.split("\n").find((line) => /\S/.test(line)) ?? "";
  if (timedOut) return { pass: false, message: "timed out" };
  const negative = test.attrs.negative;
  if (negative) {
    if (code !== 0 && new RegExp(`\\b${negative.type}\\b`).test(stderr)) return { pass: true, message: "" };
    return { pass: false, message: code === 0 ? `expected ${negative.type}, exited 0` : `expected ${negative.type}: ${firstLine(stderr)}` };
  }
  if (code !== 0) return { pass: false, message: `exit ${code}: ${firstLine(stderr)}` };
  if (test.attrs.flags.async && !stdout.includes("Test262:AsyncTestComplete")) return { pass: false, message: `async: ${firstLine(stdout)}` };
  return { pass: true, message: "" };
}

/** Runs `tests` in `root`, `threads` at a time; Map<file, { pass, message }>. */
async function runAll(root, tests, options, env) {
  const results = new Map();
  let next = 0;
  const worker = async () => {
    while (next < tests.length) {
      const test = tests[next++];
      results.set(test.id, await runTest(root, test, options, env));
    }
  };
  await Promise.all(Array.from({ length: options.threads }, worker));
  return results;
}

function gitCommit(dir) {
  try {
    return readFileSync(join(dir, "COMMIT"), "utf8").trim();
  } catch {
    return "unknown (write the commit id to DIR/COMMIT)";
  }
}

async function main() {
  const options = readOptions(process.argv.slice(2));
  const exclusions = readExclusions(options.exclusionsFile);
  const started = Date.now();
  const tests = await collectTests(options.test262, options.paths, options.scripts);
  if (tests.length === 0) usageError(`no ${options.scripts ? "script" : "flags: [module]"} tests under ${options.paths.join(" ")}`);
  const work = mkdtempSync(join(tmpdir(), "tsprof-module-conformance-"));
  const profiles = join(work, "profiles");
  mkdirSync(profiles);
  try {
    process.stderr.write(`module-run: ${tests.length} ${options.scripts ? "script test runs" : "module tests"}; laying out plain and instrumented copies\n`);
    const { transform, fallbacks } = layOut(work, tests, options);
    const profileEnv = { TSPROF_OUTPUT: join(profiles, "profile-%p.tsprof.json") };
    process.stderr.write("module-run: plain run\n");
    const plain = await runAll(join(work, "plain"), tests, options, {});
    process.stderr.write("module-run: instrumented run\n");
    const instrumented = await runAll(join(work, "instrumented"), tests, options, profileEnv);
    const profilesWritten = readdirSync(profiles).length;
    let regressions = tests.filter((test) => plain.get(test.id).pass && !instrumented.get(test.id).pass);
    let flaky = [];
    if (regressions.length > 0) {
      const retry = await runAll(join(work, "instrumented"), regressions, options, profileEnv);
      flaky = regressions.filter((test) => retry.get(test.id).pass).map((test) => test.id);
      regressions = regressions.filter((test) => !retry.get(test.id).pass);
    }
    const classified = regressions.map((test) => {
      const exclusion = exclusions.find((e) => e.test(test.file));
      return {
        test: test.id,
        cause: "tsprof",
        message: instrumented.get(test.id).message,
        excludedBy: exclusion ? `${exclusion.pattern} # ${exclusion.reason}` : undefined,
      };
    });
    const unexplained = classified.filter((r) => !r.excludedBy);
    const count = (results) => [...results.values()].filter((r) => r.pass).length;
    const summary = {
      date: new Date().toISOString(),
      test262Commit: gitCommit(options.test262),
      node: process.version,
      runner: options.scripts ? "module-run.mjs --scripts (node, classic scripts via vm.runInThisContext, ES module fixtures)" : "module-run.mjs (node, .js files in a type: module folder)",
      paths: options.paths,
      minutes: Math.round((Date.now() - started) / 600) / 100,
      testRuns: tests.length,
      passedPlain: count(plain),
      passedInstrumented: count(instrumented),
      transform,
      profilesWritten,
      regressions: classified.length,
      regressionsExcluded: classified.length - unexplained.length,
      regressionsUnexplained: unexplained.length,
      flakyOnRetry: flaky,
      passOnlyInstrumented: tests.filter((t) => !plain.get(t.id).pass && instrumented.get(t.id).pass).map((t) => t.id),
      failPlain: tests.filter((t) => !plain.get(t.id).pass).map((t) => `${options.scripts ? t.id : t.file}: ${plain.get(t.id).message}`),
      transformFallbacks: fallbacks,
      regressionList: classified,
    };
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, `${JSON.stringify(summary, null, 2)}\n`);
    const lines = [
      `test262 ${summary.test262Commit}, ${options.scripts ? "script" : "module"} tests of ${options.paths.join(" ")}`,
      `test runs: ${summary.testRuns}`,
      `passed plain:        ${summary.passedPlain}`,
      `passed instrumented: ${summary.passedInstrumented}`,
      `transform: ${Object.entries(transform).map(([k, v]) => `${k} ${v}`).join(", ")}; profiles written: ${profilesWritten}`,
      `pass plain, fail instrumented: ${summary.regressions} (${summary.regressionsExcluded} excluded, ${flaky.length} more passed on retry)`,
      ...classified.map((r) => `  ${r.excludedBy ? "excluded " : "REGRESSION"} ${r.test}: ${r.message}`),
      `summary: ${relative(process.cwd(), options.out)}`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    process.exitCode = unexplained.length > 0 ? 1 : 0;
  } finally {
    if (process.env.TSPROF_KEEP_WORK) process.stderr.write(`module-run: work dir kept: ${work}\n`);
    else rmSync(work, { recursive: true, force: true });
  }
}

function fail(error) {
  process.stderr.write(`module-run: ${String(error && error.message ? error.message : error).split("\n").join(": ")}\n`);
  process.exit(1);
}
// test262-stream throws a malformed front matter from an fs callback, out of reach of its error event.
process.on("uncaughtException", fail);
main().catch(fail);
