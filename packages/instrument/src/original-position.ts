// Positions of the original source: follows an input source map (tsc, an earlier Babel pass) back to where the code was written.
import { AnyMap, TraceMap, decodedMappings, originalPositionFor, GREATEST_LOWER_BOUND } from "@jridgewell/trace-mapping";
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
  /**
   * The original name the map gives the code that starts exactly at `line` (1-based) and `column`
   * (0-based), or undefined: a minifier's map names `fib` where its output says `n`.
   */
  nameAt(line: number, column: number): string | undefined;
  /**
   * The source the map names for the code at `line` (1-based) and `column` (0-based), whether or not it is a file
   * on disk: the absolute path of a file, else the source as the map writes it (`webpack://app/./src/x.js`, with
   * its "../" kept), for the include/exclude rules to judge (file-filter.ts originalSourcePath); undefined: none.
   */
  sourceAt(line: number, column: number): string | undefined;
  /** Absolute path of the original source when the map has exactly one (a compiled file), else undefined. */
  originalFile: string | undefined;
}

/** Source map fields read here (Babel's `file.inputMap.toObject()`): a plain map, or an indexed one made of sections. */
export type RawSourceMap = PlainSourceMap | IndexedSourceMap;

export interface PlainSourceMap {
  version: number;
  sources: (string | null)[];
  sourceRoot?: string;
  mappings: string;
  names?: string[];
  file?: string;
}

export interface IndexedSourceMap {
  version: number;
  file?: string;
  sections: { offset: { line: number; column: number }; map: RawSourceMap }[];
}

/** Without an input map positions pass through (column made 1-based). */
export const IDENTITY_MAPPER: OriginalPositionMapper = {
  map: (line, column) => ({ line, column: column + 1, file: undefined }),
  nameAt: () => undefined,
  sourceAt: () => undefined,
  originalFile: undefined,
};

/**
 * `unreadable` is told why a map that cannot be read was left aside (the positions are then the file's
 * own): a map is a hint about where code came from, and a broken one must not fail the file.
 */
export function createOriginalPositionMapper(
  rawMap: RawSourceMap | undefined,
  generatedFile: string | undefined,
  unreadable: (reason: string) => void = () => {},
): OriginalPositionMapper {
  if (!rawMap) return IDENTITY_MAPPER;
  let trace: TraceMap;
  try {
    // AnyMap reads both forms: an indexed map ("sections", as some bundlers and concatenators write) is
    // flattened into a plain one. TraceMap alone read its absent `sources` and threw, and the whole file
    // failed to build ("Cannot read properties of undefined (reading 'map')") where plain Babel compiled it.
    trace = new AnyMap(rawMap as never);
    decodedMappings(trace); // a malformed `mappings` string throws here, not halfway through the file
  } catch (error) {
    unreadable(error instanceof Error ? error.message : String(error));
    return IDENTITY_MAPPER;
  }
  // trace-mapping reports a position's source as sourceRoot + source; the same index in `sources`.
  const files = trace.resolvedSources.map((source) => sourceFile(source, generatedFile));
  // trace-mapping normalizes a URL's path: "webpack://app/../../lib/x.js" becomes "webpack://app/lib/x.js", losing
  // where the file is; a URL is kept as the map writes it.
  const named = trace.resolvedSources.map((source, index) => files[index] ?? (isUrl(trace.sources[index] ?? "") ? trace.sources[index]! : source));
  return {
    map(line, column) {
      const original = originalPositionFor(trace, { line, column, bias: GREATEST_LOWER_BOUND });
      const file = original.source === null ? undefined : files[trace.resolvedSources.indexOf(original.source)];
      // A file without a line, or a line without a file, would name a place that does not exist.
      if (original.line === null || original.column === null || file === undefined) return { line, column: column + 1, file: undefined };
      return { line: original.line, column: original.column + 1, file };
    },
    sourceAt(line, column) {
      const original = originalPositionFor(trace, { line, column, bias: GREATEST_LOWER_BOUND });
      return original.source === null ? undefined : named[trace.resolvedSources.indexOf(original.source)] || undefined;
    },
    nameAt(line, column) {
      const segments = decodedMappings(trace)[line - 1];
      if (!segments) return undefined;
      // Segments of a line are sorted by generated column: a binary search, as a minified file is one long line.
      let low = 0;
      let high = segments.length - 1;
      while (low <= high) {
        const middle = (low + high) >> 1;
        const segment = segments[middle];
        if (segment[0] < column) low = middle + 1;
        else if (segment[0] > column) high = middle - 1;
        else return segment.length === 5 ? (trace.names[segment[4]] ?? undefined) || undefined : undefined;
      }
      return undefined;
    },
    originalFile: singleSource(trace.sources, files),
  };
}

/** The original file on disk when the map names exactly one source. */
function singleSource(sources: readonly (string | null)[], files: (string | undefined)[]): string | undefined {
  // The same file may be listed more than once (an indexed map's sections each list their own sources).
  const named = new Set(files.filter((_, index) => typeof sources[index] === "string" && sources[index] !== ""));
  return named.size === 1 ? [...named][0] : undefined;
}

/** Absolute path of a source (sourceRoot already joined; a relative one is relative to the generated file's directory), or undefined when it is not a file. */
function sourceFile(source: string, generatedFile: string | undefined): string | undefined {
  if (source === "") return undefined;
  if (source.startsWith("file://")) return fileURLToPath(source);
  if (isUrl(source)) return undefined; // webpack://, http://: not a file on disk
  if (isAbsolute(source)) return resolve(source);
  return generatedFile ? resolve(dirname(generatedFile), source) : undefined;
}

function isUrl(source: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(source);
}
