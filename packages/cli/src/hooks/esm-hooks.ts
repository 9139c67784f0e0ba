// ES module side of `tsprof run`: Node module-customization hooks (they run on Node's loader thread).
// ES modules are instrumented here; CommonJS files are handed to the CommonJS loader, where cjs-hook.ts instruments them.
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { extname } from "node:path";
import { compileFile, describeLoadError } from "../transform";
import { moduleFormatOf, isTypeScript, SCRIPT_EXTENSIONS, typescriptSourceFor } from "../module-format";
import type { RunHookOptions } from "../run-options";
import { createInstrumentFilter } from "./should-instrument";

type Next<C, R> = (specifier: string, context: C) => Promise<R>;
interface ResolveContext { parentURL?: string; conditions: string[] }
interface ResolveResult { url: string; format?: string | null; shortCircuit?: boolean }
interface LoadContext { format?: string | null; conditions: string[] }
interface LoadResult { format: string; source?: string | Buffer | null; shortCircuit?: boolean }

let options: RunHookOptions;
let shouldInstrument: (filename: string) => boolean;

export async function initialize(data: RunHookOptions): Promise<void> {
  options = data;
  shouldInstrument = createInstrumentFilter(options);
}

export async function resolve(specifier: string, context: ResolveContext, next: Next<ResolveContext, ResolveResult>): Promise<ResolveResult> {
  try {
    return await next(specifier, context);
  } catch (error) {
    const alternative = typescriptAlternative(specifier, context.parentURL);
    if (alternative) return { url: alternative, shortCircuit: true };
    throw error;
  }
}

// TypeScript sources write "./x.js" for "./x.ts", and bundler-style code omits the extension.
const EXTENSIONLESS_CANDIDATES = [".ts", ".mts", ".js", ".mjs", "/index.ts", "/index.js"];

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
  if (!SCRIPT_EXTENSIONS.includes(extname(filename))) return next(url, context);
  const format = moduleFormatOf(filename);
  // CommonJS: no source here, so Node's CommonJS loader (and our require hook) loads it.
  if (format === "commonjs") return { format: "commonjs", shortCircuit: true };
  const instrument = shouldInstrument(filename);
  if (!instrument && !isTypeScript(filename)) return next(url, context);
  const source = await readFile(filename, "utf8");
  try {
    return { format: "module", source: compileFile(source, filename, "module", options, instrument), shortCircuit: true };
  } catch (error) {
    const message = describeLoadError(error, filename, source);
    if (message === undefined) throw error;
    // Evaluating the module raises the SyntaxError, as plain Node would when importing it.
    const thrower = `const e = new SyntaxError(${JSON.stringify(message)}); e.stack = e.message; throw e;`;
    return { format: "module", source: thrower, shortCircuit: true };
  }
}
