// The transformer called the ways build tools call it: `program.emit` custom transformers, `ts.transpileModule`,
// ts-loader's `getCustomTransformers(program)`, ts-jest's `{ name, version, factory(tsCompiler, options) }`;
// with TypeScript 5.9 and 6.0 handed over as the host's `ts`. Bad options and type errors behave as a user expects.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as ts from "typescript";
import { OptionsError, type ModuleSites } from "@tsprof/instrument";
import { createProbeLog, observeRun, runInFreshContext } from "@tsprof/instrument/testing";
import { tsprofCustomTransformers, tsprofTransformer, type SkipReason } from "@tsprof/ts-transformer";
import * as tsJest from "@tsprof/ts-transformer/ts-jest";

const compilers: { label: string; ts: typeof ts }[] = [
  { label: "TS 5.9", ts: require("typescript") as typeof ts },
  { label: "TS 6.0", ts: require("typescript6") as typeof ts },
];

const MAIN = `import { twice } from "./math";
export function run(): number[] {
  return [1, 2].map((n) => twice(n));
}
`;
const MATH = `export const twice = (n: number): number => n * 2;
`;

/** A project on disk: tsconfig.json, src/main.ts, src/math.ts (and whatever `extra` adds). */
function writeProject(extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-tsc-api-"));
  mkdirSync(join(dir, "src"));
  const files: Record<string, string> = { "src/main.ts": MAIN, "src/math.ts": MATH, ...extra };
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  const compilerOptions = { target: "ES2022", module: "commonjs", strict: true, outDir: "dist", rootDir: "src", types: [] };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["src"] }));
  return dir;
}

/** A program from the project's tsconfig, as a build tool makes it. */
function createProgram(tsApi: typeof ts, dir: string): ts.Program {
  const configPath = join(dir, "tsconfig.json");
  const config = tsApi.readConfigFile(configPath, tsApi.sys.readFile);
  const parsed = tsApi.parseJsonConfigFileContent(config.config, tsApi.sys, dir, undefined, configPath);
  return tsApi.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
}

/** Emits into memory; returns the emitted .js files by their name relative to outDir. */
function emit(program: ts.Program, transformers: ts.CustomTransformers): { files: Record<string, string>; diagnostics: readonly ts.Diagnostic[] } {
  const files: Record<string, string> = {};
  const result = program.emit(undefined, (fileName, text) => {
    if (fileName.endsWith(".js")) files[fileName.replace(/^.*\/dist\//, "")] = text;
  }, undefined, false, transformers);
  return { files, diagnostics: result.diagnostics };
}

/** Runs emitted CommonJS modules (main requiring ./math) with a recording probe installed as globalThis.__tsprof. */
async function runEmitted(files: Record<string, string>) {
  const log = createProbeLog();
  const math = runInFreshContext(files["math.js"], "math.js", { __tsprof: log.entry });
  const main = runInFreshContext(files["main.js"].replace(/require\("\.\/math"\)/, "__math"), "main.js", { __tsprof: log.entry, __math: math });
  return { log, observed: await observeRun(main) };
}

for (const { label, ts: tsApi } of compilers) {
  test(`${label}: program.emit with before: [tsprofTransformer(program, options)]`, async () => {
    const dir = writeProject();
    const program = createProgram(tsApi, dir);
    const tables: Record<string, ModuleSites | SkipReason> = {};
    const transformer = tsprofTransformer(program, { runtime: "global" }, { ts: tsApi, onModule: (file, table) => (tables[file.slice(dir.length + 1)] = table) });
    const { files, diagnostics } = emit(program, { before: [transformer] });
    assert.deepEqual(diagnostics, []);
    // Paths are relative to the tsconfig's directory; arrows start at their `(`: twice at 1:22, the map callback at 3:21.
    assert.deepEqual(tables, {
      "src/main.ts": { file: "src/main.ts", sites: [["run", "", 2, 8, 0], ["(anonymous)", "", 3, 21, 0]] },
      "src/math.ts": { file: "src/math.ts", sites: [["twice", "", 1, 22, 0]] },
    });
    const { log, observed } = await runEmitted(files);
    assert.equal(observed, JSON.stringify({ returned: [2, 4] }, null, 1));
    assert.deepEqual(log.violations, []);
    assert.deepEqual(log.events.filter((event) => event.startsWith("enter")), ["enter run #1", "enter (anonymous) #2", "enter twice #3", "enter (anonymous) #4", "enter twice #5"]);
    rmSync(dir, { recursive: true, force: true });
  });

  test(`${label}: type errors are reported by TypeScript as usual; the transformer does not hide or add any`, () => {
    const dir = writeProject({ "src/math.ts": 'export const twice = (n: number): number => n + "2";\n' });
    const program = createProgram(tsApi, dir);
    const errors = tsApi.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName.slice(dir.length + 1)} TS${d.code}`);
    assert.deepEqual(errors, ["src/math.ts TS2322"]);
    const { files, diagnostics } = emit(program, { before: [tsprofTransformer(program, { runtime: "global" }, { ts: tsApi })] });
    assert.deepEqual(diagnostics, []);
    assert.match(files["math.js"], /\.enter\(0\)/, "still emitted (noEmitOnError is off), instrumented");
    rmSync(dir, { recursive: true, force: true });
  });

  test(`${label}: ts.transpileModule with transformers.before, instrumenting once`, () => {
    const transformer = tsprofTransformer(undefined, { runtime: "global", root: "/project" }, { ts: tsApi });
    const compile = (text: string) =>
      tsApi.transpileModule(text, { fileName: "/project/src/math.ts", compilerOptions: { module: tsApi.ModuleKind.CommonJS, target: tsApi.ScriptTarget.ES2022 }, transformers: { before: [transformer] } }).outputText;
    const once = compile(MATH);
    assert.match(once, /globalThis\.__tsprof\.module\("src\/math\.ts", \[\["twice", "", 1, 22, 0\]\]\)/);
    assert.equal(compile(once), once.replace(/\/\/# sourceMappingURL=.*$/, ""), "an instrumented file is left as it is");
  });

  test(`${label}: ts-loader's getCustomTransformers and ts-jest's astTransformers factory`, () => {
    const dir = writeProject();
    const program = createProgram(tsApi, dir);
    // ts-loader: getCustomTransformers: (program, getProgram) => ({ before: [...] })
    const getCustomTransformers = tsprofCustomTransformers({ runtime: "global" }, { ts: tsApi });
    const custom = getCustomTransformers(program);
    assert.equal(custom.before?.length, 1);
    assert.match(emit(program, custom).files["math.js"], /module\("src\/math\.ts"/);
    // ts-jest: astTransformers.before: [{ path: "@tsprof/ts-transformer/ts-jest", options }] → factory(tsCompiler, options)
    assert.equal(typeof tsJest.name, "string");
    assert.equal(typeof tsJest.version, "string");
    const withProgram = tsJest.factory({ program, configSet: { compilerModule: tsApi } }, { runtime: "global" });
    assert.match(emit(program, { before: [withProgram] }).files["math.js"], /module\("src\/math\.ts"/);
    // isolatedModules: ts-jest has no program and transpiles file by file.
    const isolated = tsJest.factory({ configSet: { compilerModule: tsApi } }, { runtime: "global", root: dir });
    const output = tsApi.transpileModule(MATH, { fileName: join(dir, "src", "math.ts"), compilerOptions: { module: tsApi.ModuleKind.CommonJS }, transformers: { before: [isolated] } });
    assert.match(output.outputText, /module\("src\/math\.ts"/);
    rmSync(dir, { recursive: true, force: true });
  });

  test(`${label}: rewriteRelativeImportExtensions: import() and require() inside instrumented code are rewritten as plain tsc rewrites them`, () => {
    // TypeScript finds these calls by their place in the text, through the ranges of the nodes around them:
    // the probes' try blocks and suspend/resume calls once hid every call inside a function ("./lib.ts" stayed),
    // and so did the `var d = function …` a declaration clashing with a parameter becomes.
    const TS_SOURCE = `export async function load(p: string) {
  const lib = await import("./lib.ts");
  const other = await import(p);
  for await (const m of [import("./c.ts")]) void m;
  return [lib, other];
}
export const arrow = () => import("./a.ts");
export function* gen(p: string) { yield import("./b.mts"); yield* [import(p)]; }
export class K { static { void import("./k.ts"); } m() { return import("./m.tsx"); } }
void import("./top.ts");
export function clash(d: unknown) { function d() { return import("./d.ts"); } return d; }
`;
    const JS_SOURCE = `function g(p) { return [require("./x.ts"), require(p)]; }\nconst h = () => require("./y.cts");\nmodule.exports = { g, h };\n`;
    const calls = (text: string) => text.match(/"\.\/\w+\.\w+"|__rewriteRelativeImportExtension\(\w+/g) ?? [];
    const kinds = [tsApi.ModuleKind.ESNext, tsApi.ModuleKind.NodeNext, tsApi.ModuleKind.CommonJS];
    for (const [fileName, text, modules] of [["/p/src/main.ts", TS_SOURCE, kinds], ["/p/src/main.mts", TS_SOURCE, kinds], ["/p/src/a.js", JS_SOURCE, [tsApi.ModuleKind.CommonJS]]] as const) {
      for (const module of modules) {
        const compilerOptions: ts.CompilerOptions = { module, target: tsApi.ScriptTarget.ES2022, rewriteRelativeImportExtensions: true, allowJs: true, jsx: tsApi.JsxEmit.Preserve };
        const compile = (before: ts.TransformerFactory<ts.SourceFile>[]) => tsApi.transpileModule(text, { fileName, compilerOptions, transformers: { before } }).outputText;
        const plain = compile([]);
        const instrumented = compile([tsprofTransformer(undefined, { runtime: "global", root: "/p" }, { ts: tsApi })]);
        const where = `${fileName}, module ${tsApi.ModuleKind[module]}`;
        assert.match(instrumented, /_tsprof\$h\.enter/, where);
        assert.doesNotMatch(plain, /"\.\/\w+\.[mc]?tsx?"/, `${where}: plain tsc rewrites every one`);
        assert.deepEqual(calls(instrumented), calls(plain), where);
      }
    }
  });

  test(`${label}: options: unknown or ill-typed → OptionsError (one line), or one diagnostic through a ts-patch host`, () => {
    assert.throws(() => tsprofTransformer(undefined, { bogus: true }, { ts: tsApi }), (error: unknown) => {
      assert.ok(error instanceof OptionsError);
      assert.equal(error.message, 'tsprof: unknown option "bogus" (known options: include, exclude, root, runtime, importStyle, onError)');
      return true;
    });
    assert.throws(() => tsprofTransformer(undefined, { importStyle: "amd" } as never, { ts: tsApi }), /^OptionsError: tsprof: option "importStyle" must be one of "auto", "import", "require", "global", got "amd"$/);
    // ts-patch's own keys in the entry are not tsprof options.
    assert.doesNotThrow(() => tsprofTransformer(undefined, { transform: "@tsprof/ts-transformer", after: false, runtime: "global" }, { ts: tsApi }));
    const reported: ts.Diagnostic[] = [];
    const factory = tsprofTransformer(undefined, { exclude: 3 } as never, { ts: tsApi, addDiagnostic: (diagnostic) => reported.push(diagnostic) });
    assert.equal(reported.length, 1);
    assert.equal(reported[0].messageText, 'tsprof: option "exclude" must be a glob string or an array of glob strings, got number 3');
    assert.equal(reported[0].category, tsApi.DiagnosticCategory.Error);
    const untouched = tsApi.transpileModule(MATH, { fileName: "/p/math.ts", transformers: { before: [factory] } }).outputText;
    assert.doesNotMatch(untouched, /_tsprof/);
  });
}

test("include/exclude and `tsprof ignore file` decide which files get probes", () => {
  const tsApi = compilers[0].ts;
  const tables: Record<string, ModuleSites | SkipReason> = {};
  const transformer = tsprofTransformer(undefined, { runtime: "global", root: "/p", exclude: "src/gen/**" }, { ts: tsApi, onModule: (file, table) => (tables[file] = table) });
  const compile = (fileName: string, text: string) => tsApi.transpileModule(text, { fileName, transformers: { before: [transformer] } }).outputText;
  assert.doesNotMatch(compile("/p/src/gen/a.ts", MATH), /_tsprof/);
  assert.doesNotMatch(compile("/p/node_modules/lib/a.ts", MATH), /_tsprof/);
  assert.doesNotMatch(compile("/p/src/b.ts", `/* tsprof ignore file */\n${MATH}`), /_tsprof/);
  assert.match(compile("/p/src/c.ts", MATH), /_tsprof/);
  assert.deepEqual(tables, {
    "/p/src/gen/a.ts": "excluded",
    "/p/node_modules/lib/a.ts": "excluded",
    "/p/src/b.ts": "ignore-file",
    "/p/src/c.ts": { file: "src/c.ts", sites: [["twice", "", 1, 22, 0]] },
  });
});

test("absolute include/exclude (as tsconfig's include accepts) are matched against the absolute path, inside the root or outside it", () => {
  const tsApi = compilers[0].ts;
  const instrumented = (options: Record<string, unknown>, fileName: string) => {
    const transformer = tsprofTransformer(undefined, { runtime: "global", root: "/p", ...options }, { ts: tsApi });
    return /_tsprof/.test(tsApi.transpileModule(MATH, { fileName, transformers: { before: [transformer] } }).outputText);
  };
  assert.equal(instrumented({ include: "/p/src" }, "/p/src/a.ts"), true);
  assert.equal(instrumented({ include: "/p/src" }, "/p/lib/a.ts"), false);
  assert.equal(instrumented({ exclude: ["/p/src/gen/**"] }, "/p/src/gen/a.ts"), false);
  assert.equal(instrumented({ exclude: ["/p/src/gen/**"] }, "/p/src/a.ts"), true);
  assert.equal(instrumented({ include: ["/shared/**/*.ts"] }, "/shared/x/a.ts"), true);
});

test("include/exclude written through a symlinked folder name its files, whether tsc names them by the link or by their real path", () => {
  const tsApi = compilers[0].ts;
  const root = mkdtempSync(join(tmpdir(), "tsprof-tsc-link-"));
  try {
    mkdirSync(join(root, "proj", "src"), { recursive: true });
    writeFileSync(join(root, "proj", "src", "math.ts"), MATH);
    symlinkSync("proj", join(root, "projlink"));
    const instrumented = (options: Record<string, unknown>, fileName: string) => {
      const transformer = tsprofTransformer(undefined, { runtime: "global", root, ...options }, { ts: tsApi });
      return /_tsprof/.test(tsApi.transpileModule(MATH, { fileName, transformers: { before: [transformer] } }).outputText);
    };
    for (const fileName of [join(root, "proj", "src", "math.ts"), join(root, "projlink", "src", "math.ts")]) {
      assert.equal(instrumented({ include: "projlink/**" }, fileName), true, fileName);
      assert.equal(instrumented({ include: join(root, "projlink", "src") }, fileName), true, fileName);
      assert.equal(instrumented({ include: "proj/src" }, fileName), true, fileName);
      assert.equal(instrumented({ include: "projlink/lib/**" }, fileName), false, fileName);
      assert.equal(instrumented({ exclude: "projlink/src/math.ts" }, fileName), false, fileName);
      assert.equal(instrumented({ exclude: "proj/src/*.ts" }, fileName), false, fileName);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("without a host, the transformer speaks to require('typescript') (here 5.9), as `program.emit(…, { before: [tsprofTransformer(program, options)] })` reads", () => {
  const tsApi = compilers[0].ts;
  const dir = writeProject();
  const program = createProgram(tsApi, dir);
  const { files } = emit(program, { before: [tsprofTransformer(program, { runtime: "global" })] });
  assert.match(files["math.js"], /globalThis\.__tsprof\.module\("src\/math\.ts", \[\["twice", "", 1, 22, 0\]\]\)/);
  rmSync(dir, { recursive: true, force: true });
});

test("onError: a file that fails to instrument throws one line, reports one diagnostic through a host, or is skipped with one warning", (t) => {
  const realTs = compilers[0].ts;
  // A compiler whose tree walk breaks: stands in for any unexpected failure inside the transformer.
  const brokenTs = { ...realTs, visitEachChild: () => { throw new Error("walk failed"); } } as typeof ts;
  const compile = (transformer: ts.TransformerFactory<ts.SourceFile>) =>
    realTs.transpileModule(MATH, { fileName: "/p/src/math.ts", transformers: { before: [transformer] } }).outputText;
  assert.throws(() => compile(tsprofTransformer(undefined, { root: "/p" }, { ts: brokenTs })), /^Error: tsprof: could not instrument src\/math\.ts: walk failed$/);
  const reported: ts.Diagnostic[] = [];
  assert.doesNotMatch(compile(tsprofTransformer(undefined, { root: "/p" }, { ts: brokenTs, addDiagnostic: (d) => reported.push(d) })), /_tsprof/);
  assert.deepEqual(reported.map((d) => [d.file?.fileName, d.messageText]), [["/p/src/math.ts", "tsprof: could not instrument this file: walk failed"]]);
  const warnings: string[] = [];
  t.mock.method(console, "warn", (line: string) => warnings.push(line));
  assert.doesNotMatch(compile(tsprofTransformer(undefined, { root: "/p", onError: "skip" }, { ts: brokenTs })), /_tsprof/);
  assert.deepEqual(warnings, ["tsprof: left src/math.ts uninstrumented: walk failed"]);
});

test("TypeScript 7's module (no transformer API: its main export is { version, versionMajorMinor }) is refused at once, in one line saying what works", () => {
  const ts7 = { version: "7.0.2", versionMajorMinor: "7.0" } as unknown as typeof ts;
  for (const make of [() => tsprofTransformer(undefined, {}, { ts: ts7 }), () => tsprofCustomTransformers({}, { ts: ts7 })(undefined)]) {
    assert.throws(make, (error: Error) => {
      assert.equal(error.message.split("\n").length, 1);
      assert.match(error.message, /^tsprof: TypeScript 7\.0\.2 has no transformer API, which @tsprof\/ts-transformer needs \(TypeScript 5\.x or 6\.x\); with TypeScript 7, .*@tsprof\/babel-plugin/);
      return true;
    });
  }
});
