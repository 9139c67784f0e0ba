// Positions of the original source: follows an input source map (tsc, an earlier Babel pass) back to where the code was written.
import { TraceMap, originalPositionFor, GREATEST_LOWER_BOUND } from "@jridgewell/trace-mapping";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** 1-based line and column. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** Maps generated positions back to the original source. */
export interface OriginalPositionMapper {
  /** `line` 1-based, `column` 0-based as Babel's `loc` gives them; returns 1-based line and column. */
  map(line: number, column: number): SourcePosition;
  /** Absolute path of the original source when the map has exactly one (a compiled file), else undefined. */
  originalFile: string | undefined;
}

/** Source map fields read here (Babel's `file.inputMap.toObject()`). */
export interface RawSourceMap {
  version: number;
  sources: (string | null)[];
  sourceRoot?: string;
  mappings: string;
  names?: string[];
  file?: string;
}

/** Without an input map positions pass through (column made 1-based). */
export const IDENTITY_MAPPER: OriginalPositionMapper = {
  map: (line, column) => ({ line, column: column + 1 }),
  originalFile: undefined,
};

export function createOriginalPositionMapper(rawMap: RawSourceMap | undefined, generatedFile: string | undefined): OriginalPositionMapper {
  if (!rawMap) return IDENTITY_MAPPER;
  const trace = new TraceMap(rawMap as never);
  return {
    map(line, column) {
      const original = originalPositionFor(trace, { line, column, bias: GREATEST_LOWER_BOUND });
      if (original.line === null || original.column === null) return { line, column: column + 1 };
      return { line: original.line, column: original.column + 1 };
    },
    originalFile: singleSource(rawMap, generatedFile),
  };
}

function singleSource(rawMap: RawSourceMap, generatedFile: string | undefined): string | undefined {
  const sources = rawMap.sources.filter((source): source is string => typeof source === "string" && source !== "");
  if (sources.length !== 1 || !generatedFile) return undefined;
  const joined = rawMap.sourceRoot ? `${rawMap.sourceRoot.replace(/\/?$/, "/")}${sources[0]}` : sources[0];
  if (joined.startsWith("file://")) return fileURLToPath(joined);
  if (/^[a-z][a-z0-9+.-]*:/i.test(joined)) return undefined; // webpack://, http://: not a file on disk
  return resolve(dirname(generatedFile), joined);
}
