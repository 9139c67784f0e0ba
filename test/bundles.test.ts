// The runtime inside bundles that have no require() for Node's modules: an ES module bundle for Node (esbuild
// --format=esm --platform=node), and a page served by Vite's dev server, whose stand-ins for Node's modules warn
// at every property read. The webpack bundle for the web, run in Chromium, is test/browser.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { transformSync } from "@babel/core";
import { repoRoot } from "./helpers/cli";

const PROGRAM = "function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\nconsole.log(fib(10));\n";

/** The runtime's and format's built files as one script over a small CommonJS loader (conformance/runtime-bundle.cjs). */
function runtimeBundle(): string {
  const bundler = require(join(repoRoot, "conformance", "runtime-bundle.cjs")) as { buildRuntimeBundle(): string };
  return bundler.buildRuntimeBundle();
}

/** PROGRAM instrumented to find its probes at globalThis.__tsprof (the Babel plugin's runtime: "global"). */
function instrumentedProgram(root: string): string {
  const result = transformSync(PROGRAM, {
    filename: join(root, "app.mjs"),
    babelrc: false,
    configFile: false,
    sourceType: "module",
    plugins: [[join(repoRoot, "packages", "babel-plugin"), { root, runtime: "global" }]],
  });
  return result!.code!;
}

function scratch(t: { after(fn: () => void): void }): string {
  const work = mkdtempSync(join(tmpdir(), "tsprof-bundles-"));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  return work;
}

function runNode(args: string[], cwd: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, args, { cwd, encoding: "utf8", timeout: 60_000, env: { ...process.env, ...env } });
}

function callsOf(path: string): Record<string, number> {
  const profile = JSON.parse(readFileSync(path, "utf8")) as { functions: { name: string }[]; stats: { function: number; calls: number }[] };
  return Object.fromEntries(profile.stats.map((row) => [profile.functions[row.function]!.name, row.calls]));
}

// An ES module has no require: a bundle of CommonJS code in one (esbuild's --format=esm) can load Node's
// modules only through something else, and its require() shim throws (`Dynamic require of "fs" is not
// supported`). The runtime bundle's loader does the same here, as an ES module: "no require for fs".
test("an ES module bundle for Node, with no require in scope, runs the instrumented program and writes its profile", (t) => {
  const work = scratch(t);
  writeFileSync(join(work, "out.mjs"), `${runtimeBundle()}\n${instrumentedProgram(work)}`);
  const run = runNode(["out.mjs"], work, { TSPROF_OUTPUT: "p.tsprof.json" });
  assert.equal(run.stderr, "");
  assert.equal(run.stdout, "55\n");
  assert.equal(run.status, 0);
  assert.deepEqual(callsOf(join(work, "p.tsprof.json")), { fib: 177 });
});

// A Node without process.getBuiltinModule (before 20.16) leaves such a bundle no way to fs: the program
// still runs as it would without tsprof, and one line says why there is no profile.
test("an ES module bundle on a Node without process.getBuiltinModule runs the program and says in one line why no profile was written", (t) => {
  const work = scratch(t);
  writeFileSync(join(work, "out.mjs"), `${runtimeBundle()}\n${instrumentedProgram(work)}`);
  writeFileSync(join(work, "old-node.cjs"), "delete process.getBuiltinModule;\n");
  const run = runNode(["--require", "./old-node.cjs", "out.mjs"], work, { TSPROF_OUTPUT: "p.tsprof.json" });
  assert.equal(run.stdout, "55\n");
  assert.equal(run.status, 0);
  assert.equal(
    run.stderr,
    "tsprof: could not write the profile to p.tsprof.json: writing the profile needs Node's fs module, out of this bundle's reach " +
      "(an ES module bundle has no require: run it on Node 20.16 or later, which has process.getBuiltinModule)\n",
  );
  assert.equal(existsSync(join(work, "p.tsprof.json")), false);
});

/** esbuild: TSPROF_ESBUILD (its package folder), else the repository's devDependency (used by this test only; the skip below is for a checkout without it). */
function findEsbuild(): string | undefined {
  if (process.env.TSPROF_ESBUILD) return process.env.TSPROF_ESBUILD;
  try {
    return require.resolve("esbuild", { paths: [repoRoot] });
  } catch {
    return undefined;
  }
}

test("esbuild --bundle --platform=node --format=esm: the bundle of an instrumented ES module runs and writes its profile", async (t) => {
  const esbuildPath = findEsbuild();
  if (esbuildPath === undefined) {
    t.skip("no esbuild (npm install esbuild, or TSPROF_ESBUILD=its package folder): the no-require bundle above stands in for it");
    return;
  }
  const esbuild = require(esbuildPath) as { buildSync(options: object): { errors: unknown[] } };
  const work = scratch(t);
  const result = transformSync(PROGRAM, {
    filename: join(work, "app.mjs"),
    babelrc: false,
    configFile: false,
    sourceType: "module",
    plugins: [[join(repoRoot, "packages", "babel-plugin"), { root: work }]],
  });
  writeFileSync(join(work, "app.inst.mjs"), result!.code!);
  esbuild.buildSync({
    entryPoints: [join(work, "app.inst.mjs")],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: join(work, "out.mjs"),
    nodePaths: [join(repoRoot, "node_modules")],
    logLevel: "silent",
  });
  assert.match(readFileSync(join(work, "out.mjs"), "utf8"), /Dynamic require of/, "esbuild's require shim is in the bundle");
  const run = runNode(["out.mjs"], work, { TSPROF_OUTPUT: "p.tsprof.json" });
  assert.equal(run.stderr, "");
  assert.equal(run.stdout, "55\n");
  assert.equal(run.status, 0);
  assert.deepEqual(callsOf(join(work, "p.tsprof.json")), { fib: 177 });
});

// Vite's dev server serves each of Node's modules a page imports as a stand-in that warns at every
// property read: `Module "buffer" has been externalized for browser compatibility. Cannot access
// "buffer.Buffer" in client code.` (its keys __esModule, __proto__, constructor and splice excepted).
// Every page load warned for buffer.Buffer (format) and util.types (the runtime).
test("in a page whose require gives Vite's stand-ins for Node's modules, the runtime records and reads none of them", () => {
  const reads: string[] = [];
  const standIn = (name: string): object =>
    Object.create(
      new Proxy(
        {},
        {
          get(_target, key) {
            if (key !== "__esModule" && key !== "__proto__" && key !== "constructor" && key !== "splice") reads.push(`${name}.${String(key)}`);
            return undefined;
          },
        },
      ),
    ) as object;
  // No process: a page. The bundle's loader hands every module it does not bundle to this require.
  const page: Record<string, unknown> = { performance, require: (id: string) => (id === "process" ? undefined : id === "timers" ? {} : standIn(id)) };
  runInNewContext(runtimeBundle(), page);
  const profile = JSON.parse(
    runInNewContext('var h = __tsprof.module("page.js", [["f", "", 1, 1, 0]]); h.exit(h.enter(0)); JSON.stringify(__tsprof.snapshot())', page) as string,
  ) as { stats: { calls: number }[]; meta: { clock: string } };
  assert.deepEqual(reads, []);
  assert.deepEqual(profile.stats.map((row) => row.calls), [1]);
  assert.equal(profile.meta.clock, "performance.now, compensated");
});
