// Decides how an instrumented module loads the runtime entry (option `importStyle`, `runtime`).
import { dirname, extname } from "node:path";
import { types as t } from "@babel/core";
import { GLOBAL_RUNTIME, packageTypeField, type NormalizedOptions } from "@tsprof/instrument";
import type { RuntimeAccess } from "./probe-shapes";

/** How Babel was told to parse the file (`sourceType`): "unambiguous" lets the file's content decide. */
export type ConfiguredSourceType = "module" | "script" | "unambiguous" | "commonjs" | undefined;

function hasModuleSyntax(program: t.Program): boolean {
  return program.body.some((statement) => t.isImportDeclaration(statement) || t.isExportDeclaration(statement));
}

/** A mistake in the options for this file, not a failure to instrument it: thrown whatever `onError` says. */
export class OptionConflictError extends Error {}

/**
 * auto: ESM import when the file has import/export or is .mjs/.mts, or when its nearest package.json says
 * "type": "module" (Node runs a .js there as an ES module, where `require` does not exist: such a script was
 * silently never profiled); require when .cjs/.cts or parsed as a script; otherwise (a module without
 * import/export) require when `require` exists at run time, else `globalThis.__tsprof`, else a no-op, so
 * the file never crashes for want of the runtime.
 *
 * The package type comes before the parse: with `sourceType: "unambiguous"` a .js without import/export is
 * parsed as a script, but in a "type": "module" package Node runs it as an ES module, where a bare
 * `require(…)` threw a ReferenceError at load; it gets the import (and the program becomes a module for
 * the plugins after this one). A file Babel was told is a script (`sourceType: "script"`) gets no import
 * declaration (a script cannot hold one): there, in such a package, the require-or-global fallback, which
 * works in a script and in a module alike.
 */
export function runtimeAccess(options: NormalizedOptions, filename: string | undefined, program: t.Program, configured: ConfiguredSourceType): RuntimeAccess {
  const specifier = options.runtime;
  if (specifier === GLOBAL_RUNTIME || options.importStyle === "global") return { kind: "global" };
  const toldScript = program.sourceType === "script" && configured !== "unambiguous";
  if (options.importStyle === "import") {
    // import … in a script is a SyntaxError when it runs, not when Babel prints it: refuse here.
    if (toldScript) {
      throw new OptionConflictError(
        `tsprof: option "importStyle": "import" puts an import declaration into a file parsed as a script (sourceType "script"), where it is a SyntaxError; use importStyle "auto", "require" or "global", or sourceType "module"`,
      );
    }
    return { kind: "import", specifier };
  }
  if (options.importStyle === "require") return { kind: "require", specifier };
  const extension = filename ? extname(filename) : "";
  if (extension === ".mjs" || extension === ".mts") return { kind: "import", specifier };
  if (extension === ".cjs" || extension === ".cts") return { kind: "require", specifier };
  if (hasModuleSyntax(program)) return { kind: "import", specifier };
  const typeModule = !!filename && packageTypeField(dirname(filename)) === "module";
  if (toldScript) return typeModule ? { kind: "require-or-global", specifier } : { kind: "require", specifier };
  if (typeModule) return { kind: "import", specifier };
  if (program.sourceType === "script") return { kind: "require", specifier };
  return { kind: "require-or-global", specifier };
}
