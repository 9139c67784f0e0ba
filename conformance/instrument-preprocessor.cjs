// test262-harness `--preprocessor`: instruments each test with tsprof's Babel plugin and inlines the runtime.
//
// A test's `contents` is the harness includes plus the test, with `"use strict";` first in the
// strict scenario. The output keeps that directive prologue first, then the runtime bundle, then
// tsprof's module header (runtime "global"), then the instrumented code:
//
//   "use strict";
//   ;(function () { …defines globalThis.__tsprof… })();
//   var _tsprof$<tag>$m; function _tsprof$<tag>() { … globalThis.__tsprof.module("test/…", [...]) }
//   …
//
// `flags: [raw]` tests run exactly as written (no includes, no prefix): they are left alone.
// A test Babel cannot parse (a negative syntax test, or syntax Node has but Babel lacks) runs
// unchanged; every such fallback is logged to TSPROF_CONFORMANCE_LOG (JSON lines) so the
// runner can report how many tests were really instrumented.
//
// TSPROF_CONFORMANCE_BUNDLE names a prebuilt runtime bundle (the runner builds and checks one per
// run, so every configuration uses the same runtime even while packages/runtime is being rebuilt).
// TSPROF_CONFORMANCE_PLUGIN=0 runs the same Babel round trip without the tsprof plugin, to tell
// Babel's own parse/print differences from tsprof's.
"use strict";
const { appendFileSync, readFileSync } = require("node:fs");
const { join, resolve } = require("node:path");
const babel = require("@babel/core");
const { buildRuntimeBundle } = require("./runtime-bundle.cjs");

const repoRoot = resolve(__dirname, "..");
const tsprofPlugin = require(join(repoRoot, "packages/babel-plugin/dist/index.js"));
const withPlugin = process.env.TSPROF_CONFORMANCE_PLUGIN !== "0";
const logPath = process.env.TSPROF_CONFORMANCE_LOG;
const test262Root = process.env.TSPROF_TEST262_ROOT ?? process.cwd();
const bundlePath = process.env.TSPROF_CONFORMANCE_BUNDLE;
const runtimeBundle = !withPlugin ? "" : bundlePath ? readFileSync(bundlePath, "utf8") : buildRuntimeBundle();
const PLACEHOLDER = "__tsprof_conformance_runtime__";

/** Puts `PLACEHOLDER;` first in the program body (after the directive prologue); replaced by the bundle after printing. */
function runtimePlaceholderPlugin() {
  return {
    name: "tsprof-conformance-runtime-placeholder",
    visitor: {
      Program: {
        exit(path) {
          path.node.body.unshift(babel.types.expressionStatement(babel.types.identifier(PLACEHOLDER)));
        },
      },
    },
  };
}

function log(entry) {
  if (logPath) appendFileSync(logPath, `${JSON.stringify(entry)}\n`);
}

function oneLine(error) {
  return String(error && error.message ? error.message : error).split("\n")[0];
}

module.exports = function instrumentTest(test) {
  const flags = test.attrs.flags ?? {};
  if (flags.raw) {
    log({ file: test.file, scenario: test.scenario, status: "raw" });
    return test;
  }
  let code;
  try {
    const plugins = withPlugin ? [[tsprofPlugin, { runtime: "global", root: test262Root }], runtimePlaceholderPlugin] : [];
    code = babel.transformSync(test.contents, {
      babelrc: false,
      configFile: false,
      filename: join(test262Root, test.file),
      sourceType: flags.module ? "module" : "script",
      parserOpts: { allowReturnOutsideFunction: false },
      compact: false,
      plugins,
    }).code;
  } catch (error) {
    // Babel's parser throws SyntaxError-like errors with a `code` (BABEL_PARSER_SYNTAX_ERROR…); the plugin's
    // own failures are "tsprof: could not instrument this file": both are logged, the test runs unchanged.
    const negative = test.attrs.negative;
    const expectedSyntaxError = !!negative && (negative.phase === "parse" || negative.phase === "early");
    const kind = /tsprof:/.test(oneLine(error)) ? "plugin-error" : expectedSyntaxError ? "negative-syntax-test" : "parse-error";
    log({ file: test.file, scenario: test.scenario, status: kind, reason: oneLine(error) });
    return test;
  }
  test.contents = withPlugin ? code.replace(`${PLACEHOLDER};`, () => runtimeBundle) : code;
  log({ file: test.file, scenario: test.scenario, status: "instrumented" });
  return test;
};
