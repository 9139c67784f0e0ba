// `npm run bench:instructions`: what a profiled call costs in instructions and cache misses, counted by
// valgrind's callgrind, so that two builds can be compared without the noise of timing on a shared machine.
//
// usage: node bench/instructions.mjs [--input FILE] [--variants plain,naive,exact,uncompensated,count] [--max-tree-nodes N] [--top N] [--json FILE]
//
// Each variant is acorn (the devDependency) parsing INPUT (default @babel/parser's lib/index.js,
// 0.5 MB, about 3.7 million calls) once, in a fresh `node --perf-basic-prof` under
// `valgrind --tool=callgrind --separate-threads=yes --dump-instr=yes --cache-sim=yes` (a 32 KB
// L1, a 32 MB last level). The worker ends the process right after the parse, so the counts
// cover start-up and the parse, never the profile write. Only the main thread counts: the JIT's
// and the GC's helper threads run at times that depend on valgrind's scheduling. Two runs of
// the same build differ by 2-5% in instructions, more in last-level misses.
//
// Per call = (variant − plain) / calls, calls read from a profile of the same parse. The table
// also names the JIT functions with the most instructions in the tsprof variants (perf map).
//
// The default input fits in the default call tree (400,000 nodes), so every call takes the
// recorder's tree path. `--max-tree-nodes N` (TSPROF_MAX_TREE_NODES for the tsprof variants)
// sends the calls past the first N nodes to the direct path instead, the path of most calls on
// the big workloads of `npm run bench` (tsc: 95%); the header says how many calls took it.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { callgrindTotals, jitFunctionCosts } from "./lib/callgrind.mjs";
import { instrumentBoth } from "./lib/instrument.mjs";
import { childEnv, profileCounts, runChild } from "./lib/measure.mjs";

const benchDir = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const node = process.execPath;
const worker = join(benchDir, "workers", "acorn-parse.cjs");

const USAGE = "usage: node bench/instructions.mjs [--input FILE] [--variants plain,naive,exact,uncompensated,count] [--max-tree-nodes N] [--top N] [--json FILE]";

/** What each variant runs: which build of acorn, and the environment. */
const VARIANTS = {
  plain: { module: "plain", env: {} },
  naive: { module: "naive", env: {} },
  exact: { module: "tsprof", env: {} },
  uncompensated: { module: "tsprof", env: { TSPROF_COMPENSATE: "0" } },
  count: { module: "tsprof", env: { TSPROF_MODE: "count" } },
};

function fail(message) {
  console.error(`bench/instructions: ${message}\n${USAGE}`);
  process.exit(2);
}

function parseOptions(argv) {
  const options = {
    input: join(dirname(require.resolve("@babel/parser/package.json")), "lib", "index.js"),
    variants: Object.keys(VARIANTS),
    top: 8,
    json: undefined,
    maxTreeNodes: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : fail(`${arg} needs a value`));
    if (arg === "--input") options.input = resolve(value());
    else if (arg === "--variants") options.variants = value().split(",");
    else if (arg === "--top") options.top = Number(value());
    else if (arg === "--max-tree-nodes") options.maxTreeNodes = Number(value());
    else if (arg === "--json") options.json = resolve(value());
    else if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown option ${arg}`);
  }
  for (const name of options.variants) if (!(name in VARIANTS)) fail(`unknown variant ${name} (valid: ${Object.keys(VARIANTS).join(", ")})`);
  if (!options.variants.includes("plain")) options.variants.unshift("plain");
  if (!Number.isInteger(options.top) || options.top < 0) fail("--top needs a whole number");
  if (options.maxTreeNodes !== undefined && !(Number.isInteger(options.maxTreeNodes) && options.maxTreeNodes > 0)) fail("--max-tree-nodes needs a positive whole number");
  if (!existsSync(options.input)) fail(`--input ${options.input}: no such file`);
  return options;
}

/** Runs one variant under callgrind; resolves to the main thread's totals and its JIT functions. */
function countVariant(name, module, env, input, scratch) {
  const out = join(scratch, `callgrind.${name}`);
  const args = [
    "--tool=callgrind",
    "--separate-threads=yes",
    "--dump-instr=yes",
    "--cache-sim=yes",
    "--I1=32768,8,64",
    "--D1=32768,8,64",
    "--LL=33554432,16,64",
    `--callgrind-out-file=${out}`,
    node,
    "--perf-basic-prof",
    worker,
    module,
    input,
  ];
  const childEnvironment = childEnv({ ...env, BENCH_EXIT_AFTER_PARSE: "1", TSPROF_OUTPUT: join(scratch, `${name}.tsprof.json`) });
  return new Promise((resolvePromise, reject) => {
    // In the scratch directory: --perf-basic-prof also has V8 write an isolate-*.log into the working directory.
    const child = spawn("valgrind", args, { cwd: scratch, env: childEnvironment, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const perfMap = `/tmp/perf-${child.pid}.map`;
      try {
        if (code !== 0) throw new Error(`${name}: valgrind exited ${code}:\n${stderr.trim().split("\n").slice(-20).join("\n")}`);
        JSON.parse(stdout.trim().split("\n").pop()); // the worker finished its parse and printed its line
        // The main thread's file is the one of thread 1.
        const mainThread = `${out}-01`;
        if (!existsSync(mainThread)) throw new Error(`${name}: callgrind wrote no file for the main thread`);
        const totals = callgrindTotals(mainThread);
        const jit = existsSync(perfMap) ? jitFunctionCosts(mainThread, perfMap) : [];
        resolvePromise({ name, totals, jit });
      } catch (error) {
        reject(error);
      } finally {
        rmSync(perfMap, { force: true });
      }
    });
  });
}

/** Runs `tasks` (functions returning promises), `limit` at a time; resolves to their results in order. */
async function inParallel(tasks, limit) {
  const results = new Array(tasks.length);
  let next = 0;
  const runNext = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, runNext));
  return results;
}

function format(value, digits = 0) {
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (spawnSync("valgrind", ["--version"], { encoding: "utf8" }).status !== 0) fail("valgrind is not installed (Debian: apt-get install valgrind)");
  const scratch = mkdtempSync(join(tmpdir(), "tsprof-instructions-"));
  try {
    const modules = instrumentBoth(require.resolve("acorn"), scratch, "acorn");
    // The tsprof variants' call-tree cap, when given.
    const capEnv = options.maxTreeNodes === undefined ? {} : { TSPROF_MAX_TREE_NODES: String(options.maxTreeNodes) };
    // Calls of one parse, and those past the node cap, from a profile of it (outside valgrind).
    const profilePath = join(scratch, "calls.tsprof.json");
    runChild(node, [worker, modules.tsprof, options.input], childEnv({ TSPROF_OUTPUT: profilePath, ...capEnv }));
    const { calls, pastNodeCap } = profileCounts(profilePath);

    const limit = Math.max(1, Math.min(2, availableParallelism()));
    const results = await inParallel(
      options.variants.map((name) => {
        const { module, env } = VARIANTS[name];
        return () => countVariant(name, modules[module], module === "tsprof" ? { ...env, ...capEnv } : env, options.input, scratch);
      }),
      limit,
    );
    const plain = results.find((result) => result.name === "plain").totals;
    const naive = results.find((result) => result.name === "naive")?.totals;
    // What a variant counts beyond plain, per call, summed over `events` (0 for plain itself).
    const perCall = (totals, ...events) => events.reduce((sum, event) => sum + totals[event] - plain[event], 0) / calls;
    const rows = results.map((result) => {
      const t = result.totals;
      return {
        variant: result.name,
        instructions: t.Ir,
        instructionsPerCall: perCall(t, "Ir"),
        l1DataMissesPerCall: perCall(t, "D1mr", "D1mw"),
        lastLevelMissesPerCall: perCall(t, "DLmr", "DLmw"),
        versusNaive: naive && result.name !== "plain" ? perCall(t, "Ir") / perCall(naive, "Ir") : undefined,
        topJitFunctions: result.jit.slice(0, options.top).map(([name, count]) => ({ name, instructionsPerCall: count / calls })),
      };
    });

    const cap = options.maxTreeNodes === undefined ? "the default node cap" : `a node cap of ${format(options.maxTreeNodes)}`;
    console.log(
      `acorn ${require("acorn/package.json").version} parsing ${options.input} (${format(calls)} calls, ${format(pastNodeCap)} of them past ${cap}), main thread, callgrind`,
    );
    console.log("variant          instructions   per call   L1 data misses/call   last-level misses/call   per call vs naive");
    for (const row of rows) {
      console.log(
        `${row.variant.padEnd(14)} ${format(row.instructions).padStart(15)} ${format(row.instructionsPerCall).padStart(10)} ${format(row.l1DataMissesPerCall, 2).padStart(21)} ${format(row.lastLevelMissesPerCall, 3).padStart(24)} ${row.versusNaive === undefined ? "" : `${format(row.versusNaive, 2)}x`.padStart(19)}`,
      );
    }
    for (const row of rows) {
      if (row.variant === "plain" || row.topJitFunctions.length === 0) continue;
      console.log(`\n${row.variant}: JIT functions with the most instructions per call`);
      for (const fn of row.topJitFunctions) console.log(`${format(fn.instructionsPerCall, 1).padStart(10)}  ${fn.name}`);
    }
    if (options.json) writeFileSync(options.json, JSON.stringify({ input: options.input, calls, maxTreeNodes: options.maxTreeNodes, callsPastNodeCap: pastNodeCap, rows }, null, 2) + "\n");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`bench/instructions: ${error.message}`);
  process.exit(1);
});
