// Parity of the tsc transformer with the Babel plugin: every fixture program of the repository
// (fixtures/tables/*, fixtures/parity/*, fixtures/transform/*/input.*, fixtures/cli/*) instrumented both
// ways (Babel; tsc with TypeScript 5.9 and 6.0, targets ES2022 and ES2015) must give identical site tables
// and, run with plain node, the real runtime and TSPROF_CLOCK=tick, identical profiles (per function and
// per caller → callee edge: calls, primitive calls, and tick times); and each instrumented program prints
// and exits as the same program compiled without the transformer does (TypeScript's own lowering at
// ES2015 changes some names, e.g. class fields become constructor assignments, so Babel's run is no yardstick there).
//
// Each case folder is copied to a temporary directory, its source files replaced by their compiled
// output (.ts → .js, .mts → .mjs, .cts → .cjs), and its entry run. Adding a fixture folder adds a case.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { transformSync, type PluginItem } from "@babel/core";
import type * as ts from "typescript";
import type { ModuleSites } from "@tsprof/instrument";
import { tsprofTransformer } from "@tsprof/ts-transformer";
import { repoRoot } from "./helpers/cli";
import tsprofPlugin = require("@tsprof/babel-plugin");

const probeEntry = require.resolve("@tsprof/runtime/probe");
// TypeScript 6 makes every emitted file strict by default; the fixtures include sloppy-mode programs.
const compilers: { label: string; ts: typeof ts; compilerOptions: ts.CompilerOptions }[] = [
  { label: "TS 5.9", ts: require("typescript") as typeof ts, compilerOptions: {} },
  { label: "TS 6.0", ts: require("typescript6") as typeof ts, compilerOptions: { alwaysStrict: false, ignoreDeprecations: "6.0" } },
];
const targets = ["ES2022", "ES2015"] as const;
const SOURCE = /\.(?:[cm]?js|[cm]?ts)$/;

/** One runnable program: a fixture folder, the files to instrument in it, and how to start it. */
interface ProgramCase {
  label: string;
  dir: string;
  sources: string[];
  /** Path (relative to dir) of the source file that starts the program. */
  entry: string;
  /** fixtures/transform cases export run(): a plain driver calls it. */
  exportsRun: boolean;
  options: Record<string, unknown>;
  /** Babel parses CommonJS-bound files as script unless the case says module (fixtures/transform case.json). */
  sourceType: "script" | "module" | "unambiguous";
}

/**
 * Folders whose programs cannot take part: never ending (signal, idle, own-sigint; busy even spins),
 * spawning threads of the same file (workers), not parseable (syntax-error), needing an argument (side-effect).
 */
const NOT_RUNNABLE = new Set(["cli/signal", "cli/idle", "cli/own-sigint", "cli/busy", "cli/workers", "cli/syntax-error", "cli/side-effect"]);

function listSources(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const path = join(prefix, name);
    if (name === "node_modules") continue;
    if (statSync(join(dir, path)).isDirectory()) out.push(...listSources(dir, path));
    else if (SOURCE.test(name) && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

function readJson(path: string): Record<string, unknown> {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>) : {};
}

function collectCases(): ProgramCase[] {
  const cases: ProgramCase[] = [];
  const family = (name: string) => join(repoRoot, "fixtures", name);
  const folders = (name: string) => readdirSync(family(name)).filter((entry) => statSync(join(family(name), entry)).isDirectory()).sort();
  for (const name of folders("tables")) {
    const dir = join(family("tables"), name);
    const sources = listSources(dir);
    cases.push({ label: `tables/${name}`, dir, sources, entry: sources.find((file) => file.startsWith("main."))!, exportsRun: false, options: {}, sourceType: "unambiguous" });
  }
  for (const name of folders("parity")) {
    const dir = join(family("parity"), name);
    const sources = listSources(dir).filter((file) => file.startsWith("program."));
    if (sources.length === 0) continue;
    cases.push({ label: `parity/${name}`, dir, sources, entry: sources[0], exportsRun: false, options: {}, sourceType: "unambiguous" });
  }
  for (const name of folders("transform")) {
    const dir = join(family("transform"), name);
    const sources = listSources(dir).filter((file) => file.startsWith("input."));
    if (sources.length === 0) continue;
    const settings = readJson(join(dir, "case.json")) as { sourceType?: "script" | "module"; run?: boolean };
    cases.push({
      label: `transform/${name}`,
      dir,
      sources,
      entry: sources[0],
      exportsRun: settings.run !== false,
      options: readJson(join(dir, "options.json")),
      sourceType: settings.sourceType ?? "script",
    });
  }
  for (const name of folders("cli")) {
    const dir = join(family("cli"), name);
    const sources = listSources(dir);
    const entry = sources.find((file) => /^main\./.test(file));
    if (!entry || NOT_RUNNABLE.has(`cli/${name}`)) continue;
    cases.push({ label: `cli/${name}`, dir, sources, entry, exportsRun: false, options: {}, sourceType: "unambiguous" });
  }
  return cases;
}

/** Whether Node runs the compiled file as an ES module. */
function isEsm(dir: string, file: string): boolean {
  if (/\.m[jt]s$/.test(file)) return true;
  if (/\.c[jt]s$/.test(file)) return false;
  return readJson(join(dir, "package.json")).type === "module";
}

const outputName = (file: string): string => file.replace(/\.ts$/, ".js").replace(/\.mts$/, ".mjs").replace(/\.cts$/, ".cjs");

type SiteTables = Record<string, ModuleSites | "none">;

interface Compiler {
  label: string;
  compile(source: string, filename: string, esm: boolean, programCase: ProgramCase, root: string, instrument: boolean): { code: string; table: ModuleSites | undefined };
}

const babelCompiler: Compiler = {
  label: "Babel",
  compile(source, filename, esm, programCase, root) {
    const typescript = /\.[cm]?ts$/.test(filename);
    const plugins: PluginItem[] = [[tsprofPlugin, { ...programCase.options, root, runtime: probeEntry }]];
    if (!esm) plugins.push(require.resolve("@babel/plugin-transform-modules-commonjs"));
    const result = transformSync(source, {
      filename,
      cwd: root,
      babelrc: false,
      configFile: false,
      sourceType: esm ? "module" : programCase.sourceType,
      presets: typescript ? [[require.resolve("@babel/preset-typescript"), { rewriteImportExtensions: true }]] : [],
      plugins,
    })!;
    return { code: result.code!, table: (result.metadata as { tsprof?: ModuleSites }).tsprof };
  },
};

function tscCompiler(label: string, tsApi: typeof ts, extraOptions: ts.CompilerOptions, target: (typeof targets)[number]): Compiler {
  return {
    label: `${label} ${target}`,
    compile(source, filename, esm, programCase, root, instrument) {
      let table: ModuleSites | undefined;
      const transformer = tsprofTransformer(undefined, { ...programCase.options, root, runtime: probeEntry }, {
        ts: tsApi,
        onModule: (_file, result) => (table = typeof result === "string" ? undefined : result),
      });
      const output = tsApi.transpileModule(source, {
        fileName: filename,
        compilerOptions: {
          target: tsApi.ScriptTarget[target],
          module: esm ? tsApi.ModuleKind.ESNext : tsApi.ModuleKind.CommonJS,
          esModuleInterop: true,
          allowJs: true,
          rewriteRelativeImportExtensions: true,
          ...extraOptions,
        },
        transformers: { before: instrument ? [transformer] : [] },
      });
      return { code: output.outputText, table };
    },
  };
}

const DRIVER = `// Calls the fixture's run() as the transform fixtures' harness does.
Promise.resolve().then(() => require("./ENTRY").run()).then((value) => console.log(JSON.stringify({ returned: value })), (error) => console.log(JSON.stringify({ threw: String(error && error.message) })));
`;

interface Outcome {
  tables: SiteTables;
  stdout: string;
  status: number | null;
  profile: string;
}

/** The figures of a profile, keyed by function position and name (one line per function and per edge, sorted). */
function summarize(profilePath: string): string {
  if (!existsSync(profilePath)) return "(no profile written)";
  const profile = JSON.parse(readFileSync(profilePath, "utf8")) as {
    functions: { name: string; qualifiedName: string; file: string; line: number; column: number }[];
    stats: { function: number; calls: number; primitiveCalls: number; selfTime: number; totalTime: number }[];
    edges: { caller: number; callee: number; calls: number; primitiveCalls: number; selfTime: number; totalTime: number }[];
  };
  const key = (index: number) => {
    const f = profile.functions[index];
    return `${f.file}:${f.line}:${f.column}(${f.qualifiedName})`;
  };
  const figures = (row: { calls: number; primitiveCalls: number; selfTime: number; totalTime: number }) =>
    `${row.calls}/${row.primitiveCalls} self=${row.selfTime.toFixed(3)} total=${row.totalTime.toFixed(3)}`;
  const lines = [
    ...profile.stats.map((row) => `${key(row.function)} ${figures(row)}`),
    ...profile.edges.map((edge) => `${key(edge.caller)} -> ${key(edge.callee)} ${figures(edge)}`),
  ];
  return lines.sort().join("\n");
}

/** Runs `node entry` in `cwd`; resolves with its stdout and exit status. */
function runNode(entry: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ stdout: string; status: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry], { cwd, env, stdio: ["ignore", "pipe", "ignore"], timeout: 30_000 });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ stdout, status }));
  });
}

async function runCase(programCase: ProgramCase, compiler: Compiler, instrument = true): Promise<Outcome> {
  const work = mkdtempSync(join(tmpdir(), "tsprof-tsc-parity-"));
  try {
    const root = join(work, "program");
    cpSync(programCase.dir, root, { recursive: true });
    const tables: SiteTables = {};
    for (const file of programCase.sources) {
      const path = join(root, file);
      const { code, table } = compiler.compile(readFileSync(path, "utf8"), path, isEsm(root, file), programCase, root, instrument);
      tables[file] = table ?? "none";
      writeFileSync(join(root, outputName(file)), code);
    }
    let entry = outputName(programCase.entry);
    if (programCase.exportsRun) {
      writeFileSync(join(root, "tsprof-driver.js"), DRIVER.replace("ENTRY", entry));
      entry = "tsprof-driver.js";
    }
    const profilePath = join(work, "out.tsprof.json");
    const result = await runNode(entry, root, { ...process.env, TSPROF_CLOCK: "tick", TSPROF_OUTPUT: profilePath });
    return { tables, stdout: result.stdout, status: result.status, profile: summarize(profilePath) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const tscCompilers = compilers.flatMap(({ label, ts: tsApi, compilerOptions }) => targets.map((target) => tscCompiler(label, tsApi, compilerOptions, target)));

// Cases run three at a time: each one is a dozen short node processes, mostly waiting on startup.
describe("tsc parity with the Babel plugin", { concurrency: 3 }, () => {
  for (const programCase of collectCases()) {
    test(`tsc parity ${programCase.label}: site tables, profiles, output`, async () => {
      const runs = [babelCompiler, ...tscCompilers].map((compiler) => runCase(programCase, compiler));
      const uninstrumentedRuns = tscCompilers.map((compiler) => runCase(programCase, compiler, false));
      const [expected, ...outcomes] = await Promise.all(runs);
      const originals = await Promise.all(uninstrumentedRuns);
      assert.ok(expected.profile !== "(no profile written)" || Object.values(expected.tables).every((table) => table === "none"), "the Babel run wrote a profile");
      for (const [index, compiler] of tscCompilers.entries()) {
        const actual = outcomes[index];
        assert.deepEqual(actual.tables, expected.tables, `${compiler.label}: site tables`);
        assert.equal(actual.profile, expected.profile, `${compiler.label}: profile`);
        assert.equal(actual.stdout, originals[index].stdout, `${compiler.label}: stdout`);
        assert.equal(actual.status, originals[index].status, `${compiler.label}: exit status`);
      }
    });
  }
});

test("tsc parity: every fixture family contributes cases", () => {
  const labels = collectCases().map((programCase) => programCase.label.split("/")[0]);
  for (const familyName of ["tables", "parity", "transform", "cli"]) assert.ok(labels.includes(familyName), familyName);
});
