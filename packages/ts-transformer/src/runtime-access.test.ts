// How the module header reaches the runtime: options first, then the file's extension and module syntax, then the emit format.
import { test } from "node:test";
import assert from "node:assert/strict";
import ts from "typescript";
import { normalizeOptions } from "@tsprof/instrument";
import { runtimeAccess } from "./runtime-access";

function access(fileName: string, source: string, options: Record<string, unknown> = {}, compilerOptions: ts.CompilerOptions = {}): string {
  const sourceFile = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true);
  return runtimeAccess(ts, normalizeOptions(options, "/"), sourceFile, compilerOptions).kind;
}

test("options decide first", () => {
  assert.equal(access("/a.ts", "import x from 'y';", { runtime: "global" }), "global");
  assert.equal(access("/a.ts", "f();", { importStyle: "import" }), "import");
  assert.equal(access("/a.mts", "f();", { importStyle: "require" }), "require");
});

test("auto: extension, then module syntax, then the emit format, else the never-failing fallback", () => {
  assert.equal(access("/a.mts", "f();"), "import");
  assert.equal(access("/a.cts", "export {};"), "require");
  assert.equal(access("/a.ts", "export const x = 1;"), "import");
  assert.equal(access("/a.ts", "f();", {}, { module: ts.ModuleKind.CommonJS }), "require");
  assert.equal(access("/a.ts", "f();"), "require-or-global");
});
