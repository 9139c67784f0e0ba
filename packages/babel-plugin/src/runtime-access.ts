// Decides how an instrumented module loads the runtime entry (option `importStyle`, `runtime`).
import { dirname, extname } from "node:path";
import { types as t } from "@babel/core";
import { GLOBAL_RUNTIME, packageTypeField, type NormalizedOptions } from "@tsprof/instrument";
import type { RuntimeAccess } from "./probe-shapes";

function hasModuleSyntax(program: t.Program): boolean {
  return program.body.some((statement) => t.isImportDeclaration(statement) || t.isExportDeclaration(statement));
}

/**
 * auto: ESM import when the file has import/export or is .mjs/.mts, or when its nearest package.json says
 * "type": "module" (Node runs a .js there as an ES module, where `require` does not exist: such a script was
 * silently never profiled); require when .cjs/.cts or parsed as a script; otherwise (a module without
 * import/export) require when `require` exists at run time, else `globalThis.__tsprof`, else a no-op, so
 * the file never crashes for want of the runtime.
 */
export function runtimeAccess(options: NormalizedOptions, filename: string | undefined, program: t.Program): RuntimeAccess {
  const specifier = options.runtime;
  if (specifier === GLOBAL_RUNTIME || options.importStyle === "global") return { kind: "global" };
  if (options.importStyle === "import") return { kind: "import", specifier };
  if (options.importStyle === "require") return { kind: "require", specifier };
  const extension = filename ? extname(filename) : "";
  if (extension === ".mjs" || extension === ".mts") return { kind: "import", specifier };
  if (extension === ".cjs" || extension === ".cts") return { kind: "require", specifier };
  if (hasModuleSyntax(program)) return { kind: "import", specifier };
  if (program.sourceType === "script") return { kind: "require", specifier };
  if (filename && packageTypeField(dirname(filename)) === "module") return { kind: "import", specifier };
  return { kind: "require-or-global", specifier };
}

