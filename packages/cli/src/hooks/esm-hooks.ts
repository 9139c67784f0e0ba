// ES module side of `tsprof run`: Node module-customization hooks (they run on Node's loader thread).
// ES modules are instrumented here; CommonJS files are handed to the CommonJS loader, where cjs-hook.ts instruments them.
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { extname } from "node:path";
import { compileFile, describeLoadError, LOAD_ERROR_KEY } from "../transform";
import { rememberFormat } from "../compile-cache";
import { moduleFormatOf, isTypeScript, SCRIPT_EXTENSIONS, NON_SCRIPT_EXTENSIONS, stripBom, typescriptSourceFor, type Remember } from "../module-format";
import { printOncePerRun, type RunHookOptions } from "../run-options";
import { onTsconfigProblem } from "../tsconfig";
import { createInstrumentFilter } from "./should-instrument";
import { withReexportedNames } from "./reexported-names";

type Next<C, R> = (specifier: string, context: C) => Promise<R>;
interface ResolveContext { parentURL?: string; conditions: string[] }
interface ResolveResult { url: string; format?: string | null; shortCircuit?: boolean }
interface LoadContext { format?: string | null; conditions: string[] }
interface LoadResult { format: string; source?: string | Buffer | null; shortCircuit?: boolean }

/** What register.ts hands the hooks: the run's options, and where to count the seconds spent compiling. */
export interface EsmHooksData extends RunHookOptions {
  /** [0]: seconds this thread has spent on ES modules so far (register.ts passes it to the runtime). */
  offClockSeconds?: Float64Array;
}

let options: RunHookOptions;
let shouldInstrument: (filename: string) => boolean;
let remember: Remember;
let offClockSeconds: Float64Array | undefined;
const hrtime = process.hrtime;

export async function initialize(data: EsmHooksData): Promise<void> {
  // Kept out of the options, which are part of the compile cache's key.
  const { offClockSeconds: counter, ...rest } = data;
  options = rest;
  offClockSeconds = counter instanceof Float64Array ? counter : undefined;
  shouldInstrument = createInstrumentFilter(options);
  remember = rememberFormat(options);
  // This thread reads tsconfig files too: their problems are one line per run (register.ts).
  const outputDir = options.outputDir;
  onTsconfigProblem((line) => printOncePerRun(outputDir, line));
}

/**
 * The URLs of entry points (the main script; a worker's script): they have no parent. `node script.txt` runs
 * a file of any extension as CommonJS, but --import (how `tsprof run` installs its hooks for an ES module main
 * script on a Node without require(esm)) sends the main script through this loader, whose default refuses unknown
 * extensions; load() gives these files to the CommonJS loader.
 */
const entryURLs = new Set<string>();

/** resolve-import.mts's scheme (that file is an ES module, which this CommonJS one does not load for one string). */
const RESOLVE_SCHEME = "tsprof-resolve:";

export async function resolve(specifier: string, context: ResolveContext, next: Next<ResolveContext, ResolveResult>): Promise<ResolveResult> {
  // cjs-hook.ts resolving an import of an ES module that require() loads (resolve-import.mts): the import as if
  // `parentURL` made it, its conditions those of the import.meta.resolve() call that carries it ("import" among them).
  if (specifier.startsWith(RESOLVE_SCHEME)) {
    const [request, parentURL] = JSON.parse(decodeURIComponent(specifier.slice(RESOLVE_SCHEME.length))) as [string, string];
    return resolve(request, { ...context, parentURL }, next);
  }
  let result: ResolveResult;
  try {
    result = await next(specifier, context);
  } catch (error) {
    const alternative = typescriptAlternative(specifier, context.parentURL);
    if (!alternative) throw error;
    result = { url: alternative, shortCircuit: true };
  }
  if (context.parentURL === undefined) entryURLs.add(result.url);
  return result;
}

// TypeScript sources write "./x.js" for "./x.ts", and bundler-style code omits the extension (".ts" before ".tsx", as tsc tries them).
const EXTENSIONLESS_CANDIDATES = [".ts", ".tsx", ".mts", ".js", ".mjs", "/index.ts", "/index.tsx", "/index.js"];

function typescriptAlternative(specifier: string, parentURL: string | undefined): string | undefined {
  if (!parentURL || !/^\.{1,2}\//.test(specifier)) return undefined;
  const path = fileURLToPath(new URL(specifier, parentURL));
  const found = extname(path)
    ? typescriptSourceFor(path)
    : EXTENSIONLESS_CANDIDATES.map((suffix) => path + suffix).find((candidate) => existsSync(candidate));
  return found ? pathToFileURL(found).href : undefined;
}

export async function load(url: string, context: LoadContext, next: Next<LoadContext, LoadResult>): Promise<LoadResult> {
  if (!url.startsWith("file:")) return next(url, context);
  const filename = fileURLToPath(url);
  const extension = extname(filename);
  if (NON_SCRIPT_EXTENSIONS.includes(extension)) return next(url, context);
  // An unknown extension: Node's ES module loader refuses it, except for an entry point (see entryURLs).
  const unknownEntry = !SCRIPT_EXTENSIONS.includes(extension) && extension !== "";
  if (unknownEntry && !entryURLs.has(url)) return next(url, context);
  const typescript = isTypeScript(filename);
  const instrument = shouldInstrument(filename);
  // Plain JavaScript left alone: Node decides its format (syntax detection included) as without tsprof.
  if (!instrument && !typescript && !unknownEntry) return next(url, context);
  const source = stripBom(await readFile(filename, "utf8"));
  const format = offTheClock(() => moduleFormatOf(filename, source, remember));
  if (format === "commonjs") {
    // TypeScript imported by an ES module: Node finds a CommonJS module's named exports by lexing its source
    // (cjs-module-lexer), and without a source from this hook it reads the file, the TypeScript, where it finds
    // none (`import { add } from "./util.cjs"` for util.cts failed). So the compiled CommonJS (`exports.add = add;`)
    // is the source here. Node then runs it itself, with a require() that goes through these hooks, not the
    // CommonJS loader's; an entry point keeps the CommonJS loader's own module, require and require.main.
    // Its re-exports of other TypeScript files, which Node's lexer does not follow, are lexed here (reexported-names.ts).
    if (typescript && !entryURLs.has(url)) {
      return { format: "commonjs", source: offTheClock(() => compileForImporter(source, filename, instrument)), shortCircuit: true };
    }
    // No source here, so Node's CommonJS loader (and our require hook) loads it.
    return { format: "commonjs", shortCircuit: true };
  }
  if (!instrument && !typescript) return { format: "module", source, shortCircuit: true };
  try {
    return { format: "module", source: offTheClock(() => compileFile(source, filename, "module", options, instrument)), shortCircuit: true };
  } catch (error) {
    // JavaScript Babel cannot parse: Node compiles the original and reports its own SyntaxError, as without tsprof.
    if (!typescript) return { format: "module", source, shortCircuit: true };
    return { format: "module", source: syntaxErrorThrower(error, filename, source), shortCircuit: true };
  }
}

/**
 * Runs tsprof's own work on a file (telling its format, compiling it) and counts its seconds where the program's
 * thread finds them (offClockSeconds): that thread may be awaiting this module's import(), and an async function
 * waiting there would have the compile in its wall time, which plain node never spends. Only this thread writes.
 */
function offTheClock<T>(work: () => T): T {
  const started = hrtime();
  try {
    return work();
  } finally {
    if (offClockSeconds !== undefined) {
      const [seconds, nanoseconds] = hrtime(started);
      offClockSeconds[0] += seconds + nanoseconds / 1e9;
    }
  }
}

/** A TypeScript file that runs as CommonJS, compiled for an ES module importer: with the names it re-exports from TypeScript in reach of Node's lexer. */
function compileForImporter(source: string, filename: string, instrument: boolean): string {
  let compiled: string;
  try {
    compiled = compileFile(source, filename, "commonjs", options, instrument);
  } catch (error) {
    return syntaxErrorThrower(error, filename, source);
  }
  // Each target compiled as it will be loaded (same cache entry); one that does not compile contributes no names, and fails when it loads.
  const compileTarget = (targetSource: string, target: string): string | undefined => {
    try {
      return compileFile(targetSource, target, "commonjs", options, shouldInstrument(target));
    } catch {
      return undefined;
    }
  };
  return withReexportedNames(compiled, filename, compileTarget, remember);
}

/** Source whose evaluation raises the parse error as a SyntaxError, as plain Node would when importing the file. */
function syntaxErrorThrower(error: unknown, filename: string, source: string): string {
  const message = describeLoadError(error, filename, source);
  if (message === undefined) throw error;
  const mark = `Object.defineProperty(e, Symbol.for(${JSON.stringify(LOAD_ERROR_KEY)}), { value: ${JSON.stringify(filename)} });`;
  return `const e = new SyntaxError(${JSON.stringify(message)}); e.stack = e.message; ${mark} throw e;`;
}
