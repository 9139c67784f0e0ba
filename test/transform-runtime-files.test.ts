// The runtime's own code is never instrumented, whatever path reaches it: a linked @tsprof/runtime (npm link,
// workspaces, `npm install <dir>`) is loaded through its real path, outside node_modules, so a project-wide
// babel.config.js (babel-jest, @babel/register) used to instrument it and its @tsprof/format, and the
// program crashed in the probe entry ("….module is not a function"). A copy of such a package that the
// runtime does not load (tsprof's self-hosting tests profile copies of @tsprof/format) is instrumented as usual.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { transformSync, type TransformOptions } from "@babel/core";
import type * as ts from "typescript";
import type { ModuleSites } from "@tsprof/instrument";
import { tsprofTransformer, type SkipReason } from "@tsprof/ts-transformer";
import { repoRoot, tsprof } from "./helpers/cli";
import tsprofPlugin = require("@tsprof/babel-plugin");

const CODE = "function sq(x) {\n  return x * x;\n}\nconsole.log(sq(3));\n";

/** An app whose node_modules/@tsprof/runtime is a link to this repository's runtime, as `npm link` leaves it. */
function withLinkedApp(body: (app: string) => void): void {
  const app = mkdtempSync(join(tmpdir(), "tsprof-linked-runtime-"));
  try {
    mkdirSync(join(app, "src"));
    mkdirSync(join(app, "node_modules", "@tsprof"), { recursive: true });
    symlinkSync(join(repoRoot, "packages", "runtime"), join(app, "node_modules", "@tsprof", "runtime"), "dir");
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app" }));
    writeFileSync(join(app, "src", "main.js"), CODE);
    body(app);
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
}

function babelInstruments(filename: string, cwd: string): boolean {
  const result = transformSync(CODE, { filename, cwd, babelrc: false, configFile: false, plugins: [tsprofPlugin] })!;
  return (result.metadata as unknown as { tsprof?: ModuleSites }).tsprof !== undefined;
}

test("Babel: the runtime's files and the packages it loads are left alone (reached by their real path); the app and another copy of @tsprof/format are instrumented", () => {
  withLinkedApp((app) => {
    assert.equal(babelInstruments(join(repoRoot, "packages", "runtime", "dist", "probe.js"), app), false);
    assert.equal(babelInstruments(join(repoRoot, "packages", "runtime", "src", "probe.ts"), app), false);
    assert.equal(babelInstruments(join(repoRoot, "packages", "format", "dist", "index.js"), app), false);
    assert.equal(babelInstruments(join(app, "src", "main.js"), app), true);
    // A copy of @tsprof/format beside the app: the linked runtime loads the repository's, not this one.
    mkdirSync(join(app, "vendor", "format"), { recursive: true });
    writeFileSync(join(app, "vendor", "format", "package.json"), JSON.stringify({ name: "@tsprof/format" }));
    assert.equal(babelInstruments(join(app, "vendor", "format", "index.js"), app), true);
  });
});

test("tsc transformer: the runtime's files are left alone ('excluded')", () => {
  const tsApi = require("typescript") as typeof ts;
  const tables: Record<string, ModuleSites | SkipReason> = {};
  const transformer = tsprofTransformer(undefined, { runtime: "global" }, { ts: tsApi, onModule: (file, table) => (tables[file] = table) });
  const runtimeFile = join(repoRoot, "packages", "runtime", "src", "probe.ts");
  const output = tsApi.transpileModule(CODE, { fileName: runtimeFile, transformers: { before: [transformer] } }).outputText;
  assert.doesNotMatch(output, /_tsprof/);
  assert.equal(tables[runtimeFile], "excluded");
});

test("a require hook that runs Babel with the plugin on every file outside node_modules (what babel-jest does) runs the app against a linked runtime and profiles it", () => {
  withLinkedApp((app) => {
    // Every .js Node loads by a path outside node_modules goes through Babel, by its real path, as babel-jest's
    // transform does: the linked runtime's probe.js and @tsprof/format included.
    const hook = `
      const Module = require("node:module");
      const fs = require("node:fs");
      const babel = require(${JSON.stringify(require.resolve("@babel/core"))});
      const plugin = require(${JSON.stringify(require.resolve("@tsprof/babel-plugin"))});
      const compileJs = Module._extensions[".js"];
      Module._extensions[".js"] = function (module, filename) {
        if (/[\\\\/]node_modules[\\\\/]/.test(filename)) return compileJs(module, filename);
        const options = { filename, cwd: ${JSON.stringify(app)}, babelrc: false, configFile: false, plugins: [plugin] };
        module._compile(babel.transformSync(fs.readFileSync(filename, "utf8"), options).code, filename);
      };
      require(${JSON.stringify(join(app, "src", "main.js"))});
    `;
    writeFileSync(join(app, "hook.cjs"), hook);
    const result = spawnSync(process.execPath, [join(app, "hook.cjs")], {
      cwd: app,
      env: { ...process.env, TSPROF_OUTPUT: join(app, "out.tsprof.json") },
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(result.stderr.includes("TypeError"), false, result.stderr);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, "9\n");
    assert.ok(readdirSync(app).includes("out.tsprof.json"), result.stderr);
    const profile = JSON.parse(readFileSync(join(app, "out.tsprof.json"), "utf8")) as { functions: { name: string; file: string }[] };
    assert.deepEqual(
      profile.functions.map((f) => `${f.file}:${f.name}`),
      ["src/main.js:sq"],
    );
  });
});

// A program that uses the Profile API, bundled with esbuild (@tsprof/runtime, @tsprof/format and @tsprof/stats
// inside the bundle, each function mapped to its own source) and instrumented after bundling, as the README's
// "From code" example built that way. The plugin checked the runtime's files by the name of the file it was
// given, the bundle: the bundled runtime got probes, the recorder's own functions called the recorder, and the
// program hung. A function is now held to the rules by the original source its map names; a bundled vendor
// package (mapped to node_modules) is left alone as it would be unbundled.
const PROFILE_API_PROGRAM = `import { Profile } from "@tsprof/runtime";
import { pad } from "left-pad-ish";
function work(n: number): number { let s = 0; for (let i = 0; i < n; i++) s += step(i); return s; }
function step(i: number) { return i % 7; }
const profile = new Profile();
console.log("result", profile.runcall(work, 1000), pad("x"));
profile.printStats("cumulative");
`;

/** An app whose node_modules links this repository's tsprof packages and holds a small vendor package; its bundle is dist/main.js (map beside it). */
function withBundledApp(body: (app: string) => void): void {
  const app = makeAppSources("main.ts");
  try {
    const esbuild = require(require.resolve("esbuild", { paths: [repoRoot] })) as { buildSync(options: object): unknown };
    esbuild.buildSync({ entryPoints: [join(app, "src", "main.ts")], bundle: true, platform: "node", sourcemap: true, outfile: join(app, "dist", "main.js"), logLevel: "silent" });
    body(app);
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
}

/** Such an app's sources, not bundled yet: PROFILE_API_PROGRAM in src/`main` (types left out of a .js file). */
function makeAppSources(main: string): string {
  const app = mkdtempSync(join(tmpdir(), "tsprof-bundled-runtime-"));
  mkdirSync(join(app, "src"));
  mkdirSync(join(app, "node_modules", "@tsprof"), { recursive: true });
  for (const name of ["runtime", "format", "stats"]) symlinkSync(join(repoRoot, "packages", name), join(app, "node_modules", "@tsprof", name), "dir");
  mkdirSync(join(app, "node_modules", "left-pad-ish"));
  writeFileSync(join(app, "node_modules", "left-pad-ish", "package.json"), JSON.stringify({ name: "left-pad-ish", main: "index.js" }));
  writeFileSync(join(app, "node_modules", "left-pad-ish", "index.js"), 'exports.pad = function pad(s) { return " " + s; };\n');
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app" }));
  writeFileSync(join(app, "src", main), main.endsWith(".ts") ? PROFILE_API_PROGRAM : PROFILE_API_PROGRAM.replace(/: number/g, ""));
  return app;
}

test("a bundle that holds the runtime, instrumented after bundling: only the app's functions get probes, and the program runs and records them", () => {
  withBundledApp((app) => {
    const bundle = join(app, "dist", "main.js");
    const result = transformSync(readFileSync(bundle, "utf8"), {
      filename: bundle,
      cwd: app,
      babelrc: false,
      configFile: false,
      inputSourceMap: JSON.parse(readFileSync(`${bundle}.map`, "utf8")) as TransformOptions["inputSourceMap"],
      plugins: [tsprofPlugin],
    })!;
    const table = (result.metadata as unknown as { tsprof: ModuleSites }).tsprof;
    // The bundle's own helpers (esbuild's __commonJS and the like, unmapped) keep the bundle's name.
    const files = [...new Set(table.sites.map((site) => site[5] ?? table.file))].sort();
    assert.deepEqual(files, ["dist/main.js", "src/main.ts"]);
    assert.deepEqual(
      table.sites.filter((site) => site[5] === "src/main.ts").map((site) => site[0]),
      ["work", "step"],
    );
    writeFileSync(join(app, "dist", "main.i.js"), result.code!);
    const run = spawnSync(process.execPath, [join(app, "dist", "main.i.js")], {
      cwd: join(app, "dist"),
      env: { ...process.env, TSPROF_AUTOSTART: "0", TSPROF_CLOCK: "tick" },
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(run.signal, null, "the program ended by itself");
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^result 2997 {2}x\n/);
    assert.match(run.stdout, /1001 function calls in /);
    // printStats strips folders, as cProfile.Profile.print_stats does.
    assert.match(run.stdout, /\n {8}1 .* main\.ts:3\(work\)\n {5}1000 .* main\.ts:4\(step\)\n\n/);
  });
});

test("tsprof run of such a bundle (not instrumented yet, its map beside it) runs the program and profiles the app's functions, not the bundled runtime's", () => {
  withBundledApp((app) => {
    const run = tsprof(["run", "-o", "out.tsprof.json", "dist/main.js"], { cwd: app });
    assert.equal(run.signal, null, "the program ended by itself");
    assert.equal(run.status, 0, run.stderr);
    // The program's own Profile recorded work and step (runcall's calls are its, not the run's).
    assert.match(run.stdout, /^result 2997 {2}x\n {9}1001 function calls in /);
    assert.match(run.stdout, /\n {8}1 .* main\.ts:3\(work\)\n {5}1000 .* main\.ts:4\(step\)\n\n/);
    const profile = JSON.parse(readFileSync(join(app, "out.tsprof.json"), "utf8")) as { functions: { name: string; file: string }[] };
    // The run's: esbuild's own helpers and module wrappers, which no map gives a source, and nothing of the runtime.
    assert.deepEqual([...new Set(profile.functions.map((f) => f.file))], ["dist/main.js"]);
    assert.ok(profile.functions.some((f) => f.name === "__require"));
  });
});

/** The Babel plugin's site table of `bundle` instrumented after bundling, with the map beside it; Babel's cwd is `cwd`. */
function sitesOfBundle(bundle: string, cwd: string): ModuleSites {
  const result = transformSync(readFileSync(bundle, "utf8"), {
    filename: bundle,
    cwd,
    babelrc: false,
    configFile: false,
    inputSourceMap: JSON.parse(readFileSync(`${bundle}.map`, "utf8")) as TransformOptions["inputSourceMap"],
    plugins: [tsprofPlugin],
  })!;
  return (result.metadata as unknown as { tsprof: ModuleSites }).tsprof;
}

// webpack names its sources by URL (webpack://app/./src/main.js, webpack://app/../../../repo/packages/runtime/…),
// which the map's positions are not taken from; such a source used to count as "not another source", and the
// bundled runtime and vendor code got probes. The URL's path is now judged, taken from the build's context.
test("a webpack bundle that holds the runtime, instrumented after bundling: its webpack:// sources are judged, only the app's functions get probes", async () => {
  const app = makeAppSources("main.js");
  try {
    const webpack = require(require.resolve("webpack", { paths: [repoRoot] })) as (options: object, callback: (error: Error | null, stats?: { hasErrors(): boolean; toString(): string }) => void) => void;
    const stats = await new Promise<{ hasErrors(): boolean; toString(): string }>((done, fail) =>
      webpack({ mode: "none", target: "node", context: app, entry: "./src/main.js", devtool: "source-map", output: { path: join(app, "dist"), filename: "main.js" } }, (error, result) => (error ? fail(error) : done(result!))),
    );
    assert.ok(!stats.hasErrors(), stats.toString());
    const map = readFileSync(join(app, "dist", "main.js.map"), "utf8");
    assert.match(map, /"webpack:\/\/app\/\.\/node_modules\/left-pad-ish\/index\.js"/);
    const names = sitesOfBundle(join(app, "dist", "main.js"), app).sites.map((site) => site[0]);
    assert.deepEqual(names.slice(-2), ["work", "step"]);
    for (const name of ["pad", "runcall", "printStats", "enable"]) assert.ok(!names.includes(name), `${name} got a probe`);
    const run = tsprof(["run", "-o", "out.tsprof.json", "dist/main.js"], { cwd: app });
    assert.equal(run.signal, null, "the program ended by itself");
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^result 2997 {2}x\n {9}1001 function calls in /);
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
});

// A monorepo's node_modules is hoisted above the package that bundles: esbuild names vendor code
// "../../node_modules/left-pad-ish/index.js" from the build's root, which "**/node_modules/**" does not match.
test("a bundle of a monorepo package whose vendor code is in the hoisted node_modules above it: the vendor functions get no probe", () => {
  const mono = mkdtempSync(join(tmpdir(), "tsprof-mono-"));
  try {
    const app = join(mono, "packages", "app");
    mkdirSync(join(app, "src"), { recursive: true });
    mkdirSync(join(mono, "node_modules", "left-pad-ish"), { recursive: true });
    writeFileSync(join(mono, "node_modules", "left-pad-ish", "index.js"), 'exports.pad = function pad(s) { return " " + s; };\n');
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app" }));
    writeFileSync(join(app, "src", "main.js"), 'import { pad } from "left-pad-ish";\nfunction work() { return pad("x"); }\nconsole.log(work());\n');
    const esbuild = require(require.resolve("esbuild", { paths: [repoRoot] })) as { buildSync(options: object): unknown };
    esbuild.buildSync({ entryPoints: [join(app, "src", "main.js")], bundle: true, platform: "node", sourcemap: true, outfile: join(app, "dist", "main.js"), logLevel: "silent" });
    const table = sitesOfBundle(join(app, "dist", "main.js"), app);
    assert.deepEqual(
      table.sites.filter((site) => site[5] !== undefined).map((site) => `${site[0]} ${site[5]}`),
      ["work src/main.js"],
    );
  } finally {
    rmSync(mono, { recursive: true, force: true });
  }
});
