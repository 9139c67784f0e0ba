// The names a TypeScript file compiled to CommonJS re-exports from other TypeScript files (`export * from
// "./other.js"`), written where Node's ES module loader finds them, so that an ES module importing the file gets
// them as named exports, as it does from tsc's output.
//
// Node finds a CommonJS module's named exports by lexing its source (cjs-module-lexer); a re-export it lexes
// (Babel's `Object.keys(_other).forEach(function (key) { … })`, tsc's `__exportStar(require("./other.js"),
// exports)`) it follows by resolving the specifier with the CommonJS loader and lexing that file as read from
// disk, and only when it is a .js or .cjs file or has no require.extensions entry (translators.js,
// cjsPreparseModuleExports). A TypeScript target fails both: tsprof registers .ts, .cts and .tsx, and the file
// on disk is TypeScript, with no `exports.x =` to find. So `import { fromOther } from "./lib.js"` failed
// ("Named export 'fromOther' not found") and `import * as all` lacked it.
//
// Here each such target is compiled as it will be loaded (the compile cache makes that the same work) and lexed,
// its own re-exports followed the same way (a .js or .cjs one read from disk, as Node reads it), and the names
// found are appended to the module's last line as code that never runs but that the lexer reads:
//
//   …last line;0 && (exports.fromOther = 0, exports["kebab-name"] = 0);
//
// Appended to the last line, so that no line moves; `0 &&` never evaluates the assignments, so the exports
// object is what the module's own code makes it (the names' values come from the re-export, at run time).
import { readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, isAbsolute, resolve as resolvePath } from "node:path";
import { isTypeScript, moduleFormatOf, stripBom, typescriptSourceFor, type Remember } from "../module-format";

/** Compiles a TypeScript file that runs as CommonJS, as the hooks will load it; undefined when it does not compile. */
export type CompileCommonJs = (source: string, filename: string) => string | undefined;

/**
 * `compiled` (the CommonJS output for `filename`) with the names it re-exports from TypeScript files made
 * visible to Node's lexer; unchanged when it re-exports none.
 */
export function withReexportedNames(compiled: string, filename: string, compile: CompileCommonJs, remember?: Remember): string {
  const { parse } = require("cjs-module-lexer") as typeof import("cjs-module-lexer");
  const lex = (code: string): { exports: string[]; reexports: string[] } => {
    try {
      return parse(code);
    } catch {
      return { exports: [], reexports: [] }; // as Node does with a source its lexer cannot read
    }
  };
  const own = lex(compiled);
  const names = new Set<string>();
  const seen = new Set<string>([filename]);
  // A target's exports and, through its re-exports, theirs (a cycle stops at a file already seen, as Node's does).
  const follow = (target: string): void => {
    if (seen.has(target)) return;
    seen.add(target);
    let source: string;
    try {
      source = stripBom(readFileSync(target, "utf8"));
    } catch {
      return;
    }
    let lexed: { exports: string[]; reexports: string[] };
    if (isTypeScript(target)) {
      // An ES module target (.mts, top-level await) is not required this way: Node's lexer finds nothing there either.
      if (moduleFormatOf(target, source, remember) !== "commonjs") return;
      const output = compile(source, target);
      if (output === undefined) return;
      lexed = lex(output);
    } else if ([".js", ".cjs"].includes(extname(target))) {
      lexed = lex(source);
    } else {
      return;
    }
    for (const name of lexed.exports) names.add(name);
    for (const specifier of lexed.reexports) {
      const next = resolveReexport(specifier, target);
      if (next !== undefined) follow(next);
    }
  };
  // Only the TypeScript targets of the module's own re-exports: Node follows the JavaScript ones itself.
  for (const specifier of own.reexports) {
    const target = resolveReexport(specifier, filename);
    if (target !== undefined && isTypeScript(target)) follow(target);
  }
  for (const name of own.exports) names.delete(name);
  if (names.size === 0) return compiled;
  const assignments = [...names].map((name) => `exports${/^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`} = 0`);
  return `${compiled};0 && (${assignments.join(", ")});`;
}

/**
 * The file a re-export's specifier names, as the program's require() finds it under tsprof (cjs-hook.ts): Node's
 * resolution, else a TypeScript file for a relative "./x.js" or an extensionless "./x" (the extensions tsprof
 * registers, in its order). Undefined when there is none: Node skips such a re-export too.
 */
function resolveReexport(specifier: string, from: string): string | undefined {
  try {
    const found = createRequire(from).resolve(specifier);
    return isAbsolute(found) ? found : undefined; // a builtin
  } catch {
    if (!/^(\.{1,2}\/|\/)/.test(specifier)) return undefined;
    const path = resolvePath(dirname(from), specifier);
    if (extname(path)) return typescriptSourceFor(path);
    return [".cjs", ".ts", ".cts", ".tsx"].map((extension) => path + extension).find((candidate) => existsSync(candidate));
  }
}
