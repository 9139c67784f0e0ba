// The figures a parity test compares, and how both sides (cProfile dump, tsprof Profile) reduce to them.
import { basename } from "node:path";

/** What `test/helpers/cprofile_dump.py` prints for one Python program. */
export interface CprofileDump {
  functions: {
    /** co_name. */
    name: string;
    /** The class whose body defines this method, or null. */
    className: string | null;
    /** co_firstlineno. */
    line: number;
    kind: "function" | "generator";
    calls: number;
    primitiveCalls: number;
    /** tottime, in readings of a stepping clock (one per call, one per return). */
    selfTicks: number;
    /** cumtime, in readings of the same clock. */
    totalTicks: number;
    /** Generators only: cProfile's own count, one per resume (cpython#115218). */
    cprofileCalls?: number;
  }[];
  /** caller and callee are indices into `functions`. */
  edges: { caller: number; callee: number; calls: number; primitiveCalls: number; selfTicks: number; totalTicks: number }[];
}

/** The subset of a tsprof `Profile` (format/src/types.ts) the comparison reads. */
export interface ProfileCounts {
  functions: { name: string; qualifiedName: string; file: string }[];
  stats: { function: number; calls: number; primitiveCalls: number; selfTime: number; totalTime: number }[];
  edges: { caller: number; callee: number; calls: number; primitiveCalls: number; selfTime: number; totalTime: number }[];
}

/**
 * Seconds per reading of tsprof's `TSPROF_CLOCK=tick` clock, which advances one tick at
 * every reading (runtime/src/clock.ts, createSteppingTickClock), as the dump's cProfile timer does.
 */
export const TICK_SECONDS = 0.001;

/** One pstats row (or one entry of a callers dict), times in ticks. */
export interface CallFigures {
  calls: number;
  primitiveCalls: number;
  selfTicks: number;
  totalTicks: number;
}

/** Figures keyed by function (`fib`, `Rect.area`) and by edge (`main -> fib`), keys sorted. */
export interface ParitySummary {
  functions: Record<string, CallFigures>;
  edges: Record<string, CallFigures>;
}

/** One function as both languages can name it. */
interface NamedFunction {
  /** The name Chrome DevTools shows, e.g. `area`, `Rect` for a constructor. */
  name: string;
  /** `Class.method` for methods, else `name`: used only where `name` is ambiguous. */
  qualifiedName: string;
}

/**
 * Picks one key per function: its name, or its qualified name where two functions of the
 * program share a name (an overridden method `area` becomes `Shape.area` and `Rect.area`).
 * Free functions must have unique names in a parity program: nothing else tells them apart.
 */
function keyFunctions(named: NamedFunction[]): string[] {
  const nameCount = new Map<string, number>();
  for (const f of named) nameCount.set(f.name, (nameCount.get(f.name) ?? 0) + 1);
  const keys = named.map((f) => ((nameCount.get(f.name) ?? 0) > 1 ? f.qualifiedName : f.name));
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) throw new Error(`parity program has two functions named ${JSON.stringify(key)}: rename one`);
    seen.add(key);
  }
  return keys;
}

function sortedRecord(entries: [string, CallFigures][]): Record<string, CallFigures> {
  const record: Record<string, CallFigures> = {};
  for (const [key, figures] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (key in record) throw new Error(`duplicate parity key ${JSON.stringify(key)}`);
    record[key] = figures;
  }
  return record;
}

function cprofileFigures(row: CallFigures): CallFigures {
  return { calls: row.calls, primitiveCalls: row.primitiveCalls, selfTicks: row.selfTicks, totalTicks: row.totalTicks };
}

/** Seconds back to ticks: rounding absorbs float error only, a genuine fraction of a tick stays visible. */
function toTicks(seconds: number): number {
  const ticks = seconds / TICK_SECONDS;
  const whole = Math.round(ticks);
  return Math.abs(ticks - whole) < 1e-6 ? whole : ticks;
}

function tsprofFigures(row: { calls: number; primitiveCalls: number; selfTime: number; totalTime: number }): CallFigures {
  return { calls: row.calls, primitiveCalls: row.primitiveCalls, selfTicks: toTicks(row.selfTime), totalTicks: toTicks(row.totalTime) };
}

const edgeKey = (caller: string, callee: string) => `${caller} -> ${callee}`;

/**
 * The Python side. A constructor is `__init__` in Python and the class name in DevTools,
 * so `__init__` of class `Rect` is named `Rect`; other methods keep their co_name.
 */
export function summarizeCprofile(dump: CprofileDump): ParitySummary {
  const named = dump.functions.map((f): NamedFunction => {
    if (f.className === null) return { name: f.name, qualifiedName: f.name };
    if (f.name === "__init__") return { name: f.className, qualifiedName: f.className };
    return { name: f.name, qualifiedName: `${f.className}.${f.name}` };
  });
  const keys = keyFunctions(named);
  return {
    functions: sortedRecord(dump.functions.map((f, i) => [keys[i], cprofileFigures(f)])),
    edges: sortedRecord(dump.edges.map((e) => [edgeKey(keys[e.caller], keys[e.callee]), cprofileFigures(e)])),
  };
}

/**
 * The JS side: functions of the program file only (matched by base name, as profile paths
 * are relative to the project root), and edges between two of them.
 */
export function summarizeProfile(profile: ProfileCounts, programFile: string): ParitySummary {
  const wanted = basename(programFile);
  const inProgram = profile.functions.map((f) => basename(f.file) === wanted);
  const calledIndices = profile.stats.map((s) => s.function).filter((i) => inProgram[i]);
  const keyList = keyFunctions(
    calledIndices.map((i) => ({ name: profile.functions[i].name, qualifiedName: profile.functions[i].qualifiedName })),
  );
  const keyOf = new Map<number, string>(calledIndices.map((index, position) => [index, keyList[position]]));
  const functions = profile.stats
    .filter((s) => keyOf.has(s.function))
    .map((s): [string, CallFigures] => [keyOf.get(s.function)!, tsprofFigures(s)]);
  const edges = profile.edges
    .filter((e) => keyOf.has(e.caller) && keyOf.has(e.callee))
    .map((e): [string, CallFigures] => [edgeKey(keyOf.get(e.caller)!, keyOf.get(e.callee)!), tsprofFigures(e)]);
  return { functions: sortedRecord(functions), edges: sortedRecord(edges) };
}

const FIGURES: (keyof CallFigures)[] = ["calls", "primitiveCalls", "selfTicks", "totalTicks"];

function describeFigures(figures: CallFigures): string {
  return FIGURES.map((name) => `${name} ${figures[name]}`).join(", ");
}

function compareRecords(kind: string, expected: Record<string, CallFigures>, actual: Record<string, CallFigures>): string[] {
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  const differences: string[] = [];
  for (const key of keys) {
    const want = expected[key];
    const got = actual[key];
    if (!got) differences.push(`${kind} ${key}: missing in tsprof (cProfile: ${describeFigures(want)})`);
    else if (!want) differences.push(`${kind} ${key}: not in cProfile (tsprof: ${describeFigures(got)})`);
    else {
      const wrong = FIGURES.filter((name) => want[name] !== got[name]);
      if (wrong.length > 0) {
        differences.push(`${kind} ${key}: ${wrong.map((name) => `${name} tsprof ${got[name]}, cProfile ${want[name]}`).join("; ")}`);
      }
    }
  }
  return differences;
}

/** Every difference between cProfile's figures and tsprof's, one readable line each; empty when they agree. */
export function compareSummaries(cprofile: ParitySummary, tsprof: ParitySummary): string[] {
  return [...compareRecords("function", cprofile.functions, tsprof.functions), ...compareRecords("edge", cprofile.edges, tsprof.edges)];
}
