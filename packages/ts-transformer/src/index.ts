// @tsprof/ts-transformer: a TypeScript `before` transformer that puts a tsprof probe at every function boundary.
import type * as ts from "typescript";
import { makeFileFilter, OptionsError, projectRelativePath, type ModuleSites, type NormalizedOptions } from "@tsprof/instrument";
import { instrumentSourceFile, type SkipReason } from "./instrument-source-file";
import { baseDirectory, normalizeTransformerOptions, type TsprofTransformerOptions } from "./transformer-options";
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

const identityTransformer: ts.TransformerFactory<ts.SourceFile> = () => (sourceFile) => sourceFile;

/**
 * The transformer factory. Works as a ts-patch `transform` entry (`(program, config, extras)`), with
 * `program.emit(…, { before: [tsprofTransformer(program, options)] })`, and without a program
 * (`ts.transpileModule`, ts-jest isolatedModules: pass `undefined`).
 *
 * Invalid options: with a host that reports diagnostics (ts-patch) the build fails with one error
 * diagnostic; otherwise an OptionsError is thrown, one line naming the option.
 */
export function tsprofTransformer(program?: ts.Program, options?: TsprofTransformerOptions, host?: TransformerHost): ts.TransformerFactory<ts.SourceFile> {
  const tsApi = loadTypescript(host);
  const programOptions = program?.getCompilerOptions();
  let checked: NormalizedOptions;
  try {
    checked = normalizeTransformerOptions(options, baseDirectory(programOptions, program));
  } catch (error) {
    if (!(error instanceof OptionsError) || !host?.addDiagnostic) throw error;
    host.addDiagnostic(optionsDiagnostic(tsApi, error.message));
    return identityTransformer;
  }
  const accepts = makeFileFilter(checked);
  return (context) => {
    const normalized = program ? checked : normalizeTransformerOptions(options, baseDirectory(context.getCompilerOptions(), undefined));
    const filter = program ? accepts : makeFileFilter(normalized);
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

/** ts-loader's `getCustomTransformers`: `getCustomTransformers: tsprofCustomTransformers({ … })`. */
export function tsprofCustomTransformers(options?: TsprofTransformerOptions, host?: TransformerHost): (program?: ts.Program) => ts.CustomTransformers {
  return (program) => ({ before: [tsprofTransformer(program, options, host)] });
}

export default tsprofTransformer;
