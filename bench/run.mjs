// `npm run bench`: tsprof's probe overhead, measured side by side with plain runs and with cProfile; prints a table, writes bench/results.json.
//
// usage: see USAGE below and bench/README.md.
//
// Every figure is a median of N (>= 5) runs, each in a fresh child process (plain and
// profiled code never share a JIT), the variants interleaved run by run:
// - plain: the workload as is;
// - tsprof: instrumented by the Babel plugin, with the real runtime and its default clock,
//   profile written at exit (not timed);
// - naive probe: the same instrumented code bound to lib/naive-probe.cjs (performance.now()
//   per event, flat counters), the in-run baseline for what a probe costs on this machine;
// - cProfile, for the Python twin of fib.
// Overhead per call = (profiled - plain) / calls, calls read from the tsprof run's own
// profile (and checked against 2 * F(n + 1) - 1 for fib).
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { instrumentBoth, instrumentFile } from "./lib/instrument.mjs";
import { alternate, childEnv, median, profileCounts, runChild, timeProcess } from "./lib/measure.mjs";

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(benchDir, "..");
const require = createRequire(import.meta.url);
const node = process.execPath;

const USAGE =
  "usage: node bench/run.mjs [--quick] [--runs N] [--fib 27,28,29,30] [--input FILE] [--async-chains N] [--tsc-project DIR] [--transform-input FILE] [--slow-runs N]\n" +
  "                          [--skip-fib] [--skip-python] [--skip-acorn] [--skip-async] [--skip-tsc] [--skip-transform] [--skip-startup] [--skip-stats]\n" +
  "                          [--stats-profile FILE ...]   (the stats section on these profiles of workload 3 instead of the tsc section's)";

function parseOptions(argv) {
  const options = {
    runs: 5,
    fib: [27, 28, 29, 30],
    pythonFib: 27,
    input: join(repoRoot, "node_modules", "typescript", "lib", "typescript.js"),
    python: true,
    acorn: true,
    asyncChains: 20_000,
    clockReads: 2_000_000,
    tsc: true,
    tscProject: join(repoRoot, "packages", "stats"),
    transform: true,
    transformInput: join(repoRoot, "node_modules", "typescript", "lib", "typescript.js"),
    startup: true,
    startupCopies: 3,
    stats: true,
    statsProfiles: 20,
    /** Profiles of workload 3 given with --stats-profile (else the tsc section's). */
    statsInputs: [],
    // Runs of the sections whose single sample takes a minute or more (the Babel transform of
    // typescript.js, loading 20 tsc profiles).
    slowRuns: 3,
  };
  if (argv.includes("--quick")) {
    // Smaller inputs: one fib size, a 0.5 MB acorn and transform input, fewer chains, a smaller
    // project to compile and to start. typescript.js is still instrumented once (about a minute).
    options.fib = [25];
    options.input = join(repoRoot, "node_modules", "@babel", "parser", "lib", "index.js");
    options.transformInput = options.input;
    options.asyncChains = 5_000;
    options.tscProject = join(repoRoot, "packages", "format");
    options.startupCopies = 1;
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === "--runs") {
      options.runs = Number(value());
      if (!Number.isInteger(options.runs) || options.runs < 5) fail("--runs must be an integer >= 5");
    } else if (arg === "--fib") {
      options.fib = value().split(",").map(Number);
      if (options.fib.some((n) => !Number.isInteger(n) || n < 1 || n > 40)) fail("--fib takes integers 1..40, comma-separated");
    } else if (arg === "--input") options.input = value();
    else if (arg === "--skip-python") options.python = false;
    else if (arg === "--skip-async") options.asyncChains = 0;
    else if (arg === "--async-chains") {
      options.asyncChains = Number(value());
      if (!Number.isInteger(options.asyncChains) || options.asyncChains < 1) fail("--async-chains must be a positive integer");
    } else if (arg === "--slow-runs") {
      options.slowRuns = Number(value());
      if (!Number.isInteger(options.slowRuns) || options.slowRuns < 3) fail("--slow-runs must be an integer >= 3");
    } else if (arg === "--tsc-project") options.tscProject = resolve(value());
    else if (arg === "--transform-input") options.transformInput = resolve(value());
    else if (arg === "--skip-fib") options.fib = [];
    else if (arg === "--skip-tsc") options.tsc = false;
    else if (arg === "--skip-transform") options.transform = false;
    else if (arg === "--skip-startup") options.startup = false;
    else if (arg === "--skip-stats") options.stats = false;
    else if (arg === "--stats-profile") {
      const file = resolve(value());
      if (!existsSync(file)) fail(`--stats-profile ${file}: no such file`);
      options.statsInputs.push(file);
    }
    else if (arg === "--quick") continue; // applied before the loop, so that later flags override it
    else if (arg === "--skip-acorn") options.acorn = false;
    else if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown option ${arg}`);
  }
  if (options.acorn && !existsSync(options.input)) fail(`--input ${options.input}: no such file`);
  if (options.tsc && !existsSync(join(options.tscProject, "tsconfig.json"))) fail(`--tsc-project ${options.tscProject}: no tsconfig.json there`);
  if (options.transform && !existsSync(options.transformInput)) fail(`--transform-input ${options.transformInput}: no such file`);
  return options;
}

function fail(message) {
  console.error(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}

/** Calls of naive fib(n): 2 * F(n + 1) - 1. */
function fibCalls(n) {
  let [a, b] = [0, 1];
  for (let i = 0; i < n + 1; i++) [a, b] = [b, a + b];
  return 2 * a - 1;
}

/** Profilers a workload runs under, by result key: the label printed for each. */
const PROFILER_LABELS = {
  tsprof: "tsprof exact",
  tsprofFast: "tsprof fast clock",
  tsprofCount: "tsprof count-only",
  naive: "naive probe",
  cpuProf: "node --cpu-prof (50 us)",
  istanbul: "istanbul",
  cprofile: "cProfile",
};

/** The tsprof modes: result key → environment of the run. */
const TSPROF_MODES = { tsprof: {}, tsprofFast: { TSPROF_CLOCK: "fast" }, tsprofCount: { TSPROF_MODE: "count" } };

/**
 * Medians of every variant of one workload, and for each profiled variant its ratio to
 * plain and its overhead per call: (profiled - plain) / calls.
 */
function comparison(samples, calls) {
  const plainSeconds = median(samples.plain);
  const result = { plainSeconds, calls, profilers: {} };
  for (const [variant, values] of Object.entries(samples)) {
    if (variant === "plain") continue;
    const seconds = median(values);
    result.profilers[variant] = { seconds, ratio: seconds / plainSeconds, overheadNsPerCall: ((seconds - plainSeconds) / calls) * 1e9 };
  }
  result.samples = samples;
  return result;
}

/**
 * Plain, naive-probe and tsprof runs of one workload worker, on `modules.plain`,
 * `modules.naive` and `modules.tsprof`. `timedCalls(profilePath)` reads, from the profile a
 * tsprof run wrote at exit, the calls of one timed run and the calls past the node cap
 * ({ calls, pastNodeCap }, see profileCounts()). When no run managed to write its profile, one
 * more, untimed run with a small call-tree cap counts the calls (the counters do not depend on
 * the cap) and the failure is reported.
 */
function measureWorkload(options, scratch, label, worker, workerArgs, modules, timedCalls, extraVariants = {}) {
  const counted = [];
  const pastNodeCap = [];
  const writeFailures = [];
  const tsprofRun = (profilePath, extraEnv = {}, smallCap = false) => {
    const sample = runChild(node, [worker, modules.tsprof, ...workerArgs], childEnv({ TSPROF_OUTPUT: profilePath, ...extraEnv }));
    if (existsSync(profilePath)) {
      const counts = timedCalls(profilePath);
      counted.push(counts.calls);
      if (!smallCap) pastNodeCap.push(counts.pastNodeCap);
      rmSync(profilePath);
    } else {
      writeFailures.push(sample.stderr.trim().split("\n").pop() || "no profile and no message");
    }
    return sample;
  };
  const tsprofVariants = Object.fromEntries(
    Object.entries(TSPROF_MODES).map(([mode, env]) => [mode, (run) => tsprofRun(join(scratch, `${label}-${mode}-${run}.tsprof.json`), env).seconds]),
  );
  const samples = alternate(options.runs, {
    plain: () => runChild(node, [worker, modules.plain, ...workerArgs]).seconds,
    ...tsprofVariants,
    naive: () => runChild(node, [worker, modules.naive, ...workerArgs]).seconds,
    ...extraVariants,
  });
  if (counted.length === 0) tsprofRun(join(scratch, `${label}-count.tsprof.json`), { TSPROF_MAX_TREE_NODES: "1000" }, true);
  if (counted.length === 0) throw new Error(`${label}: no instrumented run wrote a profile: ${writeFailures[0]}`);
  const result = comparison(samples, agreed(label, "the call count", counted));
  if (pastNodeCap.length > 0) result.callsPastNodeCap = agreed(label, "the calls past the node cap", pastNodeCap);
  if (writeFailures.length > 0) result.profileWriteFailures = writeFailures;
  return result;
}

/**
 * The one value every profiled run of a workload reported for `what` (its calls; its calls past
 * the node cap, which the clock does not change either); throws when the runs disagree.
 */
function agreed(label, what, counts) {
  if (counts.some((c) => c !== counts[0])) throw new Error(`${label}: runs disagree on ${what} (${counts.join(", ")})`);
  return counts[0];
}

function measureFib(options, scratch) {
  const worker = join(benchDir, "workers", "fib.cjs");
  const modules = instrumentBoth(join(benchDir, "workloads", "fib.cjs"), scratch, "fib");
  return options.fib.map((n) => {
    const perRun = fibCalls(n);
    const result = measureWorkload(options, scratch, `fib${n}`, worker, [String(n)], modules, (profile) => {
      const counts = profileCounts(profile, "fib");
      // The worker runs fib(n) twice (warm-up, timed): the profile must hold exactly both.
      if (counts.calls !== 2 * perRun) throw new Error(`fib(${n}): profile has ${counts.calls} calls of fib, expected ${2 * perRun}`);
      return { calls: perRun, pastNodeCap: counts.pastNodeCap / 2 };
    });
    return { workload: `JS fib(${n})`, n, ...result };
  });
}

function measureClockReads(options) {
  const worker = join(benchDir, "workers", "clock-read.cjs");
  const samples = alternate(options.runs, { read: () => runChild(node, [worker, String(options.clockReads)]) });
  return {
    hrtimeBigintNs: median(samples.read.map((s) => s.hrtimeBigint)),
    performanceNowNs: median(samples.read.map((s) => s.performanceNow)),
    hrtimePairNs: median(samples.read.map((s) => s.hrtimePair)),
    readsPerRun: options.clockReads,
  };
}

function findPython() {
  const python = process.env.PYTHON ?? "python3";
  try {
    runChild(python, ["-c", "import json, sys; print(json.dumps(sys.version_info[:3]))"]);
    return python;
  } catch {
    return undefined;
  }
}

function measurePython(options) {
  const python = findPython();
  if (!python) return { skipped: "python3 not found" };
  const script = join(benchDir, "workloads", "fib.py");
  const n = String(options.pythonFib);
  let version;
  let calls;
  const samples = alternate(options.runs, {
    plain: () => runChild(python, [script, "plain", n]).seconds,
    cprofile: () => {
      const sample = runChild(python, [script, "cprofile", n]);
      version = sample.python;
      calls = sample.calls;
      return sample.seconds;
    },
  });
  if (calls !== fibCalls(options.pythonFib)) throw new Error(`python fib(${n}): cProfile counted ${calls} calls, expected ${fibCalls(options.pythonFib)}`);
  return { workload: `Python ${version} fib(${n})`, python: version, n: options.pythonFib, ...comparison(samples, calls) };
}

function measureAcorn(options, scratch) {
  const modules = instrumentBoth(require.resolve("acorn"), scratch, "acorn");
  const worker = join(benchDir, "workers", "acorn-parse.cjs");
  const input = options.input;
  const istanbulModule = join(scratch, "acorn.istanbul.cjs");
  instrumentWithIstanbul(require.resolve("acorn"), istanbulModule);
  const cpuProfDir = join(scratch, "cpu-prof");
  const extraVariants = {
    // V8's sampling profiler on the uninstrumented code, at the interval the accuracy check uses.
    cpuProf: () => runChild(node, ["--cpu-prof", "--cpu-prof-interval", "50", "--cpu-prof-dir", cpuProfDir, worker, modules.plain, input]).seconds,
    istanbul: () => runChild(node, [worker, istanbulModule, input]).seconds,
  };
  const result = measureWorkload(options, scratch, "acorn", worker, [input], modules, (profile) => profileCounts(profile), extraVariants);
  result.accuracy = measureAccuracy(scratch, modules, worker, input);
  const version = require("acorn/package.json").version;
  const workload = `acorn ${version} parsing ${inputLabel(input)}`;
  return { workload, acorn: version, input: inputLabel(input), inputBytes: readFileSync(input).length, ...result };
}

/**
 * How far tsprof's per-function share of self time is from V8's sampling profile of the
 * uninstrumented run (`--cpu-prof-interval 50`), with and without probe-overhead compensation:
 * total-variation distance (half the sum of absolute differences of the shares) over the
 * workload's own functions, matched by line (V8's are 0-based) and name. V8 charges builtins to
 * themselves and tsprof to the calling function, so only samples in the workload's file count.
 */
function measureAccuracy(scratch, modules, worker, input) {
  const sampledDir = join(scratch, "accuracy-cpu-prof");
  runChild(node, ["--cpu-prof", "--cpu-prof-interval", "50", "--cpu-prof-dir", sampledDir, worker, modules.plain, input]);
  const cpuProfile = JSON.parse(readFileSync(join(sampledDir, readdirSync(sampledDir)[0]), "utf8"));
  const sampled = v8SelfShares(cpuProfile, modules.plain);
  const tsprofShares = (env) => {
    const out = join(scratch, `accuracy-${Object.keys(env).join("-") || "default"}.tsprof.json`);
    runChild(node, [worker, modules.tsprof, input], childEnv({ TSPROF_OUTPUT: out, ...env }));
    const profile = JSON.parse(readFileSync(out, "utf8"));
    const shares = new Map();
    for (const row of profile.stats) {
      const f = profile.functions[row.function];
      const key = `${f.line}:${f.name}`;
      shares.set(key, (shares.get(key) ?? 0) + row.selfTime);
    }
    return normalize(shares);
  };
  return {
    sampledFunctions: sampled.size,
    totalVariationCompensated: totalVariation(sampled, tsprofShares({})),
    totalVariationUncompensated: totalVariation(sampled, tsprofShares({ TSPROF_COMPENSATE: "0" })),
  };
}

/** Self time per `line:name` of the functions of `file` in a V8 CPU profile, as shares. */
function v8SelfShares(cpuProfile, file) {
  const selfByNode = new Map();
  cpuProfile.samples.forEach((id, i) => selfByNode.set(id, (selfByNode.get(id) ?? 0) + (cpuProfile.timeDeltas[i] ?? 0)));
  const shares = new Map();
  for (const node of cpuProfile.nodes) {
    const frame = node.callFrame;
    if (!frame.url.endsWith(file) || !selfByNode.has(node.id)) continue;
    const key = `${frame.lineNumber + 1}:${frame.functionName || "(anonymous)"}`;
    shares.set(key, (shares.get(key) ?? 0) + selfByNode.get(node.id));
  }
  return normalize(shares);
}

function normalize(weights) {
  const total = [...weights.values()].reduce((sum, w) => sum + w, 0);
  return new Map([...weights].map(([key, w]) => [key, total > 0 ? w / total : 0]));
}

function totalVariation(p, q) {
  let sum = 0;
  for (const key of new Set([...p.keys(), ...q.keys()])) sum += Math.abs((p.get(key) ?? 0) - (q.get(key) ?? 0));
  return sum / 2;
}

/** `sourcePath` instrumented for coverage by istanbul (what babel-plugin-istanbul runs), written to `outPath`. */
function instrumentWithIstanbul(sourcePath, outPath) {
  const { createInstrumenter } = require("istanbul-lib-instrument");
  const code = createInstrumenter({ esModules: false, compact: true }).instrumentSync(readFileSync(sourcePath, "utf8"), outPath);
  writeFileSync(outPath, code);
}

function measureAsync(options, scratch) {
  const worker = join(benchDir, "workers", "async-chains.cjs");
  const modules = instrumentBoth(join(benchDir, "workloads", "async-chains.cjs"), scratch, "async-chains");
  const count = String(options.asyncChains);
  // Calls per timed run: the profile holds the warm-up and the timed run, which make the same calls.
  const result = measureWorkload(options, scratch, "async", worker, [count], modules, (profile) => {
    const counts = profileCounts(profile);
    return { calls: counts.calls / 2, pastNodeCap: counts.pastNodeCap / 2 };
  });
  return { workload: `async: ${count} concurrent await chains`, chains: options.asyncChains, ...result };
}

// Workload 3 (and 6, memory): the TypeScript compiler, instrumented, checking and emitting a real project.

/**
 * typescript.js instrumented into `scratch`, with the lib.*.d.ts files it loads from its own
 * directory (ts.getDefaultLibFilePath is the directory of the running compiler file).
 */
function instrumentTypeScript(scratch) {
  const plain = require.resolve("typescript");
  const dir = join(scratch, "typescript");
  mkdirSync(dir);
  for (const file of readdirSync(dirname(plain))) if (/^lib\..*\.d\.ts$/.test(file)) copyFileSync(join(dirname(plain), file), join(dir, file));
  const tsprof = join(dir, "typescript.tsprof.cjs");
  const start = process.hrtime.bigint();
  instrumentFile(plain, tsprof);
  const instrumentSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  // The naive-probe build differs only in the runtime the probes import: swap the path rather than
  // spend another minute in Babel.
  const naive = join(dir, "typescript.naive.cjs");
  const runtimeImport = `require(${JSON.stringify(require.resolve("@tsprof/runtime/probe"))})`;
  const code = readFileSync(tsprof, "utf8");
  if (code.split(runtimeImport).length !== 2) throw new Error(`tsc: expected one ${runtimeImport} in the instrumented typescript.js`);
  writeFileSync(naive, code.replace(runtimeImport, `require(${JSON.stringify(join(benchDir, "lib", "naive-probe.cjs"))})`));
  return { plain, tsprof, naive, instrumentSeconds };
}

const MB = 1024 * 1024;

/**
 * Plain vs the three tsprof modes and the naive probe on workers/ts-compile.cjs (run with
 * --expose-gc): time, calls, and memory (peak RSS; V8 used heap and external memory after GC at the end). The
 * profiles of the exact and fast-clock runs are kept in `profiles` for the stats section.
 */
function measureTsc(options, scratch, profiles) {
  const worker = join(benchDir, "workers", "ts-compile.cjs");
  const tsconfig = join(options.tscProject, "tsconfig.json");
  const modules = instrumentTypeScript(scratch);
  const counted = [];
  const pastNodeCap = [];
  const runs = { plain: [] };
  const compile = (variant, module, env) => {
    const sample = runChild(node, ["--expose-gc", worker, module, tsconfig], env);
    (runs[variant] ??= []).push(sample);
    return sample.seconds;
  };
  const tsprofVariants = Object.fromEntries(
    Object.entries(TSPROF_MODES).map(([mode, env]) => [
      mode,
      (run) => {
        const profile = join(scratch, `tsc-${mode}-${run}.tsprof.json`);
        const seconds = compile(mode, modules.tsprof, childEnv({ TSPROF_OUTPUT: profile, ...env }));
        const counts = profileCounts(profile);
        counted.push(counts.calls);
        pastNodeCap.push(counts.pastNodeCap);
        if (mode === "tsprofCount") rmSync(profile);
        else profiles.push(profile);
        return seconds;
      },
    ]),
  );
  const samples = alternate(options.runs, {
    plain: () => compile("plain", modules.plain, childEnv()),
    ...tsprofVariants,
    naive: () => compile("naive", modules.naive, childEnv()),
  });
  // The instrumented compiler must do exactly what the plain one does.
  const outcome = (s) => `${s.files} files, ${s.diagnostics} diagnostics, ${s.outputs} outputs`;
  const expected = outcome(runs.plain[0]);
  for (const [variant, list] of Object.entries(runs)) {
    const other = list.find((s) => outcome(s) !== expected);
    if (other) throw new Error(`tsc: ${PROFILER_LABELS[variant] ?? variant} run gave ${outcome(other)}, plain ${expected}`);
  }
  const result = comparison(samples, agreed("tsc", "the call count", counted));
  result.callsPastNodeCap = agreed("tsc", "the calls past the node cap", pastNodeCap);
  const memoryOf = (list) => ({
    samples: list.map(({ maxRssBytes, heapAfterGcBytes, externalAfterGcBytes }) => ({ maxRssBytes, heapAfterGcBytes, externalAfterGcBytes })),
    maxRssMB: median(list.map((s) => s.maxRssBytes)) / MB,
    heapAfterGcMB: median(list.map((s) => s.heapAfterGcBytes)) / MB,
    externalAfterGcMB: median(list.map((s) => s.externalAfterGcBytes)) / MB,
  });
  const plainMemory = memoryOf(runs.plain);
  const memory = { plain: plainMemory };
  for (const mode of [...Object.keys(TSPROF_MODES), "naive"]) {
    const m = memoryOf(runs[mode]);
    memory[mode] = {
      ...m,
      maxRssAbovePlainMB: m.maxRssMB - plainMemory.maxRssMB,
      // What the profiled process keeps after GC beyond the plain one: the recorder, and the bigger instrumented code.
      retainedAbovePlainMB: m.heapAfterGcMB + m.externalAfterGcMB - (plainMemory.heapAfterGcMB + plainMemory.externalAfterGcMB),
    };
  }
  // The naive probe runs the same instrumented code with a few flat arrays: above it is the recorder alone.
  for (const mode of Object.keys(TSPROF_MODES)) memory[mode].retainedAboveNaiveMB = memory[mode].retainedAbovePlainMB - memory.naive.retainedAbovePlainMB;
  const project = inputLabel(options.tscProject);
  const first = runs.plain[0];
  return {
    workload: `tsc ${require("typescript/package.json").version}: ${project} (${first.files} files) check + emit`,
    project,
    typescriptBytes: statSync(modules.plain).size,
    instrumentSeconds: modules.instrumentSeconds,
    ...result,
    memory,
  };
}

// Part 5: transform speed and the compile cache.

/** Babel + tsprof plugin vs Babel + babel-plugin-istanbul on the same file, same options, each transform in its own process. */
function measureTransform(options, scratch) {
  const worker = join(benchDir, "workers", "transform-file.cjs");
  const dir = join(scratch, "transform");
  mkdirSync(dir);
  const input = options.transformInput;
  const samples = alternate(options.slowRuns, {
    tsprof: () => runChild(node, [worker, "tsprof", input, dir]).seconds,
    istanbul: () => runChild(node, [worker, "istanbul", input, dir]).seconds,
  });
  const tsprofSeconds = median(samples.tsprof);
  const istanbulSeconds = median(samples.istanbul);
  return {
    input: inputLabel(input),
    inputBytes: statSync(input).size,
    babelPluginIstanbul: require("babel-plugin-istanbul/package.json").version,
    tsprofSeconds,
    istanbulSeconds,
    ratio: tsprofSeconds / istanbulSeconds,
    samples,
  };
}

/**
 * A TypeScript project of `copies` copies of packages/format/src and packages/stats/src (tests
 * left out, `@tsprof/format` imports pointed at the copy) and a main.ts that imports each copy's
 * stats; every copy has its own paths, so every file is compiled (or looked up) on its own.
 */
function writeStartupProject(dir, copies) {
  let bytes = 0;
  let files = 0;
  const imports = [];
  for (let copy = 0; copy < copies; copy++) {
    for (const pkg of ["format", "stats"]) {
      const from = join(repoRoot, "packages", pkg, "src");
      const to = join(dir, `copy${copy}`, pkg);
      mkdirSync(to, { recursive: true });
      for (const file of readdirSync(from)) {
        if (!file.endsWith(".ts") || file.endsWith(".test.ts") || file.endsWith(".d.ts")) continue;
        const source = readFileSync(join(from, file), "utf8").replaceAll('from "@tsprof/format"', 'from "../format/index"');
        writeFileSync(join(to, file), source);
        bytes += Buffer.byteLength(source);
        files++;
      }
    }
    imports.push(`import { Stats as Stats${copy} } from "./copy${copy}/stats/index";`);
  }
  const uses = Array.from({ length: copies }, (_, copy) => `Stats${copy}`).join(", ");
  writeFileSync(join(dir, "main.ts"), `${imports.join("\n")}\n\nconsole.log([${uses}].map((s) => typeof s).join(" "));\n`);
  return { files: files + 1, bytes };
}

/** `tsprof run` wall time on the start-up project: with a fresh cache directory (cold), then again with the same one (warm). */
function measureStartup(options, scratch) {
  const dir = join(scratch, "startup");
  const project = writeStartupProject(dir, options.startupCopies);
  const cli = join(repoRoot, "packages", "cli", "bin", "tsprof.js");
  const run = (cache) => timeProcess(node, [cli, "run", "-o", join(scratch, "startup.tsprof.json"), "main.ts"], { cwd: dir, env: childEnv({ TSPROF_CACHE_DIR: cache }) });
  const samples = alternate(options.runs, {
    cold: (i) => run(join(scratch, `startup-cache-${i}`)),
    warm: (i) => run(join(scratch, `startup-cache-${i}`)),
  });
  const coldSeconds = median(samples.cold);
  const warmSeconds = median(samples.warm);
  return { ...project, copies: options.startupCopies, coldSeconds, warmSeconds, speedup: coldSeconds / warmSeconds, samples };
}

// Part 7: stats on many profiles of workload 3.

/**
 * Load + merge + sort + print of `options.statsProfiles` profiles of workload 3 (the tsprof
 * runs' profiles, repeated when there are fewer) through the API in a child (workers/stats-merge.cjs:
 * what `tsprof stats FILE... -s cumulative` does after start-up), and the same on the profiles
 * without their call tree, which the table never reads.
 */
function measureStats(options, scratch, profiles) {
  const worker = join(benchDir, "workers", "stats-merge.cjs");
  const dir = join(scratch, "stats");
  mkdirSync(dir);
  const treeless = profiles.map((profile, i) => {
    const { callTree: _tree, ...rest } = JSON.parse(readFileSync(profile, "utf8"));
    const path = join(dir, `treeless-${i}.tsprof.json`);
    writeFileSync(path, require("@tsprof/format").profileToJsonText(rest)); // laid out as tsprof writes it
    return path;
  });
  const files = [];
  const treelessFiles = [];
  for (let i = 0; i < options.statsProfiles; i++) {
    files.push(join(dir, `run-${i}.tsprof.json`));
    linkSync(profiles[i % profiles.length], files[i]);
    treelessFiles.push(join(dir, `treeless-run-${i}.tsprof.json`));
    linkSync(treeless[i % treeless.length], treelessFiles[i]);
  }
  let loaded;
  const samples = alternate(options.slowRuns, {
    api: () => {
      loaded = runChild(node, [worker, ...files]);
      return loaded.seconds;
    },
    apiTreeless: () => runChild(node, [worker, ...treelessFiles]).seconds,
  });
  return {
    profiles: files.length,
    distinctProfiles: profiles.length,
    profileBytes: statSync(files[0]).size,
    treelessProfileBytes: statSync(treelessFiles[0]).size,
    functions: loaded.functions,
    totalCalls: loaded.totalCalls,
    apiSeconds: median(samples.api),
    apiTreelessSeconds: median(samples.apiTreeless),
    samples,
  };
}

function inputLabel(path) {
  return path.startsWith(repoRoot + "/") ? path.slice(repoRoot.length + 1) : path;
}

// Table printing.

const seconds = (s) => (s < 1 ? `${(s * 1e3).toFixed(1)} ms` : `${s.toFixed(3)} s`);
const count = (n) => n.toLocaleString("en-US");
const ns = (x) => `${x.toFixed(1)} ns`;

function table(rows) {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ")).join("\n");
}

function report(results) {
  const notes = [];
  const rows = [["workload", "calls", "plain", "profiler", "profiled", "ratio", "overhead/call"]];
  const measured = [...results.fib, results.acorn, results.async, results.tsc, results.python].filter((r) => r && !r.skipped);
  for (const r of measured) {
    for (const [profiler, p] of Object.entries(r.profilers)) {
      const first = profiler === Object.keys(r.profilers)[0];
      rows.push([
        first ? r.workload : "",
        first ? count(r.calls) : "",
        first ? seconds(r.plainSeconds) : "",
        PROFILER_LABELS[profiler],
        seconds(p.seconds),
        `${p.ratio.toFixed(2)}x`,
        ns(p.overheadNsPerCall),
      ]);
    }
    if (r.callsPastNodeCap > 0) {
      notes.push(
        `${r.workload}: ${count(r.callsPastNodeCap)} of its ${count(r.calls)} calls (${((100 * r.callsPastNodeCap) / r.calls).toFixed(0)}%) ` +
          "ran past the call-tree node cap (TSPROF_MAX_TREE_NODES, default 1,000,000), on the recorder's direct path, which is slower than the tree's",
      );
    }
    if (r.profileWriteFailures) {
      notes.push(
        `${r.workload}: ${r.profileWriteFailures.length} of ${results.runs} profiled runs wrote no profile ` +
          `(${r.profileWriteFailures[0]}); calls counted by an extra run with TSPROF_MAX_TREE_NODES=1000`,
      );
    }
  }
  const lines = [
    `tsprof benchmark: node ${results.node}, median of ${results.runs} interleaved runs (${results.slowRuns} for the transform and stats), each in its own process`,
    `machine: ${results.cpus} CPUs, 1-minute load average ${results.loadAverage.before.toFixed(1)} before, ${results.loadAverage.after.toFixed(1)} after`,
    ...(rows.length > 1 ? ["", table(rows)] : []),
    "",
    `one clock read: process.hrtime.bigint() ${ns(results.clock.hrtimeBigintNs)}, performance.now() ${ns(results.clock.performanceNowNs)}; ` +
      `the two process.hrtime() reads of one exact-mode call: ${ns(results.clock.hrtimePairNs)}`,
    ...(results.acorn?.accuracy
      ? [
          `accuracy (${results.acorn.workload}, ${results.acorn.accuracy.sampledFunctions} functions): total-variation distance of the self-time shares ` +
            `from V8's sampling profile: ${results.acorn.accuracy.totalVariationCompensated.toFixed(3)} compensated, ` +
            `${results.acorn.accuracy.totalVariationUncompensated.toFixed(3)} uncompensated (aim <= 0.15)`,
        ]
      : []),
    ...results.fib.map(
      (r) =>
        `${r.workload}: exact-mode bookkeeping above its two clock reads ${ns(r.profilers.tsprof.overheadNsPerCall - results.clock.hrtimePairNs)} per call ` +
        `(target <= 15 ns); fast clock ${ns(r.profilers.tsprofFast.overheadNsPerCall)} (target <= 25 ns); count-only ${ns(r.profilers.tsprofCount.overheadNsPerCall)}`,
    ),
  ];
  if (results.python?.skipped) notes.push(`Python cProfile: skipped (${results.python.skipped})`);
  const targets = targetRows(results, notes);
  if (targets.length > 1) lines.push("", table(targets));
  return [...lines, ...notes.map((note) => `note: ${note}`)].join("\n");
}

const megabytes = (mb) => `${mb >= 0 ? "+" : ""}${mb.toFixed(1)} MB`;
const sizeOf = (bytes) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.round(bytes / 1e3)} kB`);
const met = (ok) => (ok ? "yes" : "NO");

/** The second table: the figures issue #6 sets a target for, each against its in-run baseline. */
function targetRows(results, notes) {
  const rows = [["measurement", "tsprof", "baseline", "figure", "target", "met"]];
  const { transform, startup, tsc, stats } = results;
  if (transform) {
    rows.push([
      `Babel transform of ${transform.input} (${sizeOf(transform.inputBytes)})`,
      seconds(transform.tsprofSeconds),
      `${seconds(transform.istanbulSeconds)} istanbul`,
      `${transform.ratio.toFixed(2)}x`,
      "<= 1x",
      met(transform.ratio <= 1),
    ]);
  }
  if (startup) {
    rows.push([
      `tsprof run start-up, ${startup.files} .ts files (${sizeOf(startup.bytes)})`,
      `${seconds(startup.warmSeconds)} warm`,
      `${seconds(startup.coldSeconds)} cold`,
      `${startup.speedup.toFixed(1)}x faster`,
      ">= 5x",
      met(startup.speedup >= 5),
    ]);
  }
  if (tsc) {
    const plain = tsc.memory.plain;
    for (const mode of [...Object.keys(TSPROF_MODES), "naive"]) {
      const m = tsc.memory[mode];
      const recorder = mode !== "naive";
      rows.push([
        `${PROFILER_LABELS[mode]} on tsc: peak RSS`,
        `${m.maxRssMB.toFixed(1)} MB`,
        `${plain.maxRssMB.toFixed(1)} MB plain`,
        megabytes(m.maxRssAbovePlainMB),
        "",
        "",
      ]);
      rows.push([
        `${PROFILER_LABELS[mode]} on tsc: heap + external after GC`,
        `${(m.heapAfterGcMB + m.externalAfterGcMB).toFixed(1)} MB`,
        `${(plain.heapAfterGcMB + plain.externalAfterGcMB).toFixed(1)} MB plain`,
        megabytes(m.retainedAbovePlainMB),
        recorder ? "<= +64 MB" : "",
        recorder ? met(m.retainedAbovePlainMB <= 64) : "",
      ]);
    }
    const recorderOnly = Object.keys(TSPROF_MODES).map((mode) => `${PROFILER_LABELS[mode]} ${megabytes(tsc.memory[mode].retainedAboveNaiveMB)}`);
    notes.push(`tsc: heap + external after GC above the naive probe's (same instrumented code), i.e. the recorder alone: ${recorderOnly.join(", ")}`);
    notes.push(`tsc: typescript.js (${sizeOf(tsc.typescriptBytes)}) instrumented by Babel in ${tsc.instrumentSeconds.toFixed(1)} s, in the bench process`);
  }
  if (stats) {
    const label = `stats: load + merge ${stats.profiles} tsc profiles (${sizeOf(stats.profileBytes)} each), sort, print`;
    rows.push([label, seconds(stats.apiSeconds), "", seconds(stats.apiSeconds), "<= 1 s", met(stats.apiSeconds <= 1)]);
    rows.push([`  the same without the call tree (${sizeOf(stats.treelessProfileBytes)} each)`, seconds(stats.apiTreelessSeconds), "", seconds(stats.apiTreelessSeconds), "<= 1 s", met(stats.apiTreelessSeconds <= 1)]);
    const source = stats.given ? "given with --stats-profile" : "the tsc runs wrote";
    if (stats.distinctProfiles < stats.profiles) notes.push(`stats: the ${stats.profiles} files are the ${stats.distinctProfiles} profiles ${source}, repeated`);
  } else if (results.statsSkipped) notes.push(`stats: skipped (${results.statsSkipped})`);
  return rows;
}

function main() {
  const options = parseOptions(process.argv.slice(2));
  const scratch = mkdtempSync(join(tmpdir(), "tsprof-bench-"));
  try {
    const loadBefore = loadavg()[0];
    const results = {
      node: process.versions.node,
      cpus: cpus().length,
      runs: options.runs,
      slowRuns: options.slowRuns,
      fib: measureFib(options, scratch),
      clock: measureClockReads(options),
      python: options.python ? measurePython(options) : undefined,
      acorn: options.acorn ? measureAcorn(options, scratch) : undefined,
      async: options.asyncChains > 0 ? measureAsync(options, scratch) : undefined,
    };
    const tscProfiles = [];
    if (options.tsc) results.tsc = measureTsc(options, scratch, tscProfiles);
    if (options.transform) results.transform = measureTransform(options, scratch);
    if (options.startup) results.startup = measureStartup(options, scratch);
    const statsInputs = options.statsInputs.length > 0 ? options.statsInputs : tscProfiles;
    if (options.stats && statsInputs.length > 0) results.stats = { ...measureStats(options, scratch, statsInputs), given: options.statsInputs.length > 0 };
    else if (options.stats) results.statsSkipped = "it loads the profiles of the tsc section, which --skip-tsc skips (or give --stats-profile FILE)";
    // Other processes slow every variant alike (runs interleave), but they inflate absolute times.
    results.loadAverage = { before: loadBefore, after: loadavg()[0] };
    console.log(report(results));
    writeFileSync(join(benchDir, "results.json"), JSON.stringify(results, null, 2) + "\n");
    console.log(`\nwrote ${inputLabel(join(benchDir, "results.json"))}`);
  } catch (error) {
    console.error(`bench: ${error.message}`);
    process.exitCode = 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main();
