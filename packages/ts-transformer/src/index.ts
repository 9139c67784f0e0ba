// @tsprof/ts-transformer: a TypeScript `before` transformer that puts a tsprof probe at every function boundary.
import type * as ts from "typescript";
import { resolve } from "node:path";
import { makeFileFilter, OptionsError, projectRelativePath, type ModuleSites, type NormalizedOptions } from "@tsprof/instrument";
import { instrumentSourceFile, type SkipReason } from "./instrument-source-file";
import { baseDirectory, buildDirectory, misplacedEntryMessage, normalizeTransformerOptions, tsprofOptionsOf, type TsprofTransformerOptions } from "./transformer-options";
import { optionsDiagnostic, instrumentFailureDiagnostic } from "./diagnostics";
import { installLoweredDisposalProbes } from "./lowered-disposal";

export type { TsprofTransformerOptions } from "./transformer-options";
export type { SkipReason } from "./instrument-source-file";

/**
 * What the caller can hand over besides options. ts-patch passes `{ ts, addDiagnostic, … }` as the third
 * argument, which fits this shape.
 */
export interface TransformerHost {
  /** The `typescript` module compiling the program (default: `require("typescript")` as resolved from here). */
  ts?: typeof ts;
  /** Reports a diagnostic as part of the build (ts-patch); without it, errors are thrown. */
  addDiagnostic?: (diagnostic: ts.Diagnostic) => unknown;
  /** Called once per source file with its site table, or with why it was left alone. */
  onModule?: (fileName: string, table: ModuleSites | SkipReason) => void;
}

function loadTypescript(host: TransformerHost | undefined): typeof ts {
  // Loaded lazily, never at module top: the compiler in use (5.x, 6.x, ts-jest's, ts-loader's) is the one to speak to.
  return host?.ts ?? (require("typescript") as typeof ts);
}

/**
 * TypeScript 7 (the Go compiler) has no transformer API: its package's main export is `{ version,
 * versionMajorMinor }`, and the peer range (>=5.0.0 <7) only warns. The transformer made from it threw a
 * TypeError on the first file (`Cannot read properties of undefined`), or was never called at all by a
 * compiler that takes no transformers: one error here instead, saying what works.
 */
function assertTransformerApi(tsApi: typeof ts): void {
  const api = tsApi as Partial<typeof ts> | undefined;
  if (typeof api?.visitEachChild === "function" && typeof api.factory === "object") return;
  const version = typeof api?.version === "string" ? `TypeScript ${api.version}` : "this `typescript` module";
  throw new Error(
    `tsprof: ${version} has no transformer API, which @tsprof/ts-transformer needs (TypeScript 5.x or 6.x); ` +
      `with TypeScript 7, compile to JavaScript with source maps and instrument that with @tsprof/babel-plugin (see the @tsprof/ts-transformer README)`,
  );
}

const identityTransformer: ts.TransformerFactory<ts.SourceFile> = () => (sourceFile) => sourceFile;

/** The options a file is instrumented with (`root`: what its site-table path is relative to), and which files get probes. */
interface CheckedOptions {
  options: NormalizedOptions;
  accepts: (relativePath: string) => boolean;
}

/**
 * Site-table paths relative to `sitesRoot` (a `tsc -b` build's directory: see buildDirectory()), while
 * `include`/`exclude` stay relative to the root they were normalized against (the project's tsconfig
 * directory), as tsconfig's own `include` is: a project's `"exclude": ["src/gen/**"]` means the same
 * built alone or in a build.
 */
function withSitesRoot(normalized: NormalizedOptions, sitesRoot: string | undefined): CheckedOptions {
  const filter = makeFileFilter(normalized);
  if (sitesRoot === undefined || sitesRoot === normalized.root) return { options: normalized, accepts: filter };
  return {
    options: { ...normalized, root: sitesRoot },
    accepts: (relativePath) => filter(projectRelativePath(normalized.root, resolve(sitesRoot, relativePath))),
  };
}

/** Whether the user's options set `root` (which then decides alone). */
function hasOwnRoot(options: unknown): boolean {
  const own = tsprofOptionsOf(options);
  return own !== null && typeof own === "object" && (own as Record<string, unknown>).root !== undefined;
}

/** Whether `value` has every method in `names`: how the first argument of a ts-patch entry of another `type` is told apart. */
function hasMethods(value: unknown, names: string[]): boolean {
  return value !== null && typeof value === "object" && names.every((name) => typeof (value as Record<string, unknown>)[name] === "function");
}

/**
 * The transformer factory. Works as a ts-patch `transform` entry (`(program, config, extras)`), with
 * `program.emit(…, { before: [tsprofTransformer(program, options)] })`, and without a program
 * (`ts.transpileModule`, ts-jest isolatedModules: pass `undefined`).
 *
 * ts-patch's other entry `type`s call it with other arguments, told apart by their shape: "config"
 * `(config)`, "compilerOptions" `(compilerOptions, config)` and "checker" `(checker, config)` work as
 * without a program; "raw" `(context, program, config)` wants the transformer itself. None of them
 * hands over a way to report diagnostics (ts-patch keeps its own per program), so there an error is
 * printed as tsc prints a diagnostic and the build stops (exitingHost()).
 *
 * Invalid options: with a host that reports diagnostics (ts-patch) the build fails with one error
 * diagnostic; otherwise an OptionsError is thrown, one line naming the option. So does an entry
 * placed where the transformer cannot work (`"after": true`, `"afterDeclarations": true`): every file
 * is then left as it is, rather than some instrumented and some not.
 */
export function tsprofTransformer(program?: ts.Program, options?: TsprofTransformerOptions, host?: TransformerHost): ts.TransformerFactory<ts.SourceFile> {
  if (program !== undefined && !hasMethods(program, ["getCompilerOptions", "getTypeChecker", "getSourceFiles"])) {
    const first: unknown = program;
    const second: unknown = options;
    if (hasMethods(first, ["getCompilerOptions", "hoistVariableDeclaration", "startLexicalEnvironment"])) {
      // "raw": (context, program, config), called once per transformation, returns the transformer.
      const transformer = tsprofTransformer(second as ts.Program | undefined, host as TsprofTransformerOptions | undefined, exitingHost())(first as ts.TransformationContext);
      return transformer as unknown as ts.TransformerFactory<ts.SourceFile>;
    }
    // "checker" and "compilerOptions": (something, config); "config": (config).
    return tsprofTransformer(undefined, (second === undefined ? first : second) as TsprofTransformerOptions | undefined, exitingHost());
  }
  const tsApi = loadTypescript(host);
  assertTransformerApi(tsApi);
  const programOptions = program?.getCompilerOptions();
  // The options against the compiler options they come with: normalized, or undefined once a bad one is
  // reported as a diagnostic (the build then goes on untransformed); thrown where the host takes none.
  const checkOptions = (compilerOptions: ts.CompilerOptions | undefined): CheckedOptions | undefined => {
    try {
      const base = baseDirectory(compilerOptions, program);
      const misplaced = misplacedEntryMessage(compilerOptions, base);
      if (misplaced !== undefined) throw new OptionsError(misplaced);
      const normalized = normalizeTransformerOptions(options, base);
      return withSitesRoot(normalized, hasOwnRoot(options) ? undefined : buildDirectory(tsApi, compilerOptions));
    } catch (error) {
      if (!(error instanceof OptionsError) || !host?.addDiagnostic) throw error;
      host.addDiagnostic(optionsDiagnostic(tsApi, error.message));
      return undefined;
    }
  };
  const checked = checkOptions(programOptions);
  if (checked === undefined) return identityTransformer;
  return (context) => {
    const forContext = program ? checked : checkOptions(context.getCompilerOptions());
    if (forContext === undefined) return (sourceFile) => sourceFile;
    const { options: normalized, accepts: filter } = forContext;
    // The awaits of lowered `await using` blocks, which TypeScript writes after this transformer has run.
    const loweredDisposal = installLoweredDisposalProbes(tsApi, context);
    return (sourceFile) => {
      if (sourceFile.isDeclarationFile) return sourceFile;
      try {
        const result = instrumentSourceFile(tsApi, context, sourceFile, normalized, filter, loweredDisposal.register);
        host?.onModule?.(sourceFile.fileName, result.table);
        return result.sourceFile;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const file = projectRelativePath(normalized.root, sourceFile.fileName);
        if (normalized.onError === "skip") {
          console.warn(`tsprof: left ${file} uninstrumented: ${reason}`);
          return sourceFile;
        }
        if (!host?.addDiagnostic) throw new Error(`tsprof: could not instrument ${file}: ${reason}`);
        host.addDiagnostic(instrumentFailureDiagnostic(tsApi, sourceFile, reason));
        return sourceFile;
      }
    };
  };
}

/**
 * The host for ts-patch's entry types that give no way to report a diagnostic: an error is printed as
 * tsc prints one (`error TS9901: …`, with the file's position when it has one) and tsc stops there,
 * with its own exit statuses: 1 before anything was written (an option), 2 once files may have been
 * (a file that failed to instrument). An exception would have ended the build as well, with a stack
 * trace instead of the one line.
 */
function exitingHost(): TransformerHost {
  return {
    addDiagnostic(diagnostic) {
      const tsApi = loadTypescript(undefined);
      const formatHost: ts.FormatDiagnosticsHost = {
        getCurrentDirectory: () => process.cwd(),
        getCanonicalFileName: (fileName) => fileName,
        getNewLine: () => "\n",
      };
      process.stderr.write(tsApi.formatDiagnostics([diagnostic], formatHost));
      process.exit(diagnostic.file === undefined ? 1 : 2);
    },
  };
}

/** ts-loader's `getCustomTransformers`: `getCustomTransformers: tsprofCustomTransformers({ … })`. */
export function tsprofCustomTransformers(options?: TsprofTransformerOptions, host?: TransformerHost): (program?: ts.Program) => ts.CustomTransformers {
  return (program) => ({ before: [tsprofTransformer(program, options, host)] });
}

export default tsprofTransformer;
