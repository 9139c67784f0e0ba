// Decides how an instrumented module loads the runtime entry (options `importStyle`, `runtime`, then what TypeScript will emit).
import type * as ts from "typescript";
import { GLOBAL_RUNTIME, type NormalizedOptions } from "@tsprof/instrument";
import type { RuntimeAccess } from "./probe-nodes";

/**
 * auto: an ES import when the file has import/export (TypeScript's module transform then turns it into
 * whatever the file's other imports become: `require`, AMD dependencies, …), is .mts/.mjs, or is emitted
 * as an ES module (node16/nodenext with "type": "module"); `require` when it is .cts/.cjs or emitted as
 * CommonJS; otherwise (a global script) `require` when it exists at run time, else `globalThis.__tsprof`,
 * else a no-op, so the file never crashes for want of the runtime.
 */
export function runtimeAccess(tsApi: typeof ts, options: NormalizedOptions, sourceFile: ts.SourceFile, compilerOptions: ts.CompilerOptions): RuntimeAccess {
  const specifier = options.runtime;
  if (specifier === GLOBAL_RUNTIME || options.importStyle === "global") return { kind: "global" };
  if (options.importStyle === "import") return { kind: "import", specifier };
  if (options.importStyle === "require") return { kind: "require", specifier };
  const fileName = sourceFile.fileName;
  if (/\.m[jt]s$/.test(fileName)) return { kind: "import", specifier };
  if (/\.c[jt]s$/.test(fileName)) return { kind: "require", specifier };
  if (tsApi.isExternalModule(sourceFile)) return { kind: "import", specifier };
  const { ModuleKind } = tsApi;
  if (sourceFile.impliedNodeFormat === ModuleKind.ESNext) return { kind: "import", specifier };
  if (sourceFile.impliedNodeFormat === ModuleKind.CommonJS || compilerOptions.module === ModuleKind.CommonJS) return { kind: "require", specifier };
  return { kind: "require-or-global", specifier };
}
