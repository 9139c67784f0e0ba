// ts-jest's AST transformer module: `astTransformers: { before: [{ path: "@tsprof/ts-transformer/ts-jest", options }] }`.
import type * as ts from "typescript";
import { tsprofTransformer, type TsprofTransformerOptions } from "./index";

/** The part of ts-jest's TsCompilerInstance the factory reads. */
export interface TsJestCompiler {
  /** Absent with isolatedModules. */
  program?: ts.Program;
  configSet: { compilerModule: typeof ts };
}

export const name = "tsprof";
/** ts-jest keys its cache on this: bump it when the emitted code changes. */
export const version = "0.1.0";

export function factory(tsCompiler: TsJestCompiler, options?: TsprofTransformerOptions): ts.TransformerFactory<ts.SourceFile> {
  return tsprofTransformer(tsCompiler.program, options, { ts: tsCompiler.configSet.compilerModule });
}
