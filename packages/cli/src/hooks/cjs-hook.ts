// CommonJS side of `tsprof run`: instruments files loaded by require() (and CommonJS files reached by import).
import Module from "node:module";
import { readFileSync } from "node:fs";
import { isAbsolute, resolve as resolvePath, dirname } from "node:path";
import { compileFile, describeLoadError, LOAD_ERROR_KEY } from "../transform";
import { rememberFormat } from "../compile-cache";
import { moduleFormatOf, isTypeScript, stripBom, typescriptSourceFor } from "../module-format";
import type { RunHookOptions } from "../run-options";
import { createInstrumentFilter } from "./should-instrument";
import { createGraphPreloader } from "./esm-graph";
import { excludeFromRecording } from "@tsprof/runtime";

type Compile = (this: CompilableModule, code: string, filename: string, format?: string) => unknown;
type CompilableModule = { _compile: Compile };
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
  const preloadGraph = createGraphPreloader(options, shouldInstrument, remember);

  const handOver = compileAfterOtherLoaders(options);

  const load: Loader = function (module, filename) {
    const typescript = isTypeScript(filename);
    const instrument = shouldInstrument(filename);
    if (!typescript && !instrument) return jsLoader(module, filename);
    const source = stripBom(readFileSync(filename, "utf8"));
    // Another loader registered for TypeScript after tsprof's hook (ts-node's register, pirates-based ones like
    // esbuild-register) has wrapped this module's _compile and called us as the loader before it: its compiler
    // gets the file as written (ts-node type-checks the TypeScript the user wrote, and reports its errors as
    // without tsprof), and what it compiles is instrumented on the way to Node (handOver). JavaScript still goes
    // to such a loader instrumented (@babel/register compiles tsprof's output, at the original's lines).
    if (typescript && Object.prototype.hasOwnProperty.call(module, "_compile")) return handOver(module, source, filename, instrument);
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
    // Its imports, which Node would load past the module hooks, made ready instrumented first (esm-graph.ts).
    if (format === "module" && requireModule) preloadGraph(code, filename);
    return module._compile(code, filename, format);
  };
  // Registered extensions are also the ones require() tries for an extensionless "./comp" (after .js, .json
  // and .node), so a TypeScript file finds comp.ts or comp.tsx there as tsc does.
  for (const ext of [".js", ".cjs", ".ts", ".cts", ".tsx"]) internals._extensions[ext] = load;

  // TypeScript sources import "./x.js" meaning "./x.ts": resolve like tsc's node16 resolution does.
  const resolveFilename = internals._resolveFilename;
  internals._resolveFilename = function (request, parent, isMain, opts) {
    let alternative: string | undefined;
    try {
      return resolveFilename.call(this, request, parent, isMain, opts);
    } catch {
      alternative = typescriptAlternative(request, parent);
    }
    if (alternative) return alternative;
    // No TypeScript file either: Node's own error, thrown again by Node itself rather than rethrown here, so that
    // an uncaught one shows Node's line (`throw err;` in its loader) above the message, as under plain node, and
    // not a line of this file. Resolving is cheap and has no effect but its caches; this is the failing path only.
    return resolveFilename.call(this, request, parent, isMain, opts);
  };
}

/**
 * Module#_compile made to instrument what another loader compiled. Such a loader (ts-node: `const _compile =
 * m._compile; m._compile = function (code) { return _compile.call(this, service.compile(code), …) }`) keeps the
 * _compile it found, which is the prototype's: replaced here, before the program can register one, by one that
 * instruments the code of the modules handed over (JavaScript now, whatever the extension, with the loader's
 * source map, through which the sites get the TypeScript's lines). Every other module passes straight through.
 * Returns the hand-over: the module marked, then its own (wrapped) _compile called with the file's source.
 */
function compileAfterOtherLoaders(options: RunHookOptions): (module: CompilableModule, source: string, filename: string, instrument: boolean) => unknown {
  const prototype = (Module as unknown as { prototype: CompilableModule }).prototype;
  const compile = prototype._compile;
  const handedOver = new WeakMap<CompilableModule, boolean>();
  // Captured: the program may replace them, and this runs for every CommonJS module.
  const apply = Reflect.apply;
  const slice = Array.prototype.slice;
  prototype._compile = function (this: CompilableModule, code: string, filename: string, format?: string) {
    const instrument = handedOver.get(this);
    if (instrument === undefined) return apply(compile, this, arguments);
    handedOver.delete(this);
    let compiled = code;
    if (instrument && typeof code === "string") {
      try {
        // tsprof's compile is off the clock (offTheClock()); the other loader's own, which plain node pays too, is not.
        compiled = offTheClock(() => compileFile(code, filename, format === "module" ? "module" : "commonjs", options, true, true));
      } catch {
        // Code Babel cannot parse: Node compiles it as the loader gave it and reports its error, as without tsprof.
      }
    }
    const args = apply(slice, arguments, []) as unknown[];
    args[0] = compiled;
    return apply(compile, this, args);
  } as Compile;
  return (module, source, filename, instrument) => {
    handedOver.set(module, instrument);
    return module._compile(source, filename);
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
