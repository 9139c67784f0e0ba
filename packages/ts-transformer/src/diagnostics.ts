// The diagnostics the transformer reports through a build host (ts-patch): one error, one line, no stack.
import type * as ts from "typescript";

/** tsprof's diagnostic code (TypeScript prints it as `error TS9901: …`). */
export const TSPROF_DIAGNOSTIC_CODE = 9901;

/** A global error: invalid transformer options in the `plugins` entry. */
export function optionsDiagnostic(tsApi: typeof ts, message: string): ts.Diagnostic {
  return { category: tsApi.DiagnosticCategory.Error, code: TSPROF_DIAGNOSTIC_CODE, file: undefined, start: undefined, length: undefined, messageText: message };
}

/** An error on a file that failed to instrument for an unexpected reason (onError: "throw"). */
export function instrumentFailureDiagnostic(tsApi: typeof ts, sourceFile: ts.SourceFile, reason: string): ts.Diagnostic {
  return {
    category: tsApi.DiagnosticCategory.Error,
    code: TSPROF_DIAGNOSTIC_CODE,
    file: sourceFile,
    start: 0,
    length: 0,
    messageText: `tsprof: could not instrument this file: ${reason}`,
  };
}
