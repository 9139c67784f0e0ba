// CommonJS side of `tsprof run`: instruments files loaded by require() (and CommonJS files reached by import).
import Module from "node:module";
import { readFileSync } from "node:fs";
import { isAbsolute, resolve as resolvePath, dirname } from "node:path";
import { compileFile, describeLoadError, LOAD_ERROR_KEY } from "../transform";
import { rememberFormat } from "../compile-cache";
import { moduleFormatOf, isTypeScript, typescriptSourceFor } from "../module-format";
import type { RunHookOptions } from "../run-options";
import { createInstrumentFilter } from "./should-instrument";
import { excludeFromRecording } from "@tsprof/runtime";

type CompilableModule = { _compile(code: string, filename: string, format?: string): unknown };
type Loader = (module: CompilableModule, filename: string) => unknown;
interface ModuleInternals {
  _extensions: Record<string, Loader>;
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
}

const internals = Module as unknown as ModuleInternals;
// Captured before the program runs: it may replace process.hrtime.
const hrtime = process.hrtime;
const requireModule = (process.features as { require_module?: boolean }).require_module === true;

export function installCommonJsHook(options: RunHookOptions): void {
  const shouldInstrument = createInstrumentFilter(options);
  const jsLoader = internals._extensions[".js"];
  const remember = rememberFormat(options);

  const load: Loader = function (module, filename) {
    const typescript = isTypeScript(filename);
    const instrument = shouldInstrument(filename);
    if (!typescript && !instrument) return jsLoader(module, filename);
    const source = stripBom(readFileSync(filename, "utf8"));
    // An ES module (by extension, "type", or Node's syntax detection) reached by require(): Node 20.19+ loads it
    // (require(esm)) when _compile is told its format; compiled here as an ES module, it is instrumented too.
    const format = offTheClock(() => moduleFormatOf(filename, source, remember));
    // A Node without require(esm) (before 20.19) reports ERR_REQUIRE_ESM for it, as without tsprof.
    if (format === "module" && !typescript && !requireModule) return jsLoader(module, filename);
    let code: string;
    try {
      code = offTheClock(() => compileFile(source, filename, format, options, instrument));
    } catch (error) {
      // JavaScript Babel cannot parse: Node compiles the original and throws its own SyntaxError, as without tsprof.
      if (!typescript) return jsLoader(module, filename);
      throw toSyntaxError(error, filename, source);
    }
    return module._compile(code, filename, format);
  };
  // Registered extensions are also the ones require() tries for an extensionless "./comp" (after .js, .json
  // and .node), so a TypeScript file finds comp.ts or comp.tsx there as tsc does.
  for (const ext of [".js", ".cjs", ".ts", ".cts", ".tsx"]) internals._extensions[ext] = load;

  // TypeScript sources import "./x.js" meaning "./x.ts": resolve like tsc's node16 resolution does.
  const resolveFilename = internals._resolveFilename;
  internals._resolveFilename = function (request, parent, isMain, opts) {
    try {
      return resolveFilename.call(this, request, parent, isMain, opts);
    } catch (error) {
      const alternative = typescriptAlternative(request, parent);
      if (alternative) return alternative;
      throw error;
    }
  };
}

/**
 * Runs tsprof's own work on a file (telling its format, which may parse it; compiling: Babel loaded on first use,
 * the transform, the cache) off the recording's clock: plain node spends none of that time, and it went to the
 * function whose require() got here (on a cold cache, seconds in a `load()` of 9 ms).
 */
function offTheClock<T>(work: () => T): T {
  const started = hrtime();
  try {
    return work();
  } finally {
    const [seconds, nanoseconds] = hrtime(started);
    excludeFromRecording(seconds + nanoseconds / 1e9);
  }
}

function typescriptAlternative(request: string, parent: unknown): string | undefined {
  const parentFile = (parent as { filename?: string } | undefined)?.filename;
  if (!parentFile || !/^(\.{1,2}\/|\/)/.test(request)) return undefined;
  return typescriptSourceFor(isAbsolute(request) ? request : resolvePath(dirname(parentFile), request));
}

function toSyntaxError(error: unknown, filename: string, source: string): unknown {
  const message = describeLoadError(error, filename, source);
  if (message === undefined) return error;
  const syntaxError = new SyntaxError(message);
  syntaxError.stack = message;
  Object.defineProperty(syntaxError, Symbol.for(LOAD_ERROR_KEY), { value: filename });
  return syntaxError;
}

function stripBom(source: string): string {
  return source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
}
