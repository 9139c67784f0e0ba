// Positions of the original source: follows an input source map (tsc, an earlier Babel pass) back to where the code was written.
import { TraceMap, originalPositionFor, GREATEST_LOWER_BOUND } from "@jridgewell/trace-mapping";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** 1-based line and column. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** A position and the file it is in: the original source's, or the generated file's when the map has none for it. */
export interface OriginalPosition extends SourcePosition {
  /** Absolute path of the original source; undefined: the position is the generated file's own. */
  file: string | undefined;
}

/** Maps generated positions back to the original source. */
export interface OriginalPositionMapper {
  /**
   * `line` 1-based, `column` 0-based as Babel's `loc` gives them; returns 1-based line and column. The
   * file and the position always come together: of the original source the map names for that
   * position (a map may have several: tsc `outFile`, a bundle), else the generated file's own, unmapped
   * position (no mapping on the line, or a source that is not a file on disk: `webpack://`, `http://`).
   */
  map(line: number, column: number): OriginalPosition;
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
  map: (line, column) => ({ line, column: column + 1, file: undefined }),
  originalFile: undefined,
};

export function createOriginalPositionMapper(rawMap: RawSourceMap | undefined, generatedFile: string | undefined): OriginalPositionMapper {
  if (!rawMap) return IDENTITY_MAPPER;
  const trace = new TraceMap(rawMap as never);
  // trace-mapping reports a position's source as sourceRoot + source; the same index in `sources`.
  const files = trace.resolvedSources.map((source) => sourceFile(source, generatedFile));
  return {
    map(line, column) {
      const original = originalPositionFor(trace, { line, column, bias: GREATEST_LOWER_BOUND });
      const file = original.source === null ? undefined : files[trace.resolvedSources.indexOf(original.source)];
      // A file without a line, or a line without a file, would name a place that does not exist.
      if (original.line === null || original.column === null || file === undefined) return { line, column: column + 1, file: undefined };
      return { line: original.line, column: original.column + 1, file };
    },
    originalFile: singleSource(rawMap, files),
  };
}

/** The original file on disk when the map names exactly one source. */
function singleSource(rawMap: RawSourceMap, files: (string | undefined)[]): string | undefined {
  const named = files.filter((_, index) => typeof rawMap.sources[index] === "string" && rawMap.sources[index] !== "");
  return named.length === 1 ? named[0] : undefined;
}

/** Absolute path of a source (sourceRoot already joined; a relative one is relative to the generated file's directory), or undefined when it is not a file. */
function sourceFile(source: string, generatedFile: string | undefined): string | undefined {
  if (source === "") return undefined;
  if (source.startsWith("file://")) return fileURLToPath(source);
  if (/^[a-z][a-z0-9+.-]*:/i.test(source)) return undefined; // webpack://, http://: not a file on disk
  if (isAbsolute(source)) return resolve(source);
  return generatedFile ? resolve(dirname(generatedFile), source) : undefined;
}
