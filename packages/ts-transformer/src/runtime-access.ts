// Decides how an instrumented module loads the runtime entry (options `importStyle`, `runtime`, then what TypeScript will emit).
import { dirname, isAbsolute } from "node:path";
import type * as ts from "typescript";
import { GLOBAL_RUNTIME, packageTypeField, type NormalizedOptions } from "@tsprof/instrument";
import type { RuntimeAccess } from "./probe-nodes";

/**
 * What TypeScript makes of a file, as far as the header is concerned:
 * - "esm": an ES module; its import declarations stay as they are.
 * - "commonjs": its imports become `require()` calls (module commonjs, node16/nodenext in a CommonJS
 *   scope, .cts, `module: "preserve"` with `import x = require()` / `export =`).
 * - "amd": AMD or UMD; its imports become `define()` dependencies (or, in UMD under Node, `require()`s).
 * - "system": System.register; its imports become the module's setters.
 * - "script": no import or export (as TypeScript's moduleDetection sees it): TypeScript leaves its top
 *   level alone and whoever runs it decides what it is (Node by the package's "type").
 */
export type EmittedFormat = "esm" | "commonjs" | "amd" | "system" | "script";

/**
 * The `module` TypeScript compiles with. Unset, it follows `target`, with each version's own default
 * target (CommonJS in 5.x, which defaults to ES5; ES2022 and up in 6.0): TypeScript's getEmitModuleKind
 * (exported at run time though not in the typings) says which, the 5.x rule otherwise.
 */
function emitModuleKind(tsApi: typeof ts, compilerOptions: ts.CompilerOptions): ts.ModuleKind {
  const internal = (tsApi as unknown as { getEmitModuleKind?: (options: ts.CompilerOptions) => ts.ModuleKind }).getEmitModuleKind;
  if (typeof internal === "function") return internal(compilerOptions);
  const { ModuleKind, ScriptTarget } = tsApi;
  return compilerOptions.module ?? ((compilerOptions.target ?? ScriptTarget.ES5) >= ScriptTarget.ES2015 ? ModuleKind.ES2015 : ModuleKind.CommonJS);
}

/** `import x = require("…")` or `export = …`: what `module: "preserve"` writes as `require()` and `module.exports =`. */
function hasCommonJsSyntax(tsApi: typeof ts, sourceFile: ts.SourceFile): boolean {
  return sourceFile.statements.some(
    (statement) =>
      (tsApi.isImportEqualsDeclaration(statement) && !statement.isTypeOnly && tsApi.isExternalModuleReference(statement.moduleReference)) ||
      (tsApi.isExportAssignment(statement) && !!statement.isExportEquals),
  );
}

/** The format TypeScript emits the file in (TypeScript's getEmitModuleFormatOfFile, plus whether the file is a module at all). */
export function emittedFormat(tsApi: typeof ts, sourceFile: ts.SourceFile, compilerOptions: ts.CompilerOptions): EmittedFormat {
  const { ModuleKind } = tsApi;
  // The extension decides for every `module` (TypeScript 5.6 and up; an .mts is never CommonJS, a .cts always).
  if (/\.m[jt]s$/.test(sourceFile.fileName)) return "esm";
  if (/\.c[jt]s$/.test(sourceFile.fileName)) return "commonjs";
  const kind = emitModuleKind(tsApi, compilerOptions);
  // node16/nodenext: the nearest package.json's "type", which TypeScript has read into impliedNodeFormat.
  if (kind >= ModuleKind.Node16 && kind <= ModuleKind.NodeNext) return sourceFile.impliedNodeFormat === ModuleKind.ESNext ? "esm" : "commonjs";
  if (!tsApi.isExternalModule(sourceFile)) return "script";
  switch (kind) {
    case ModuleKind.AMD:
    case ModuleKind.UMD:
      return "amd";
    case ModuleKind.System:
      return "system";
    case ModuleKind.None:
    case ModuleKind.CommonJS:
      return "commonjs";
  }
  if (kind === ModuleKind.Preserve && hasCommonJsSyntax(tsApi, sourceFile)) return "commonjs";
  return "esm";
}

/**
 * auto, by what TypeScript emits (emittedFormat()), so that the header needs nothing the program does not:
 * - an ES module (and System.register): `import * as ns from SPEC`;
 * - CommonJS: `require(SPEC)`, a call built here. A namespace import was lowered by TypeScript to
 *   `__importStar(require(SPEC))` under esModuleInterop: with noEmitHelpers the program died of a
 *   ReferenceError, with importHelpers every file gained a `require("tslib")` the program may not have.
 *   Under `module: "preserve"` a file with `import x = require()` or `export =` is CommonJS too: an import
 *   there made Node run it as an ES module, where its own `require` and `module.exports` throw;
 * - AMD and UMD: `import ns = require(SPEC)`, which TypeScript makes a dependency without that helper;
 * - a script (no import or export, as TypeScript's moduleDetection sees it; its top level stays as it is):
 *   an import when the nearest package.json says "type": "module" (Node runs the .js as an ES module, where
 *   `require` does not exist: such a file recorded nothing, without a word) unless it goes into an
 *   `outFile` (one script for a page or a loader); `require` when compiled with `module: "commonjs"`; otherwise
 *   `require` when it exists at run time, else `globalThis.__tsprof`, else a no-op, so the file never
 *   crashes for want of the runtime (and, in Node, says so on stderr once: see probe-nodes.ts).
 *
 * `importStyle: "import"` gets the form of import that TypeScript lowers without a helper as well.
 */
export function runtimeAccess(tsApi: typeof ts, options: NormalizedOptions, sourceFile: ts.SourceFile, compilerOptions: ts.CompilerOptions): RuntimeAccess {
  const specifier = options.runtime;
  if (specifier === GLOBAL_RUNTIME || options.importStyle === "global") return { kind: "global" };
  if (options.importStyle === "require") return { kind: "require", specifier };
  const format = emittedFormat(tsApi, sourceFile, compilerOptions);
  // An import that TypeScript's module transform turns into require() or a define() dependency (it leaves a script's alone).
  const lowered = (format === "commonjs" || format === "amd") && tsApi.isExternalModule(sourceFile);
  if (options.importStyle === "import") return { kind: lowered ? "import-require" : "import", specifier };
  switch (format) {
    case "esm":
    case "system":
      return { kind: "import", specifier };
    case "commonjs":
      return { kind: "require", specifier };
    case "amd":
      return { kind: "import-require", specifier };
    case "script": {
      const fileName = sourceFile.fileName;
      if (!compilerOptions.outFile && isAbsolute(fileName) && packageTypeField(dirname(fileName)) === "module") return { kind: "import", specifier };
      // Only when asked for by name: TypeScript 5.x's default (CommonJS with the default target ES5) compiles browser scripts too.
      if (compilerOptions.module === tsApi.ModuleKind.CommonJS) return { kind: "require", specifier };
      return { kind: "require-or-global", specifier };
    }
  }
}
