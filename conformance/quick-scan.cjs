// Fast, approximate test262 scan: each test runs plain and instrumented in vm contexts of this process (no eshost, no child processes).
//
// About a hundred times faster than run.mjs, so whole folders fit in minutes; what it skips makes
// it a scout, not the figure of record: module, raw and negative tests, tests needing
// $262.createRealm/evalScript/agent/gc or import(), cross-realm and host features. Async tests pass when
// they print Test262:AsyncTestComplete; a promise a test leaves rejected with no handler fails it. The
// probes feed the real runtime (automatic session off). Anything it reports must be confirmed with
// run.mjs before it counts.
//
// Usage: node conformance/quick-scan.cjs --test262 DIR PATH...   (prints a JSON summary, then one line per difference)
"use strict";
const { join, resolve } = require("node:path");
const vm = require("node:vm");
const babel = require("@babel/core");
const TestStream = require("test262-stream");

const args = process.argv.slice(2);
const rootIndex = args.indexOf("--test262");
if (rootIndex < 0 || !args[rootIndex + 1]) {
  process.stderr.write("quick-scan: --test262 DIR is required\n");
  process.exit(2);
}
const test262 = resolve(args[rootIndex + 1]);
const paths = args.filter((_, index) => index !== rootIndex && index !== rootIndex + 1);
process.env.TSPROF_AUTOSTART = "0";
const repoRoot = resolve(__dirname, "..");
const tsprofPlugin = require(join(repoRoot, "packages/babel-plugin/dist/index.js"));
const probeEntry = require(join(repoRoot, "packages/runtime/dist/probe.js"));
// import() needs a module loader: a vm context without one fails the call outside any try,
// which ended the whole scan (expressions/dynamic-import); module-run.mjs and run.mjs run them.
const UNSUPPORTED_FEATURES = /cross-realm|IsHTMLDDA|host-gc-required|Atomics|SharedArrayBuffer|dynamic-import/;
const NEEDS_HOST = /\$262\.(createRealm|evalScript|agent|detachArrayBuffer|gc)|\bimport\s*\(/;

/** "Name: message" of a thrown or rejected value, whatever it is (a getter that throws included). */
function describe(error) {
  try {
    if (error === null || (typeof error !== "object" && typeof error !== "function")) return `${typeof error}: ${String(error)}`;
    return `${error.constructor ? error.constructor.name : typeof error}: ${error.message}`;
  } catch {
    return typeof error;
  }
}

// Errors that surface after a test's code ran: promises of the test rejected with no handler (a
// staging test that starts async functions it never awaits, one that rejects with a string). The
// test's promise jobs run on this process's microtask queue, so Node would raise them as uncaught
// exceptions and end the scan (with a stack trace, and without the summary or after it with exit
// status 1). They are the result of the run in progress, which waits for them: see runTest().
let lateErrors = null;
function recordLateError(what, error) {
  if (lateErrors !== null) return void lateErrors.push(`${what} ${describe(error)}`);
  // Not during a test's run: the scan's own failure.
  process.stderr.write(`quick-scan: ${what} ${describe(error)}\n`);
  process.exit(2);
}
process.on("unhandledRejection", (reason) => recordLateError("unhandled rejection", reason));
process.on("uncaughtException", (error) => recordLateError("uncaught", error));

/** "pass", or what went wrong: thrown while running, rejected unhandled later, or no async completion. */
async function runTest(code, isAsync, probe) {
  const printed = [];
  const context = vm.createContext({ print: (...values) => printed.push(values.join(" ")), console: { log() {} } });
  context.$262 = { global: context };
  if (probe) context.__tsprof = probe;
  const late = [];
  lateErrors = late;
  let outcome = "pass";
  try {
    vm.runInContext(code, context, { timeout: 5000 });
  } catch (error) {
    outcome = `threw ${describe(error)}`;
  }
  // An async test gets 20 ms to print its completion; any test gets a turn of the event loop, after
  // which Node has reported the rejections its promise jobs left unhandled (to recordLateError()).
  await new Promise((done) => (isAsync ? setTimeout(done, 20) : setImmediate(done)));
  lateErrors = null;
  if (outcome !== "pass") return outcome;
  if (late.length > 0) return late[0];
  if (isAsync && !printed.join("\n").includes("Test262:AsyncTestComplete")) return `async: ${printed.join(" | ").slice(0, 200)}`;
  return "pass";
}

function instrument(test) {
  return babel.transformSync(test.contents, {
    babelrc: false,
    configFile: false,
    sourceType: "script",
    filename: join(test262, test.file),
    plugins: [[tsprofPlugin, { runtime: "global", root: test262 }]],
  }).code;
}

const tests = [];
const stream = new TestStream(test262, { paths: paths.length > 0 ? paths : ["test/language"], acceptVersion: require(join(test262, "package.json")).version });
stream.on("data", (test) => tests.push(test));
stream.on("error", (error) => {
  process.stderr.write(`quick-scan: ${error.message}\n`);
  process.exit(2);
});
stream.on("end", async () => {
  let ran = 0;
  let passedPlain = 0;
  const differences = [];
  for (const test of tests) {
    const flags = test.attrs.flags || {};
    if (flags.module || flags.raw || test.attrs.negative) continue;
    if ((test.attrs.features || []).some((feature) => UNSUPPORTED_FEATURES.test(feature)) || NEEDS_HOST.test(test.contents)) continue;
    let instrumented;
    try {
      instrumented = instrument(test);
    } catch {
      continue;
    }
    ran++;
    if ((await runTest(test.contents, flags.async, null)) !== "pass") continue;
    passedPlain++;
    const outcome = await runTest(instrumented, flags.async, probeEntry);
    if (outcome !== "pass") differences.push(`${test.file} (${test.scenario}): ${outcome}`);
  }
  process.stdout.write(`${JSON.stringify({ paths, ran, passedPlain, differences: differences.length })}\n${differences.join("\n")}\n`);
});
