// How the tsc transformer's module header reaches the runtime, for each way TypeScript emits a file: small
// projects built with TypeScript 5.9 and 6.0 through program.emit (the transformer as ts-patch runs it),
// then run with plain node: each prints what the program prints without tsprof, nothing more, and writes
// its profile. The header needs no helper the program does not (noEmitHelpers, importHelpers), a CommonJS
// file stays CommonJS (`module: "preserve"`), and a script that Node runs as an ES module is profiled.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type * as ts from "typescript";
import { tsprofTransformer } from "@tsprof/ts-transformer";
import { callsByName, scratchProject } from "./helpers/cli";

// By absolute path: the projects live in the temp dir, where no node_modules has the runtime (or tslib).
const probeEntry = require.resolve("@tsprof/runtime/probe");
const compilers: { label: string; ts: typeof ts; compilerOptions: Record<string, unknown> }[] = [
  { label: "TS 5.9", ts: require("typescript") as typeof ts, compilerOptions: {} },
  // TypeScript 6 deprecates the module kinds and defaults some of these cases use (amd, umd, node10 resolution).
  { label: "TS 6.0", ts: require("typescript6") as typeof ts, compilerOptions: { ignoreDeprecations: "6.0" } },
];

const LIB = "export function a(x: number) {\n  return x + 1;\n}\n";
const MAIN = 'import { a } from "./lib";\nconst run = () => a(1);\nconsole.log(run());\n';
/** A script: no import or export. */
const SCRIPT = 'function hello(n: number) {\n  return "hi " + n;\n}\nconsole.log([1, 2].map((x) => hello(x)).join(","));\n';

/**
 * Builds the project in `dir` (tsconfig-style `compilerOptions`) into dist/ with the transformer; the emitted
 * .js files by name. Without the standard library (noLib): what the header becomes does not depend on its
 * types, and the emit resolver's type check of it took seconds per build here.
 */
function build(tsApi: typeof ts, dir: string, compilerOptions: Record<string, unknown>, runtime = probeEntry): Record<string, string> {
  const converted = tsApi.convertCompilerOptionsFromJson({ types: [], noLib: true, rootDir: "src", outDir: "dist", ...compilerOptions }, dir);
  assert.deepEqual(converted.errors.map((d) => d.messageText), []);
  const rootNames = readdirSync(join(dir, "src")).map((name) => join(dir, "src", name));
  const program = tsApi.createProgram({ rootNames, options: converted.options });
  const result = program.emit(undefined, undefined, undefined, false, { before: [tsprofTransformer(program, { root: dir, runtime }, { ts: tsApi })] });
  assert.deepEqual(result.diagnostics, []);
  const emitted: Record<string, string> = {};
  for (const name of readdirSync(join(dir, "dist"))) if (/\.[cm]?js$/.test(name)) emitted[name] = readFileSync(join(dir, "dist", name), "utf8");
  return emitted;
}

/** `node dist/main.js` with TSPROF_OUTPUT: what it printed, its status, and the calls by name in its profile (none written: undefined). */
function run(dir: string, entry = "main.js") {
  const output = join(dir, "p.tsprof.json");
  const result = spawnSync(process.execPath, [join(dir, "dist", entry)], { cwd: dir, env: { ...process.env, TSPROF_OUTPUT: output }, encoding: "utf8", timeout: 60_000 });
  if (result.error) throw result.error;
  return { stdout: result.stdout, stderr: result.stderr, status: result.status, calls: existsSync(output) ? callsByName(output) : undefined };
}

interface HeaderCase {
  name: string;
  files: Record<string, string>;
  compilerOptions: Record<string, unknown>;
  stdout: string;
  calls: Record<string, number>;
  /** Checks on the emitted files. */
  emitted?: (files: Record<string, string>) => void;
}

const noHelpers = (files: Record<string, string>) => {
  for (const [name, text] of Object.entries(files)) assert.doesNotMatch(text, /__importStar|tslib/, name);
};

const cases: HeaderCase[] = [
  {
    // Was `__importStar(require(…))`: ReferenceError: __importStar is not defined.
    name: "CommonJS, esModuleInterop and noEmitHelpers: a require() the module transform leaves alone",
    files: { "src/lib.ts": LIB, "src/main.ts": MAIN },
    compilerOptions: { target: "ES2022", module: "commonjs", esModuleInterop: true, noEmitHelpers: true },
    stdout: "2\n",
    calls: { a: 1, run: 1 },
    emitted: noHelpers,
  },
  {
    // Was `require("tslib")` in every file, where the program itself needs no tslib.
    name: "CommonJS, esModuleInterop and importHelpers: no tslib",
    files: { "src/lib.ts": LIB, "src/main.ts": MAIN },
    compilerOptions: { target: "ES2022", module: "commonjs", esModuleInterop: true, importHelpers: true },
    stdout: "2\n",
    calls: { a: 1, run: 1 },
    emitted: noHelpers,
  },
  {
    name: "node16 in a package without a type (CommonJS, esModuleInterop implied) and noEmitHelpers",
    files: { "package.json": "{}\n", "src/lib.ts": LIB, "src/main.ts": MAIN },
    compilerOptions: { target: "ES2022", module: "node16", noEmitHelpers: true },
    stdout: "2\n",
    calls: { a: 1, run: 1 },
    emitted: noHelpers,
  },
  {
    // UMD runs its CommonJS branch under node; the header is `import ns = require()`, a dependency without the helper.
    name: "UMD, esModuleInterop and noEmitHelpers",
    files: { "src/lib.ts": LIB, "src/main.ts": MAIN },
    compilerOptions: { target: "ES2022", module: "umd", esModuleInterop: true, noEmitHelpers: true },
    stdout: "2\n",
    calls: { a: 1, run: 1 },
    emitted: noHelpers,
  },
  {
    // Was an `import * as` header in files that hold require() and module.exports: Node ran them as ES modules
    // and main.js threw "require is not defined in ES module scope".
    name: 'module "preserve": import = require() and export = stay CommonJS',
    files: {
      "src/lib.ts": "function twice(x: number) {\n  return x * 2;\n}\nexport = { twice };\n",
      "src/main.ts": 'import lib = require("./lib");\nconst f = () => lib.twice(21);\nconsole.log(f());\n',
    },
    compilerOptions: { target: "ES2022", module: "preserve" },
    stdout: "42\n",
    calls: { twice: 1, f: 1 },
    emitted: (files) => {
      for (const [name, text] of Object.entries(files)) assert.doesNotMatch(text, /^import /m, name);
    },
  },
  {
    // Was the require-or-global header: no require in an ES module, no global, nothing recorded, not a word.
    name: 'esnext: a script (no import or export) in a "type": "module" package gets an import',
    files: { "package.json": '{ "type": "module" }\n', "src/main.ts": SCRIPT },
    compilerOptions: { target: "ES2022", module: "esnext" },
    stdout: "hi 1,hi 2\n",
    calls: { hello: 2, "(anonymous)": 2 },
  },
  {
    name: 'preserve: a script in a "type": "module" package gets an import',
    files: { "package.json": '{ "type": "module" }\n', "src/main.ts": SCRIPT },
    compilerOptions: { target: "ES2022", module: "preserve" },
    stdout: "hi 1,hi 2\n",
    calls: { hello: 2, "(anonymous)": 2 },
  },
  {
    name: "esnext: a script in a package without a type (Node runs it as CommonJS) is profiled through require",
    files: { "package.json": "{}\n", "src/main.ts": SCRIPT },
    compilerOptions: { target: "ES2022", module: "esnext" },
    stdout: "hi 1,hi 2\n",
    calls: { hello: 2, "(anonymous)": 2 },
  },
];

for (const { label, ts: tsApi, compilerOptions: compilerDefaults } of compilers) {
  for (const headerCase of cases) {
    test(`${label}: ${headerCase.name}`, () => {
      const dir = scratchProject(headerCase.files, "tsc-header");
      try {
        const emitted = build(tsApi, dir, { ...compilerDefaults, ...headerCase.compilerOptions });
        headerCase.emitted?.(emitted);
        const result = run(dir);
        assert.deepEqual({ stdout: result.stdout, stderr: result.stderr, status: result.status }, { stdout: headerCase.stdout, stderr: "", status: 0 });
        assert.deepEqual(result.calls, headerCase.calls);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test(`${label}: a script that Node runs as an ES module where TypeScript could not tell says once on stderr that it runs unprofiled`, () => {
    // The source's package has no type; the output goes into a "type": "module" folder of its own.
    const dir = scratchProject({ "src/main.ts": SCRIPT, "src/other.ts": "function other() {\n  return 1;\n}\nother();\n" }, "tsc-header");
    try {
      build(tsApi, dir, { ...compilerDefaults, target: "ES2022", module: "esnext" });
      writeFileSync(join(dir, "dist", "package.json"), '{ "type": "module" }\n');
      writeFileSync(join(dir, "dist", "both.js"), 'import "./other.js";\nimport "./main.js";\n');
      const result = run(dir, "both.js");
      assert.deepEqual(
        { stdout: result.stdout, stderr: result.stderr, status: result.status, calls: result.calls },
        {
          stdout: "hi 1,hi 2\n",
          stderr: `tsprof: cannot load ${probeEntry} (no require in an ES module): the program runs without profiling\n`,
          status: 0,
          calls: undefined,
        },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(`${label}: a script whose require() of the runtime fails says so once on stderr and runs as it would`, () => {
    // The temp dir has no node_modules with @tsprof/runtime: each file's require throws MODULE_NOT_FOUND.
    const dir = scratchProject({ "src/main.ts": SCRIPT, "src/other.ts": "function other() {\n  return 1;\n}\nother();\n" }, "tsc-header");
    try {
      build(tsApi, dir, { ...compilerDefaults, target: "ES2022", module: "esnext" }, "@tsprof/runtime/probe");
      writeFileSync(join(dir, "dist", "both.js"), 'require("./other.js");\nrequire("./main.js");\n');
      const result = run(dir, "both.js");
      assert.deepEqual(
        { stdout: result.stdout, stderr: result.stderr, status: result.status, calls: result.calls },
        {
          stdout: "hi 1,hi 2\n",
          stderr: "tsprof: cannot load @tsprof/runtime/probe (MODULE_NOT_FOUND): the program runs without profiling\n",
          status: 0,
          calls: undefined,
        },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(`${label}: AMD with esModuleInterop and noEmitHelpers: the runtime is a define() dependency, without __importStar`, () => {
    const dir = scratchProject({ "src/lib.ts": LIB, "src/main.ts": MAIN }, "tsc-header");
    try {
      const emitted = build(tsApi, dir, { ...compilerDefaults, target: "ES2022", module: "amd", esModuleInterop: true, noEmitHelpers: true });
      noHelpers(emitted);
      assert.match(emitted["lib.js"], new RegExp(`^define\\(\\["require", "exports", ${JSON.stringify(probeEntry).replace(/[/.]/g, "\\$&")}\\], function \\(require, exports, _tsprof\\$\\w+\\$rt\\) \\{`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
