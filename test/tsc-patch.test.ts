// The transformer through ts-patch's `tspc` and a `compilerOptions.plugins` entry: the example project
// builds and its profile is right; a bad option or a type error fails the build with TypeScript's usual report.
//
// ts-patch 4 (for TypeScript 6) declares node >= 22.15 but runs on Node 20; ts-patch 3.2.1 cannot patch
// TypeScript 5.9 ("Could not recognize TS format during slice"): that test says so and is skipped.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./helpers/cli";

const exampleDir = join(repoRoot, "examples", "tsc-project");
const transformerDir = join(repoRoot, "packages", "ts-transformer");
// The packages' `exports` hide bin/: their folders are found through package.json.
const packageDir = (name: string) => join(require.resolve(`${name}/package.json`), "..");
const tspc4 = join(packageDir("ts-patch4"), "bin", "tspc.js");
const tspc3 = join(packageDir("ts-patch"), "bin", "tspc.js");
const typescript6Dir = packageDir("typescript6");
const typescript5Dir = packageDir("typescript");

/** `tspc -p project` (or `tspc ...args`, in `project`) with the TypeScript at `typescriptDir` (ts-patch's TSP_COMPILER_TS_PATH). */
function tspc(bin: string, typescriptDir: string, project: string, args = ["-p", project]) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: project,
    env: { ...process.env, TSP_COMPILER_TS_PATH: typescriptDir },
    encoding: "utf8",
    timeout: 120_000,
  });
  if (result.error) throw result.error;
  return { output: `${result.stdout}${result.stderr}`, status: result.status };
}

/** A throwaway project whose plugins entry is `pluginEntry` (the transformer by absolute path). */
function scratchProject(pluginEntry: Record<string, unknown>, source: string): string {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-tspc-"));
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src", "a.ts"), source);
  const compilerOptions = { outDir: "dist", rootDir: "src", types: [], module: "commonjs", plugins: [{ transform: transformerDir, ...pluginEntry }] };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["src"] }, null, 2));
  return dir;
}

test("examples/tsc-project: built by tspc (ts-patch 4, TypeScript 6), run with plain node, profiled", () => {
  rmSync(join(exampleDir, "dist"), { recursive: true, force: true });
  const build = tspc(tspc4, typescript6Dir, exampleDir);
  assert.equal(build.status, 0, build.output);
  const work = mkdtempSync(join(tmpdir(), "tsprof-example-"));
  const profilePath = join(work, "example.tsprof.json");
  const run = spawnSync(process.execPath, [join(exampleDir, "dist", "main.js")], {
    cwd: exampleDir,
    env: { ...process.env, TSPROF_CLOCK: "tick", TSPROF_OUTPUT: profilePath },
    encoding: "utf8",
  });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, "rect 6.00, rect 4.00 cm 24 6 6\n");
  const profile = JSON.parse(readFileSync(profilePath, "utf8")) as {
    functions: { name: string; qualifiedName: string; file: string; line: number; column: number }[];
    stats: { function: number; calls: number; primitiveCalls: number }[];
    edges: { caller: number; callee: number; calls: number }[];
  };
  const row = (qualifiedName: string) => {
    const index = profile.functions.findIndex((f) => f.qualifiedName === qualifiedName);
    assert.ok(index >= 0, `${qualifiedName} is in the profile`);
    const stats = profile.stats.find((s) => s.function === index)!;
    const f = profile.functions[index];
    return `${f.file}:${f.line}:${f.column} ${stats.calls}/${stats.primitiveCalls}`;
  };
  // Hand-checked against src/: two shapes (Rect(2,3) and Rect.square(2)), fact(4) recursing 3 times,
  // evens(6) yielding 0, 2, 4, so delayed() runs 3 times; the map callback once per shape.
  assert.deepEqual(
    {
      main: row("main"),
      fact: row("fact"),
      evens: row("evens"),
      delayed: row("delayed"),
      rect: row("Rect.constructor"),
      shape: row("Shape.constructor"),
      describe: row("Shape.describe"),
      area: row("Rect.area"),
      square: row("static Rect.square"),
      callback: row("(anonymous)"),
    },
    {
      main: "src/main.ts:24:1 1/1",
      fact: "src/main.ts:10:10 4/1",
      evens: "src/main.ts:15:1 1/1",
      delayed: "src/main.ts:19:1 3/3",
      rect: "src/shapes.ts:11:3 2/2",
      shape: "src/shapes.ts:3:3 2/2",
      describe: "src/shapes.ts:5:3 2/2",
      area: "src/shapes.ts:14:3 2/2",
      square: "src/shapes.ts:20:3 1/1",
      callback: "src/main.ts:26:32 2/2",
    },
  );
  // The plugins entry excludes src/generated/**: lookup() ran but is nobody's row.
  assert.equal(profile.functions.some((f) => f.name === "lookup"), false);
  assert.equal(profile.stats.reduce((sum, s) => sum + s.calls, 0), 20);
  const mainIndex = profile.functions.findIndex((f) => f.name === "main");
  const delayedIndex = profile.functions.findIndex((f) => f.name === "delayed");
  assert.equal(profile.edges.find((e) => e.caller === mainIndex && e.callee === delayedIndex)?.calls, 3);
  rmSync(work, { recursive: true, force: true });
});

test("tspc: an unknown option in the plugins entry fails the build with one tsprof diagnostic", () => {
  const dir = scratchProject({ bogus: 1 }, "export const f = (n: number): number => n + 1;\n");
  const build = tspc(tspc4, typescript6Dir, dir);
  assert.notEqual(build.status, 0);
  assert.equal(build.output.trim(), 'error TS9901: tsprof: unknown option "bogus" (known options: include, exclude, root, runtime, importStyle, onError)');
  rmSync(dir, { recursive: true, force: true });
});

test("tspc: a type error in user code is reported by tsc as usual, the transformer in place", () => {
  const dir = scratchProject({}, 'export const f = (n: number): number => n + "1";\n');
  const build = tspc(tspc4, typescript6Dir, dir);
  assert.notEqual(build.status, 0);
  assert.match(build.output, /src\/a\.ts\(1,41\): error TS2322: Type 'string' is not assignable to type 'number'\./);
  assert.doesNotMatch(build.output, /tsprof|\n\s+at /);
  rmSync(dir, { recursive: true, force: true });
});

test("tspc with ts-patch 3 and TypeScript 5.9: options from the plugins entry", () => {
  const dir = scratchProject({ importStyle: "require" }, "export function twice(n: number): number {\n  return n * 2;\n}\n");
  const build = tspc(tspc3, typescript5Dir, dir);
  assert.equal(build.status, 0, build.output);
  const emitted = readFileSync(join(dir, "dist", "a.js"), "utf8");
  // Column 8: the function starts after `export ` (the Babel plugin reports the same site).
  assert.match(emitted, /require\("@tsprof\/runtime\/probe"\)\.module\("src\/a\.ts", \[\["twice", "", 1, 8, 0\]\]\)/);
  rmSync(dir, { recursive: true, force: true });
});

// ts-patch's other entry types hand the transformer other arguments ("config": the config alone,
// "compilerOptions" and "checker": something else first, "raw": a transformation context and the
// program): "config" failed with `program?.getCompilerOptions is not a function` and a stack trace,
// "raw" with `unknown option "directoryExists"` (the program taken for the options).
const librarySource = "export function square(x: number) {\n  return x * x;\n}\nexport class Acc {\n  total = 0;\n  add(v: number) { this.total += square(v); return this; }\n}\n";

/** `scratchProject` plus src/lib.ts (a class field, which TypeScript's own transforms rewrite). */
function twoFileProject(pluginEntry: Record<string, unknown>): string {
  const dir = scratchProject(pluginEntry, 'import { Acc } from "./lib";\nexport function main() {\n  return new Acc().add(2).total;\n}\n');
  writeFileSync(join(dir, "src", "lib.ts"), librarySource);
  return dir;
}

/** The emitted JavaScript of a two-file project, file by file. */
function emitted(dir: string): string[] {
  return ["a.js", "lib.js"].map((file) => readFileSync(join(dir, "dist", file), "utf8"));
}

test("tspc: the entry works with every ts-patch type, as with the default \"program\"", () => {
  const reference = twoFileProject({});
  const build = tspc(tspc4, typescript6Dir, reference);
  assert.equal(build.status, 0, build.output);
  const expected = emitted(reference);
  assert.match(expected[1], /\.module\("src\/lib\.ts"/);
  for (const type of ["config", "compilerOptions", "checker", "raw"]) {
    const dir = twoFileProject({ type });
    const typed = tspc(tspc4, typescript6Dir, dir);
    assert.equal(typed.status, 0, `${type}: ${typed.output}`);
    assert.equal(typed.output, "");
    assert.deepEqual(emitted(dir), expected, type);
    rmSync(dir, { recursive: true, force: true });
  }
  rmSync(reference, { recursive: true, force: true });
});

test("tspc: a bad option under a ts-patch type without diagnostics is still one tsprof line, and nothing is written", () => {
  for (const type of ["config", "raw"]) {
    const dir = twoFileProject({ type, bogus: 1 });
    const build = tspc(tspc4, typescript6Dir, dir);
    assert.equal(build.status, 1, build.output);
    assert.equal(build.output.trim(), 'error TS9901: tsprof: unknown option "bogus" (known options: include, exclude, root, runtime, importStyle, onError)', type);
    assert.equal(existsSync(join(dir, "dist")), false);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tspc: "after": true and "afterDeclarations": true fail the build with one tsprof line, no file instrumented', () => {
  // "after" ran the transformer on TypeScript's output, without a word here (exit 0), and in an ES2020
  // nodenext project with an internal error on one file and the others instrumented (exit 2);
  // "afterDeclarations" left every file alone, exit 0.
  for (const key of ["after", "afterDeclarations"]) {
    const dir = twoFileProject({ [key]: true });
    const build = tspc(tspc4, typescript6Dir, dir);
    assert.notEqual(build.status, 0, build.output);
    assert.equal(
      build.output.trim(),
      `error TS9901: tsprof: the transformer must run as a "before" transformer, on the source as written: remove "${key}": true from its "plugins" entry`,
    );
    for (const text of emitted(dir)) assert.doesNotMatch(text, /tsprof/);
    rmSync(dir, { recursive: true, force: true });
  }
});

// `tsc -b` compiles each project of a build as a program of its own, whose tsconfig folder was its root:
// core/src/index.ts and app/src/index.ts were both "src/index.ts", and their `add` at line 1 one row.
const probeEntry = require.resolve("@tsprof/runtime/probe");

/** A build of two projects (core, composite; app, referencing it) and a solution tsconfig naming both. */
function referencesBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-tspc-build-"));
  const plugins = [{ transform: transformerDir, runtime: probeEntry }];
  const files: Record<string, string> = {
    "tsconfig.json": JSON.stringify({ files: [], references: [{ path: "core" }, { path: "app" }] }),
    "core/tsconfig.json": JSON.stringify({
      compilerOptions: { composite: true, module: "commonjs", target: "ES2020", outDir: "dist", rootDir: "src", types: [], plugins: [{ ...plugins[0], exclude: "src/gen/**" }] },
      include: ["src"],
    }),
    "core/src/index.ts": 'export function add(a: number, b: number) {\n  return a + b;\n}\nexport { made } from "./gen/made";\n',
    "core/src/gen/made.ts": "export const made = () => 1;\n",
    "app/tsconfig.json": JSON.stringify({
      compilerOptions: { module: "commonjs", target: "ES2020", outDir: "dist", rootDir: "src", types: [], plugins },
      include: ["src"],
      references: [{ path: "../core" }],
    }),
    "app/src/index.ts": "export function add(a: number, b: number) {\n  return a * b;\n}\n",
    "app/src/main.ts": 'import { add, made } from "../../core/dist/index";\nimport { add as times } from "./index";\nconst main = () => console.log(add(2, 3), times(2, 3), made());\nmain();\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** The site table's path in an emitted file. */
const sitePath = (dir: string, file: string) => /\.module\("([^"]*)"/.exec(readFileSync(join(dir, file), "utf8"))?.[1];

for (const [label, bin, typescriptDir] of [["ts-patch 4, TypeScript 6.0", tspc4, typescript6Dir], ["ts-patch 3, TypeScript 5.9", tspc3, typescript5Dir]] as const) {
  test(`tspc -b (${label}): the projects of a build are apart, their paths relative to the build's folder`, () => {
    const dir = referencesBuild();
    try {
      const build = tspc(bin, typescriptDir, dir, ["-b"]);
      assert.equal(build.status, 0, build.output);
      assert.deepEqual([sitePath(dir, "core/dist/index.js"), sitePath(dir, "app/dist/index.js"), sitePath(dir, "app/dist/main.js")], ["core/src/index.ts", "app/src/index.ts", "app/src/main.ts"]);
      // core's exclude is still relative to core's tsconfig.
      assert.doesNotMatch(readFileSync(join(dir, "core/dist/gen/made.js"), "utf8"), /tsprof/);
      const profilePath = join(dir, "p.tsprof.json");
      const run = spawnSync(process.execPath, [join(dir, "app/dist/main.js")], { cwd: dir, env: { ...process.env, TSPROF_OUTPUT: profilePath }, encoding: "utf8" });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, "5 6 1\n");
      const profile = JSON.parse(readFileSync(profilePath, "utf8")) as { functions: { name: string; file: string; line: number }[] };
      assert.deepEqual(profile.functions.filter((f) => f.name === "add").map((f) => `${f.file}:${f.line}`).sort(), ["app/src/index.ts:1", "core/src/index.ts:1"]);
      // Built from app's folder, the build's folder is app's: core's files are outside it, and still apart.
      rmSync(join(dir, "core/dist"), { recursive: true, force: true });
      rmSync(join(dir, "app/dist"), { recursive: true, force: true });
      for (const info of ["core/tsconfig.tsbuildinfo", "app/tsconfig.tsbuildinfo"]) rmSync(join(dir, info), { force: true });
      const fromApp = tspc(bin, typescriptDir, join(dir, "app"), ["--build", "."]);
      assert.equal(fromApp.status, 0, fromApp.output);
      assert.deepEqual([sitePath(dir, "core/dist/index.js"), sitePath(dir, "app/dist/index.js")], ["../core/src/index.ts", "src/index.ts"]);
      // tsc -p, one project alone: its own folder, as before.
      rmSync(join(dir, "core/dist"), { recursive: true, force: true });
      rmSync(join(dir, "core/tsconfig.tsbuildinfo"), { force: true });
      const alone = tspc(bin, typescriptDir, join(dir, "core"));
      assert.equal(alone.status, 0, alone.output);
      assert.equal(sitePath(dir, "core/dist/index.js"), "src/index.ts");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
