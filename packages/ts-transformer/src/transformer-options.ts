// Options of the transformer: tsprof's own (validated by @tsprof/instrument) once ts-patch's entry keys are set aside.
import { dirname } from "node:path";
import type * as ts from "typescript";
import { normalizeOptions, type InstrumentOptions, type NormalizedOptions } from "@tsprof/instrument";

/** Options as a user writes them: tsprof's options, or a whole ts-patch `plugins` entry. */
export type TsprofTransformerOptions = InstrumentOptions & Record<string, unknown>;

/** Keys ts-patch (and TypeScript's language-service plugins) put in a `compilerOptions.plugins` entry: not ours to validate. */
const PLUGIN_ENTRY_KEYS = ["transform", "type", "import", "isEsm", "after", "afterDeclarations", "transformProgram", "resolvePathAliases", "tsConfig", "name"];

/** The entry without ts-patch's keys. */
export function tsprofOptionsOf(raw: unknown): unknown {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return raw;
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (!PLUGIN_ENTRY_KEYS.includes(key)) own[key] = value;
  return own;
}

/**
 * The directory relative paths are resolved from (and the default root): the tsconfig's directory
 * when the compilation came from one, else the program's current directory, else the process's.
 */
export function baseDirectory(compilerOptions: ts.CompilerOptions | undefined, program: ts.Program | undefined): string {
  const configFile = compilerOptions?.configFilePath;
  if (typeof configFile === "string" && configFile !== "") return dirname(configFile);
  return program ? program.getCurrentDirectory() : process.cwd();
}

/** Validates (throws OptionsError, one line naming the option) and fills defaults. */
export function normalizeTransformerOptions(raw: unknown, base: string): NormalizedOptions {
  return normalizeOptions(tsprofOptionsOf(raw), base);
}
