// Child process: times one Babel parse + transform + generate of FILE with the tsprof plugin or babel-plugin-istanbul, after a warm-up on a small snippet; prints {"seconds"} as JSON.
// usage: node transform-file.cjs (tsprof | istanbul) FILE OUTDIR
"use strict";

const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const babel = require("@babel/core");

const [pluginName, inputPath, outDir] = process.argv.slice(2);
const runtime = require.resolve("@tsprof/runtime/probe");
const PLUGINS = {
  tsprof: () => [require.resolve("@tsprof/babel-plugin"), { runtime, importStyle: "require", root: outDir }],
  // cwd: the file is transformed as if it lived in OUTDIR, which babel-plugin-istanbul's include/exclude rules then accept.
  istanbul: () => [require.resolve("babel-plugin-istanbul"), { cwd: outDir }],
};
/** What each plugin's output contains when the file was instrumented (and not skipped). */
const MARKERS = { tsprof: JSON.stringify(runtime), istanbul: "cov_" };
if (!(pluginName in PLUGINS)) throw new Error(`unknown plugin ${pluginName}`);

/** Babel options shared by both plugins: everything but the plugin is the same. */
function transform(code, filename) {
  return babel.transformSync(code, {
    filename,
    root: outDir,
    cwd: outDir,
    babelrc: false,
    configFile: false,
    sourceType: "script",
    plugins: [PLUGINS[pluginName]()],
  }).code;
}

// Babel notes that it compacts big outputs on stderr; the parent reads stdout only.
// Warm-up: loads the plugin and whatever it reads once per process (istanbul: the nyc config).
transform("function warm(a) { return a + 1; }\n", join(outDir, "warm-up.js"));
const source = readFileSync(inputPath, "utf8");
const start = process.hrtime.bigint();
const output = transform(source, join(outDir, "input.js"));
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
if (!output.includes(MARKERS[pluginName])) throw new Error(`${pluginName} left ${inputPath} uninstrumented`);
process.stdout.write(JSON.stringify({ seconds, inputBytes: Buffer.byteLength(source), outputBytes: Buffer.byteLength(output) }) + "\n");
