// Which module system Node will use for a file: by extension, else the nearest package.json "type",
// else (no "type") by the file's syntax, as Node 20.19+ detects it.
import { existsSync } from "node:fs";
import { dirname, extname } from "node:path";
import { compileFunction, Script } from "node:vm";
import { packageTypeField } from "@tsprof/instrument";

export type ModuleFormat = "module" | "commonjs";

const TS_EXTENSIONS = new Set([".ts", ".mts", ".cts", ".tsx"]);
/** Extensions `tsprof run` knows how to load and instrument. */
export const SCRIPT_EXTENSIONS = [".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".tsx", ".jsx"];
/**
 * Extensions that are not JavaScript. Node's CommonJS loader runs any other file as JavaScript (an
 * extensionless bin, `node script.txt`), so those are instrumented too.
 */
export const NON_SCRIPT_EXTENSIONS = [".json", ".node", ".wasm"];

/** A module's source as Node compiles it: without a leading byte order mark. */
export function stripBom(source: string): string {
  return source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
}

export function isTypeScript(filename: string): boolean {
  return TS_EXTENSIONS.has(extname(filename));
}

/**
 * The module system Node will run a file in. `.mjs`/`.mts` and `.cjs`/`.cts` say it; otherwise the nearest
 * package.json's "type" does; with no "type", Node (20.19+, 22.7+) looks at the source: a file that does not
 * parse as CommonJS because of ES module syntax runs as an ES module ("syntax detection"). Without `source`
 * such a file counts as CommonJS.
 */
export function moduleFormatOf(filename: string, source?: string, remember?: Remember): ModuleFormat {
  switch (extname(filename)) {
    case ".mjs":
    case ".mts":
      return "module";
    case ".cjs":
    case ".cts":
      return "commonjs";
  }
  const declared = packageTypeField(dirname(filename));
  if (declared !== undefined || source === undefined) return declared ?? "commonjs";
  return detectModuleSyntax(source, filename, remember) ? "module" : "commonjs";
}

/** A memo across runs (compile-cache.ts rememberFormat): `compute()`'s answer for `source` read as `language`. */
export type Remember = (language: string, source: string, compute: () => ModuleFormat) => ModuleFormat;

// The words of ES module syntax, and a top-level const, let or class that may bind a CommonJS wrapper's name,
// plainly or in a destructuring pattern (up to its `=`): `const { require } = x` is an ES module to Node too.
const MODULE_SYNTAX_HINT =
  /\b(?:import|export|await)\b|\b(?:const|let|class)\s+(?:require|module|exports|__filename|__dirname)\b|\b(?:const|let)\s*[{[][^=;]*\b(?:require|module|exports|__filename|__dirname)\b/;

/** Whether an ambiguous file (no "type" to go by) runs as an ES module. */
function detectModuleSyntax(source: string, filename: string, remember: Remember | undefined): boolean {
  // Most CommonJS files never spell these words (or declare the wrapper's names with const, let or class);
  // skip the parse for them.
  if (!MODULE_SYNTAX_HINT.test(source)) return false;
  const typescript = isTypeScript(filename);
  if (typescript && !/\bawait\b|\bimport\s*\.\s*meta\b/.test(source)) return false;
  // Parsing is not free (Babel's for TypeScript has to be loaded; V8's takes 0.1 s on typescript.js): a warm
  // run answers from the cache.
  const needsModule = typescript ? typescriptNeedsModule : javascriptNeedsModule;
  const compute = (): ModuleFormat => (needsModule(source, filename) ? "module" : "commonjs");
  return (remember ? remember(typescript ? "typescript" : "javascript", source, compute) : compute()) === "module";
}

/**
 * Node's own test, done the way Node does it: compile the source as a CommonJS function body with V8 and look
 * at the SyntaxError. Import/export statements and import.meta are ES module syntax; top-level await (and a
 * top-level `const require`, `module`, …, which clash with the CommonJS wrapper's parameters) count when the
 * source compiles where they are legal (here: the body of an async function).
 */
function javascriptNeedsModule(source: string, filename: string): boolean {
  // V8 accepts a hashbang only at the start of a script or module, not of a function body: blank it.
  if (source.startsWith("#!")) source = source.replace(/^#![^\n]*/, "");
  try {
    compileFunction(source, ["exports", "require", "module", "__filename", "__dirname"], { filename });
    return false;
  } catch (error) {
    const message = error instanceof SyntaxError ? error.message : "";
    if (ESM_SYNTAX_ERRORS.some((text) => message.includes(text))) return true;
    if (!CJS_ONLY_ERRORS.some((text) => message.includes(text))) return false;
    try {
      new Script(`(async function () {\n${source}\n})`, { filename });
      return true;
    } catch {
      return false;
    }
  }
}

// The messages Node's CommonJS loader (src/node_contextify.cc) treats as "this is an ES module".
const ESM_SYNTAX_ERRORS = ["Cannot use import statement outside a module", "Unexpected token 'export'", "Cannot use 'import.meta' outside a module"];
const CJS_ONLY_ERRORS = [
  "Identifier 'module' has already been declared",
  "Identifier 'exports' has already been declared",
  "Identifier 'require' has already been declared",
  "Identifier '__filename' has already been declared",
  "Identifier '__dirname' has already been declared",
  "await is only valid in async functions and the top level bodies of modules",
];

/**
 * TypeScript in a package without "type" is CommonJS for tsc (node16 resolution): its import/export statements
 * become require() and exports (what the hooks do with Babel's CommonJS transform). What cannot become
 * CommonJS is top-level await and import.meta: tsc refuses them there, and Node (which strips the types and
 * detects) runs such a file as an ES module. So does tsprof. The answer is Babel's parse, walked outside functions.
 */
function typescriptNeedsModule(source: string, filename: string): boolean {
  const { parse } = require("@babel/parser") as typeof import("@babel/parser");
  let program: unknown;
  try {
    program = parse(source, {
      sourceFilename: filename,
      sourceType: "module",
      plugins: filename.endsWith(".tsx") ? ["typescript", "jsx"] : ["typescript"],
    }).program;
  } catch {
    return false; // the compile reports the syntax error
  }
  return hasModuleOnlySyntax(program);
}

const FUNCTION_NODES = new Set([
  "FunctionDeclaration",
  "FunctionExpression",
  "ArrowFunctionExpression",
  "ObjectMethod",
  "ClassMethod",
  "ClassPrivateMethod",
  "TSDeclareFunction",
  "TSDeclareMethod",
]);

/** An `await` (or `for await`) outside every function, or an `import.meta` anywhere. */
function hasModuleOnlySyntax(node: unknown, inFunction = false): boolean {
  if (Array.isArray(node)) return node.some((child) => hasModuleOnlySyntax(child, inFunction));
  if (node === null || typeof node !== "object") return false;
  const n = node as Record<string, unknown> & { type?: unknown };
  if (typeof n.type !== "string") return false;
  if (n.type === "MetaProperty" && (n.meta as { name?: string }).name === "import") return true;
  if (!inFunction && (n.type === "AwaitExpression" || (n.type === "ForOfStatement" && n.await === true))) return true;
  const inside = inFunction || FUNCTION_NODES.has(n.type);
  for (const key of Object.keys(n)) {
    if (key === "loc" || key === "start" || key === "end" || key.endsWith("Comments") || key === "extra") continue;
    if (hasModuleOnlySyntax(n[key], inside)) return true;
  }
  return false;
}

/** The TypeScript sources a compiled-style path stands for: tsc's node16 resolution lets "./x.js" mean "./x.ts" or "./x.tsx". */
const TYPESCRIPT_SOURCE_EXTENSIONS: Record<string, string[]> = { ".js": [".ts", ".tsx"], ".jsx": [".tsx"], ".mjs": [".mts"], ".cjs": [".cts"] };

/** `x.ts` (else `x.tsx`) for `x.js`, `x.tsx` for `x.jsx`, `x.mts` for `x.mjs`, `x.cts` for `x.cjs`: the first that exists, else undefined. */
export function typescriptSourceFor(path: string): string | undefined {
  const ext = extname(path);
  const base = path.slice(0, -ext.length);
  return TYPESCRIPT_SOURCE_EXTENSIONS[ext]?.map((sourceExtension) => base + sourceExtension).find((candidate) => existsSync(candidate));
}
