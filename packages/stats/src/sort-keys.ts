// The sort keys of pstats' Stats.sort_stats(), as data: the columns each key sorts by and the "Ordered by" text.

/** A value a row can be sorted by (pstats sorts the tuple (cc, nc, tt, ct, file, line, name, std_string)). */
export type SortColumn =
  | "primitiveCalls"
  | "calls"
  | "selfTime"
  | "totalTime"
  | "file"
  | "line"
  | "name"
  | "stdName"
  | "selfTimePerCall"
  | "totalTimePerCall";

export interface SortField {
  column: SortColumn;
  /** pstats' direction -1: largest first. */
  descending: boolean;
}

export interface SortKeyDefinition {
  /** The word accepted by sort_stats() and `tsprof stats -s`. */
  key: string;
  fields: readonly SortField[];
  /** What "Ordered by:" prints. */
  description: string;
}

const down = (column: SortColumn): SortField => ({ column, descending: true });
const up = (column: SortColumn): SortField => ({ column, descending: false });

/** pstats' sort_arg_dict_default, in its order: what the browser's `sort` lists, as pstats' does. */
export const PSTATS_SORT_KEYS: readonly SortKeyDefinition[] = [
  { key: "calls", fields: [down("calls")], description: "call count" },
  { key: "ncalls", fields: [down("calls")], description: "call count" },
  { key: "cumtime", fields: [down("totalTime")], description: "cumulative time" },
  { key: "cumulative", fields: [down("totalTime")], description: "cumulative time" },
  { key: "filename", fields: [up("file")], description: "file name" },
  { key: "line", fields: [up("line")], description: "line number" },
  { key: "module", fields: [up("file")], description: "file name" },
  { key: "name", fields: [up("name")], description: "function name" },
  { key: "nfl", fields: [up("name"), up("file"), up("line")], description: "name/file/line" },
  { key: "pcalls", fields: [down("primitiveCalls")], description: "primitive call count" },
  { key: "stdname", fields: [up("stdName")], description: "standard name" },
  { key: "time", fields: [down("selfTime")], description: "internal time" },
  { key: "tottime", fields: [down("selfTime")], description: "internal time" },
];

/** Every accepted key: pstats' then tsprof's additions, tottime/ncalls and cumtime/primitive calls (the two percall columns). */
export const SORT_KEYS: readonly SortKeyDefinition[] = [
  ...PSTATS_SORT_KEYS,
  { key: "tottime-percall", fields: [down("selfTimePerCall")], description: "internal time per call" },
  { key: "cumtime-percall", fields: [down("totalTimePerCall")], description: "cumulative time per call" },
];

/** The old profiler's numeric keys, accepted alone: -1 stdname, 0 calls, 1 time, 2 cumulative. */
export const LEGACY_SORT_KEYS: ReadonlyMap<number, string> = new Map([
  [-1, "stdname"],
  [0, "calls"],
  [1, "time"],
  [2, "cumulative"],
]);

/** One member of the SortKey enum (pstats.SortKey): a sort key that is not a plain string. */
export class SortKeyMember {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** pstats' SortKey enum. `sortStats(SortKey.CUMULATIVE, SortKey.NAME)`; mixing members with strings is an error, as in pstats. */
export const SortKey = Object.freeze({
  CALLS: new SortKeyMember("calls"),
  CUMULATIVE: new SortKeyMember("cumulative"),
  FILENAME: new SortKeyMember("filename"),
  LINE: new SortKeyMember("line"),
  NAME: new SortKeyMember("name"),
  NFL: new SortKeyMember("nfl"),
  PCALLS: new SortKeyMember("pcalls"),
  STDNAME: new SortKeyMember("stdname"),
  TIME: new SortKeyMember("time"),
});

/** What sort_stats() takes: names or unique prefixes, SortKey members, or one legacy number. */
export type SortArgument = string | number | SortKeyMember;

/** A sort request that cannot be honoured; the message is one line. */
export class SortKeyError extends Error {
  override name = "SortKeyError";
}

let abbreviations: Map<string, SortKeyDefinition> | undefined;

/**
 * Every accepted word: pstats' get_sort_arg_defs() (each key and its prefixes, minus prefixes
 * claimed twice), with full keys always kept so that "tottime" survives "tottime-percall".
 */
export function sortKeyAbbreviations(): ReadonlyMap<string, SortKeyDefinition> {
  if (abbreviations) return abbreviations;
  const table = new Map<string, SortKeyDefinition>();
  const ambiguous = new Set<string>();
  for (const definition of SORT_KEYS) {
    for (let fragment = definition.key; fragment; fragment = fragment.slice(0, -1)) {
      if (table.has(fragment)) {
        ambiguous.add(fragment);
        break;
      }
      table.set(fragment, definition);
    }
  }
  for (const fragment of ambiguous) table.delete(fragment);
  for (const definition of SORT_KEYS) table.set(definition.key, definition);
  return (abbreviations = table);
}

/** The valid keys, for help and error messages. */
export function sortKeyNames(): string[] {
  return SORT_KEYS.map((definition) => definition.key);
}

export interface ResolvedSort {
  fields: SortField[];
  /** "Ordered by:" text: the descriptions joined by ", ". */
  description: string;
}

/** pstats' sort_stats() argument rules: names or unique prefixes, or one legacy number; never both kinds. */
export function resolveSortKeys(keys: ReadonlyArray<SortArgument>): ResolvedSort {
  // Keys come as separate arguments, as in pstats: a list (`sortStats(["calls"])`) is not a key,
  // and neither is null or another object; said as such rather than as an unknown name.
  for (const key of keys as ReadonlyArray<unknown>) {
    if (Array.isArray(key)) {
      throw new SortKeyError(`a list is not a sort key: pass the keys as separate arguments, sortStats(${key.map(describeKey).join(", ")}) or sortStats(...keys)`);
    }
    if (typeof key !== "string" && typeof key !== "number" && !(key instanceof SortKeyMember)) {
      throw new SortKeyError(`${describeKey(key)} is not a sort key (valid keys, or unique prefixes: ${sortKeyNames().join(", ")}; SortKey members; or one legacy number)`);
    }
  }
  let words: string[];
  const isMember = (key: SortArgument) => key instanceof SortKeyMember;
  if (keys.some(isMember)) {
    if (!keys.every(isMember)) throw new SortKeyError("Can't have mixed argument type (SortKey members and other keys)");
    return resolveSortKeys(keys.map((key) => (key as SortKeyMember).value));
  }
  if (keys.length === 1 && typeof keys[0] === "number") {
    const legacy = LEGACY_SORT_KEYS.get(keys[0]);
    if (legacy === undefined) throw new SortKeyError(`unknown legacy sort key ${keys[0]} (valid: -1, 0, 1, 2)`);
    words = [legacy];
  } else {
    if (keys.some((key) => typeof key !== typeof keys[0])) throw new SortKeyError("cannot mix legacy numeric sort keys with named ones");
    if (keys.some((key) => typeof key === "number")) throw new SortKeyError("a legacy numeric sort key (-1, 0, 1, 2) must be the only key");
    words = keys as string[];
  }
  const table = sortKeyAbbreviations();
  const fields: SortField[] = [];
  const descriptions: string[] = [];
  for (const word of words) {
    const definition = table.get(word);
    if (!definition) throw new SortKeyError(`unknown sort key '${word}' (valid keys, or unique prefixes: ${sortKeyNames().join(", ")})`);
    fields.push(...definition.fields);
    descriptions.push(definition.description);
  }
  return { fields, description: descriptions.join(", ") };
}

/** A sort argument as it reads in a message: strings quoted, objects by kind. */
function describeKey(key: unknown): string {
  if (typeof key === "string") return JSON.stringify(key);
  if (typeof key === "number" || typeof key === "boolean" || typeof key === "bigint") return String(key);
  if (key === null) return "null";
  if (key === undefined) return "undefined";
  if (key instanceof SortKeyMember) return `SortKey(${JSON.stringify(key.value)})`;
  if (Array.isArray(key)) return "a list";
  return typeof key === "function" ? "a function" : "an object";
}
