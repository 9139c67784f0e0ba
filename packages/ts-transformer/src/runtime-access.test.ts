// How the module header reaches the runtime: options first, then the format TypeScript emits the file in.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { normalizeOptions } from "@tsprof/instrument";
import { emittedFormat, runtimeAccess } from "./runtime-access";

const { ModuleKind } = ts;
const MODULE = 'import { a } from "./a";\na();\n';
const SCRIPT = "f();\n";

function sourceFile(fileName: string, source: string, impliedNodeFormat?: ts.ResolutionMode): ts.SourceFile {
  return ts.createSourceFile(fileName, source, { languageVersion: ts.ScriptTarget.ES2022, impliedNodeFormat }, true);
}

function access(fileName: string, source: string, options: Record<string, unknown> = {}, compilerOptions: ts.CompilerOptions = {}): string {
  return runtimeAccess(ts, normalizeOptions(options, "/"), sourceFile(fileName, source), compilerOptions).kind;
}

test("options decide first", () => {
  assert.equal(access("/a.ts", "import x from 'y';", { runtime: "global" }), "global");
  assert.equal(access("/a.ts", "f();", { importStyle: "import" }), "import");
  assert.equal(access("/a.mts", "f();", { importStyle: "require" }), "require");
  // An import TypeScript lowers to require() or define() is written `import ns = require()`: no __importStar helper.
  assert.equal(access("/a.ts", MODULE, { importStyle: "import" }, { module: ModuleKind.CommonJS }), "import-require");
  assert.equal(access("/a.ts", MODULE, { importStyle: "import" }, { module: ModuleKind.AMD }), "import-require");
  assert.equal(access("/a.ts", MODULE, { importStyle: "import" }, { module: ModuleKind.ESNext }), "import");
  assert.equal(access("/a.ts", SCRIPT, { importStyle: "import" }, { module: ModuleKind.CommonJS }), "import");
});

test("the emitted format: extension, node16's implied format, then module syntax and `module`", () => {
  const format = (fileName: string, source: string, compilerOptions: ts.CompilerOptions, implied?: ts.ResolutionMode) =>
    emittedFormat(ts, sourceFile(fileName, source, implied), compilerOptions);
  assert.equal(format("/a.mts", SCRIPT, { module: ModuleKind.CommonJS }), "esm");
  assert.equal(format("/a.cts", MODULE, { module: ModuleKind.ESNext }), "commonjs");
  assert.equal(format("/a.ts", SCRIPT, { module: ModuleKind.NodeNext }, ModuleKind.ESNext), "esm");
  assert.equal(format("/a.ts", MODULE, { module: ModuleKind.Node16 }, ModuleKind.CommonJS), "commonjs");
  assert.equal(format("/a.ts", MODULE, { module: ModuleKind.Node16 }), "commonjs");
  assert.equal(format("/a.ts", SCRIPT, { module: ModuleKind.ESNext }), "script");
  assert.equal(format("/a.ts", SCRIPT, { module: ModuleKind.CommonJS }), "script");
  assert.equal(format("/a.ts", MODULE, { module: ModuleKind.CommonJS }), "commonjs");
  assert.equal(format("/a.ts", MODULE, { module: ModuleKind.None }), "commonjs");
  // TypeScript 5.9's default module follows its default target, ES5: CommonJS; from ES2015 on, ES modules.
  assert.equal(format("/a.ts", MODULE, {}), "commonjs");
  assert.equal(format("/a.ts", MODULE, { target: ts.ScriptTarget.ES2022 }), "esm");
  assert.equal(format("/a.ts", MODULE, { module: ModuleKind.AMD }), "amd");
  assert.equal(format("/a.ts", MODULE, { module: ModuleKind.UMD }), "amd");
  assert.equal(format("/a.ts", MODULE, { module: ModuleKind.System }), "system");
  assert.equal(format("/a.ts", MODULE, { module: ModuleKind.ES2015 }), "esm");
  assert.equal(format("/a.ts", MODULE, { module: ModuleKind.Preserve }), "esm");
  // preserve writes these as require() and module.exports: the file is CommonJS.
  assert.equal(format("/a.ts", 'import lib = require("./lib");\nlib.f();\n', { module: ModuleKind.Preserve }), "commonjs");
  assert.equal(format("/a.ts", "export = { f() {} };\n", { module: ModuleKind.Preserve }), "commonjs");
  assert.equal(format("/a.ts", 'import type lib = require("./lib");\nexport const x: lib.T = 1;\n', { module: ModuleKind.Preserve }), "esm");
});

test("auto: an import for ES modules, require() for CommonJS, import-require for AMD, the never-failing fallback for scripts", () => {
  assert.equal(access("/a.mts", "f();"), "import");
  assert.equal(access("/a.cts", "export {};"), "require");
  assert.equal(access("/a.ts", MODULE, {}, { module: ModuleKind.ESNext }), "import");
  assert.equal(access("/a.ts", MODULE, {}, { module: ModuleKind.System }), "import");
  assert.equal(access("/a.ts", MODULE, {}, { module: ModuleKind.CommonJS }), "require");
  assert.equal(access("/a.ts", MODULE, {}, { module: ModuleKind.UMD }), "import-require");
  assert.equal(access("/a.ts", "export = 1;", {}, { module: ModuleKind.Preserve }), "require");
  assert.equal(access("/a.ts", SCRIPT, {}, { module: ModuleKind.CommonJS }), "require");
  assert.equal(access("/a.ts", SCRIPT), "require-or-global");
  assert.equal(access("/a.ts", SCRIPT, {}, { module: ModuleKind.ESNext }), "require-or-global");
});

test('auto: a script in a "type": "module" package gets an import (Node runs it as an ES module), unless it goes into an outFile', () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-access-"));
  try {
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
    const file = join(dir, "a.ts");
    assert.equal(access(file, SCRIPT, {}, { module: ModuleKind.ESNext }), "import");
    assert.equal(access(file, SCRIPT, {}, { module: ModuleKind.Preserve }), "import");
    assert.equal(access(file, SCRIPT, {}, { module: ModuleKind.CommonJS }), "import");
    assert.equal(access(file, SCRIPT, {}, { module: ModuleKind.System, outFile: join(dir, "out.js") }), "require-or-global");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
