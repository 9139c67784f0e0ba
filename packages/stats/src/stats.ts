// The pstats Stats object: load, add, sort, reverse, strip, restrict, print stats/callers/callees, dump.
//
// Output is byte-identical to CPython's Lib/pstats.py for the same numbers (3.8 through 3.13 print alike).
// Rows keep dict insertion order, as pstats does: file order for pstats files, canonical function
// order for tsprof profiles; every sort is stable on that order.
import { statSync } from "node:fs";
import {
  decodePstats,
  encodePstats,
  profileFileFormat,
  checkCpuProfileTimes,
  checkProfileTarget,
  holdsPstats,
  profileToPstats,
  pstatsKeyId,
  pstatsKeysOf,
  isCachedTable,
  pstatsToProfile,
  readFileBytes,
  readFileHead,
  readProfileHead,
  writeProfileBytesFile,
  writeProfileFile,
  type Profile,
  type PstatsCaller,
  type PstatsEntry,
  type PstatsKey,
  type PstatsKeys,
  type FunctionTableCache,
} from "@tsprof/format";
import { compareKeys, formatInt, funcStdString, stripPath } from "./func-name";
import { comparePyStrings, f8, formatFixed, ljust, pyLength, rjust } from "./python-text";
import { applyRestriction, type RestrictionArgument } from "./restrictions";
import { resolveSortKeys, type SortArgument, type SortField } from "./sort-keys";

/** Where printed reports go. */
export interface Writable {
  write(text: string): void;
}

/**
 * What a Stats object can be built from: a profile file path (.tsprof.json, .prof, .pstats), a
 * Profile (the data), anything with a snapshot() that returns one (the runtime's Profile, as in
 * pstats.Stats(cProfile.Profile())), pstats rows, or another Stats.
 */
export type StatsSource = string | Profile | ProfileSnapshotSource | { entries: readonly PstatsEntry[] } | Stats;

/**
 * A recorder whose profile so far is taken by snapshot(): `@tsprof/runtime`'s Profile. Typed here
 * by shape because the runtime may not be imported: it depends on nothing of stats, and stats
 * does not depend on it either (its printStats() loads stats at run time instead).
 */
export interface ProfileSnapshotSource {
  snapshot(): Profile;
}

const ACCEPTED_SOURCES = "a profile file path, a Profile or an object with snapshot() (the runtime's Profile), { entries: [...] }, or a Stats";

interface StatsRow {
  key: PstatsKey;
  primitiveCalls: number;
  calls: number;
  selfTime: number;
  totalTime: number;
  /** By caller key id, in insertion order. */
  callers: Map<string, PstatsCaller>;
}

/** One row of getStatsProfile(): pstats' FunctionProfile, values rounded as printed. */
export interface FunctionProfile {
  ncalls: string;
  tottime: number;
  /** -1 when ncalls is 0. */
  percallTottime: number;
  cumtime: number;
  /** -1 when primitive calls are 0. */
  percallCumtime: number;
  fileName: string;
  lineNumber: number;
  functionName: string;
}

/** pstats' StatsProfile, keyed by location (`file:line(name)`) because function names repeat. */
export interface StatsProfile {
  totalTime: number;
  functions: Record<string, FunctionProfile>;
}

export class Stats {
  /** The "ctime    path" lines printed above the header, one per file loaded. */
  files: string[] = [];
  totalCalls = 0;
  primitiveCalls = 0;
  /** Σ tottime, summed in load order (as pstats, so rounding matches). */
  totalTime = 0;
  /**
   * tsprof extension: Σ meta.droppedCalls of the tsprof profiles loaded, the calls not recorded at
   * all (past the depth cap): in no row's count, so a report must say so (`tsprof stats` prints a
   * line, --json has the field). pstats files have none.
   */
  droppedCalls = 0;
  /** pstats' max_name_len: the widest `file:line(name)` of the rows; undefined until a report needs it. */
  private maxNameLengthCache: number | undefined;
  private rows = new Map<string, StatsRow>();
  /** Sorted row ids; undefined = never sorted (pstats' "Random listing order", i.e. insertion order). */
  private order: string[] | undefined;
  private sortDescription = "";
  /** pstats' all_callees: caller id -> callee id -> the callee's stats for calls from that caller. */
  private callees: Map<string, Map<string, [PstatsKey, PstatsCaller]>> | undefined;
  /**
   * Profiles of one program share their function table: its parse (readProfileHead), its pstats
   * keys and the rows its functions map to are kept from one profile to the next while it repeats.
   */
  private tables: FunctionTableCache = {};
  private keysByTable = new WeakMap<Profile["functions"], PstatsKeys>();
  private rowsByKeys = new WeakMap<PstatsKeys, { rows: Map<string, StatsRow>; rowByIndex: Array<StatsRow | undefined> }>();
  /** tsprof extension: order (and cap) of the entries inside each callers/callees list; pstats sorts them by key. */
  private callListOrder: { fields: SortField[]; limit?: number } | undefined;
  /** The clocks the loaded sources were timed with ("python" for pstats files): toProfile()'s meta says these, never one it did not see. */
  private clocks = new Set<string>();

  /** pstats' Stats(*args): loads the first source, then add()s the rest. */
  constructor(
    sources: StatsSource | readonly StatsSource[] = [],
    readonly stream: Writable = process.stdout,
  ) {
    const list: readonly StatsSource[] = Array.isArray(sources) ? sources : [sources as StatsSource];
    if (list.length > 0) this.load(list[0]!);
    this.add(...list.slice(1));
  }

  private load(source: StatsSource): void {
    if (source instanceof Stats) {
      this.add(source);
      return;
    }
    const read = this.readSource(source);
    if (typeof source === "string") this.files = [fileLine(source)];
    if (read.profile !== undefined) {
      this.mergeProfile(read.profile, read.keys!);
      return;
    }
    this.loadEntries(read.entries!);
  }

  /** load() of entries this Stats owns (its rows keep their caller objects). */
  private loadEntries(entries: readonly PstatsEntry[]): void {
    for (const entry of entries) this.rows.set(keyId(entry.function), rowOf(entry));
    for (const row of this.rows.values()) {
      this.totalCalls += row.calls;
      this.primitiveCalls += row.primitiveCalls;
      this.totalTime += row.selfTime;
    }
    this.forgetDerived();
  }

  /** pstats' add(): merges each source (processed last to first, exactly as pstats does). */
  add(...sources: StatsSource[]): this {
    for (const source of [...sources].reverse()) {
      if (source instanceof Stats) {
        this.addStats(source, false);
        continue;
      }
      const read = this.readSource(source);
      if (read.profile !== undefined) {
        if (typeof source === "string") this.files.push(fileLine(source));
        this.mergeProfile(read.profile, read.keys!);
      } else {
        // A Stats made here is thrown away after the merge: its rows move over instead of being copied.
        const item = new Stats([], this.stream);
        item.loadEntries(read.entries!);
        if (typeof source === "string") item.files = [fileLine(source)];
        this.addStats(item, true);
      }
    }
    return this;
  }

  /** add() of one Stats; `owned`: made by add() itself, so its rows can move over. */
  private addStats(item: Stats, owned: boolean): void {
    this.files.push(...item.files);
    for (const clock of item.clocks) this.clocks.add(clock);
    this.droppedCalls += item.droppedCalls;
    this.totalCalls += item.totalCalls;
    this.primitiveCalls += item.primitiveCalls;
    this.totalTime += item.totalTime;
    this.forgetDerived();
    for (const [id, row] of item.rows) {
      const existing = this.rows.get(id);
      if (existing) addRows(existing, row);
      else this.rows.set(id, owned ? row : copyRow(row));
    }
  }

  /**
   * add() of a profile (or load() into an empty Stats) without building its rows first: the same
   * sums in the same order as profileToPstats() then addRows(), for a profile whose functions all
   * have distinct pstats keys (readSource() sends the others down the entries path).
   */
  private mergeProfile(profile: Profile, pstatsKeys: PstatsKeys): void {
    const { keys, ids } = pstatsKeys;
    const rows = this.rows;
    // Rows are only added while merging, so those found for the same table stay right (until
    // stripDirs() makes a new map of rows).
    const known = this.rowsByKeys.get(pstatsKeys);
    const rowByIndex: Array<StatsRow | undefined> = known !== undefined && known.rows === rows ? known.rowByIndex : new Array(keys.length);
    this.rowsByKeys.set(pstatsKeys, { rows, rowByIndex });
    const rowAt = (index: number): StatsRow => {
      let row = rowByIndex[index];
      if (row === undefined) {
        row = rows.get(ids[index]!);
        if (row === undefined) {
          row = { key: keys[index]!, primitiveCalls: 0, calls: 0, selfTime: 0, totalTime: 0, callers: new Map() };
          rows.set(ids[index]!, row);
        }
        rowByIndex[index] = row;
      }
      return row;
    };
    // The profile's own totals first (pstats sums an added Stats' totals, then adds them).
    let calls = 0;
    let primitiveCalls = 0;
    let time = 0;
    for (const stats of profile.stats) {
      addCounts(rowAt(stats.function), stats);
      calls += stats.calls;
      primitiveCalls += stats.primitiveCalls;
      time += stats.selfTime;
    }
    for (const edge of profile.edges) {
      const callers = rowAt(edge.callee).callers;
      const id = ids[edge.caller]!;
      const existing = callers.get(id);
      if (existing === undefined) {
        const caller: PstatsCaller = { caller: keys[edge.caller]!, calls: edge.calls, primitiveCalls: edge.primitiveCalls, selfTime: edge.selfTime, totalTime: edge.totalTime };
        if (edge.countsOnly) caller.countOnly = true;
        callers.set(id, caller);
      } else {
        addCounts(existing, edge);
        if (existing.countOnly && !edge.countsOnly) delete existing.countOnly;
      }
    }
    this.totalCalls += calls;
    this.primitiveCalls += primitiveCalls;
    this.totalTime += time;
    this.forgetDerived();
  }

  /**
   * What a source holds, ready to merge: a tsprof profile (read without its call tree, which the
   * table never reads) with its pstats keys, or pstats entries this Stats may keep (a pstats file,
   * entries given, copied, or a profile two of whose functions share a key).
   */
  private readSource(source: StatsSource): { profile?: Profile; keys?: PstatsKeys; entries?: PstatsEntry[] } {
    let profile: Profile;
    if (typeof source !== "string") source = profileDataOf(source);
    if (typeof source === "string") {
      const head = readFileHead(source);
      if (holdsPstats(source, head.bytes)) {
        this.clocks.add("python");
        return { entries: decodePstats(head.complete ? head.bytes : readFileBytes(source), source) };
      }
      profile = readProfileHead(head, source, this.tables);
    } else if ("entries" in source) {
      this.clocks.add("unknown");
      return { entries: (source as { entries: readonly PstatsEntry[] }).entries.map(copyEntry) };
    } else profile = source as Profile;
    this.clocks.add(typeof profile.meta?.clock === "string" ? profile.meta.clock : "unknown");
    const dropped = profile.meta?.droppedCalls;
    if (typeof dropped === "number" && dropped > 0) this.droppedCalls += dropped;
    // Only a table the cache handed out is known not to have changed since (never a caller's Profile).
    const cached = isCachedTable(this.tables, profile.functions);
    let keys = cached ? this.keysByTable.get(profile.functions) : undefined;
    if (keys === undefined) {
      keys = pstatsKeysOf(profile);
      if (cached) this.keysByTable.set(profile.functions, keys);
    }
    return keys.anyDuplicate ? { entries: profileToPstats(profile) } : { profile, keys };
  }

  /** What is computed from the rows (order, callees, widest name) is stale once they change. */
  private forgetDerived(): void {
    this.maxNameLengthCache = undefined;
    this.order = undefined;
    this.callees = undefined;
  }

  /** Number of functions. */
  get size(): number {
    return this.rows.size;
  }

  private maxNameLength(): number {
    if (this.maxNameLengthCache === undefined) {
      let width = 0;
      for (const row of this.rows.values()) width = Math.max(width, pyLength(funcStdString(row.key)));
      this.maxNameLengthCache = width;
    }
    return this.maxNameLengthCache;
  }

  /** The rows as pstats entries, in the current dict order. */
  entries(): PstatsEntry[] {
    return [...this.rows.keys()].map((id) => this.row(id));
  }

  /** The rows as a Profile (no call tree; duration is the total time); meta.clock names the sources' clocks ("a+b" when they differ, as mergeProfiles() does). */
  toProfile(): Profile {
    const profile = pstatsToProfile(this.entries(), "tsprof stats");
    profile.meta.clock = this.clocks.size > 0 ? [...this.clocks].join("+") : "unknown";
    if (this.droppedCalls > 0) profile.meta.droppedCalls = this.droppedCalls;
    return profile;
  }

  /**
   * pstats' dump_stats(), format by extension with the rule every tsprof writer shares (the
   * format package's profileFileFormat(): the runtime's Profile.dumpStats(), `tsprof run -o`,
   * `tsprof stats --dump`): `.json` (`.tsprof.json`) → tsprof's format and `.cpuprofile` → Chrome
   * DevTools' (both with no call tree: a Stats keeps none; DevTools shows the time as "(outside the
   * call tree)"); `.prof`, `.pstats` and any other name → a pstats file Python can load, as Python
   * writes whatever the name (a .json holding marshal bytes would only fool the next reader, hence
   * the exceptions). Both by the format's writer: atomically onto a regular file (a failed write no
   * longer leaves half a pstats file), through a symlink, device or FIFO. Rows with calls and no
   * times (TSPROF_MODE=count's) make no .cpuprofile: it throws, writing nothing.
   */
  dumpStats(path: string): this {
    // Called from JavaScript without one, the write failed inside (reading `length` of undefined,
    // or Node's "newPath" from the last rename); Python's dump_stats() says the file is missing.
    if (typeof path !== "string") throw new TypeError(`Stats.dumpStats needs the path of the file to write (a string), not ${describe(path)}`);
    checkProfileTarget(path);
    if (profileFileFormat(path) !== "pstats") {
      const profile = this.toProfile();
      checkCpuProfileTimes(path, profile);
      writeProfileFile(path, profile);
    } else writeProfileBytesFile(path, encodePstats(this.entries()));
    return this;
  }

  /** pstats' sort_stats(*keys): names, unique prefixes, or one legacy number. No keys: back to insertion order. */
  sortStats(...keys: SortArgument[]): this {
    if (keys.length === 0) {
      this.order = undefined;
      return this;
    }
    const { fields, description } = resolveSortKeys(keys);
    const ids = [...this.rows.keys()];
    const rows = this.rows;
    ids.sort((a, b) => compareRows(rows.get(a)!, rows.get(b)!, fields)); // stable, like list.sort
    this.order = ids;
    this.sortDescription = description;
    return this;
  }

  /**
   * tsprof extension: sort the entries inside each callers/callees list by these keys (applied to the
   * edge's own numbers) and keep the first `limit`; no keys restores pstats' order (by file, line, name).
   */
  sortCallLists(keys: ReadonlyArray<SortArgument>, limit?: number): this {
    this.callListOrder = keys.length > 0 || limit !== undefined ? { fields: keys.length > 0 ? resolveSortKeys(keys).fields : [], limit } : undefined;
    return this;
  }

  /** pstats' reverse_order(). */
  reverseOrder(): this {
    if (this.order && this.order.length > 0) this.order.reverse();
    return this;
  }

  /** pstats' strip_dirs(): file names reduced to their last component; rows that then collide are summed. Forgets the sort. */
  stripDirs(): this {
    const stripped = new Map<string, StatsRow>();
    for (const row of this.rows.values()) {
      const key = stripPath(row.key);
      const callers = new Map<string, PstatsCaller>();
      for (const caller of row.callers.values()) {
        const callerKey = stripPath(caller.caller);
        callers.set(pstatsKeyId(callerKey), { ...caller, caller: callerKey }); // as pstats: a later colliding caller replaces
      }
      const id = pstatsKeyId(key);
      const newRow: StatsRow = { ...row, key, callers };
      const existing = stripped.get(id);
      if (existing) addRows(existing, newRow);
      else stripped.set(id, newRow);
    }
    this.rows = stripped;
    this.forgetDerived();
    return this;
  }

  /** pstats' print_stats(*amount). */
  printStats(...restrictions: RestrictionArgument[]): this {
    const out = this.stream;
    for (const file of this.files) out.write(`${file}\n`);
    if (this.files.length > 0) out.write("\n");
    let header = `         ${formatInt(this.totalCalls)} function calls `;
    if (this.totalCalls !== this.primitiveCalls) header += `(${formatInt(this.primitiveCalls)} primitive calls) `;
    out.write(`${header}in ${formatFixed(this.totalTime, 3)} seconds\n\n`);
    const { list } = this.printList(restrictions);
    if (list.length > 0) {
      out.write("   ncalls  tottime  percall  cumtime  percall filename:lineno(function)\n");
      for (const id of list) out.write(formatStatsLine(this.rows.get(id)!));
      out.write("\n\n");
    }
    return this;
  }

  /** pstats' print_callers(*amount): for each listed function, who called it. */
  printCallers(...restrictions: RestrictionArgument[]): this {
    const { width, list } = this.printList(restrictions);
    if (list.length > 0) {
      this.printCallHeading(width, "was called by...");
      for (const id of list) {
        const row = this.rows.get(id)!;
        this.printCallLine(width, row.key, [...row.callers.values()].map((c) => [c.caller, c]), "<-");
      }
      this.stream.write("\n\n");
    }
    return this;
  }

  /** pstats' print_callees(*amount): for each listed function, what it called. */
  printCallees(...restrictions: RestrictionArgument[]): this {
    const { width, list } = this.printList(restrictions);
    if (list.length > 0) {
      const callees = this.calleesById();
      this.printCallHeading(width, "called...");
      for (const id of list) {
        const row = this.rows.get(id)!;
        this.printCallLine(width, row.key, [...(callees.get(id)?.values() ?? [])], "->");
      }
      this.stream.write("\n\n");
    }
    return this;
  }

  /** pstats' get_stats_profile(), keyed by `file:line(name)`. */
  getStatsProfile(): StatsProfile {
    const ids = this.order && this.order.length > 0 ? this.order : [...this.rows.keys()];
    const functions: Record<string, FunctionProfile> = {};
    if (ids.length === 0) return { totalTime: 0, functions };
    const rounded = (value: number) => Number(f8(value));
    for (const id of ids) {
      const row = this.rows.get(id)!;
      functions[funcStdString(row.key)] = {
        ncalls: formatNcalls(row.calls, row.primitiveCalls),
        tottime: rounded(row.selfTime),
        percallTottime: row.calls === 0 ? -1 : rounded(row.selfTime / row.calls),
        cumtime: rounded(row.totalTime),
        percallCumtime: row.primitiveCalls === 0 ? -1 : rounded(row.totalTime / row.primitiveCalls),
        fileName: row.key.file,
        lineNumber: row.key.line,
        functionName: row.key.name,
      };
    }
    return { totalTime: rounded(this.totalTime), functions };
  }

  /** The ids a print would list after `restrictions`, and the "Ordered by"/"List reduced" lines (not printed). */
  selectRows(restrictions: readonly RestrictionArgument[]): { list: string[]; message: string; ordered: boolean } {
    const ordered = this.order !== undefined && this.order.length > 0;
    let list = ordered ? [...this.order!] : [...this.rows.keys()];
    let message = ordered ? `   Ordered by: ${this.sortDescription}\n` : "   Random listing order was used\n";
    for (const restriction of restrictions) {
      const applied = applyRestriction(restriction, list, (id) => funcStdString(this.rows.get(id)!.key));
      list = applied.list;
      message += applied.note;
    }
    return { list, message, ordered };
  }

  /** A row by id, for exporters (read only). */
  row(id: string): Readonly<PstatsEntry> {
    const row = this.rows.get(id)!;
    const callers = [...row.callers.values()].map((caller) => ({ ...caller }));
    return { function: row.key, primitiveCalls: row.primitiveCalls, calls: row.calls, selfTime: row.selfTime, totalTime: row.totalTime, callers };
  }

  // pstats' get_print_list(): prints the message only when something is listed.
  private printList(restrictions: readonly RestrictionArgument[]): { width: number; list: string[] } {
    const { list, message } = this.selectRows(restrictions);
    if (list.length === 0) return { width: 0, list };
    this.stream.write(`${message}\n`);
    let width = this.maxNameLength();
    if (list.length < this.rows.size) width = Math.max(0, ...list.map((id) => pyLength(funcStdString(this.rows.get(id)!.key))));
    return { width: width + 2, list };
  }

  // pstats' calc_callees(): the callers dicts turned inside out.
  private calleesById(): Map<string, Map<string, [PstatsKey, PstatsCaller]>> {
    if (!this.callees) {
      const all = new Map<string, Map<string, [PstatsKey, PstatsCaller]>>();
      for (const [id, row] of this.rows) {
        if (!all.has(id)) all.set(id, new Map());
        for (const [callerId, stats] of row.callers) {
          if (!all.has(callerId)) all.set(callerId, new Map());
          all.get(callerId)!.set(id, [row.key, stats]);
        }
      }
      this.callees = all;
    }
    return this.callees;
  }

  private printCallHeading(width: number, title: string): void {
    this.stream.write(`${ljust("Function ", width)}${title}\n`);
    // The sub-header appears only for cProfile-style (tuple) caller values: pstats looks at the first non-empty callers dict.
    for (const row of this.rows.values()) {
      if (row.callers.size === 0) continue;
      if (!row.callers.values().next().value!.countOnly) this.stream.write(`${" ".repeat(width)}    ncalls  tottime  cumtime\n`);
      break;
    }
  }

  /**
   * The entries of one callers or callees list as they are shown: by name (pstats), then by
   * sortCallLists()' keys and cut to its limit; `hidden` is how many the limit cut. --json uses it too.
   */
  orderCallList(calls: Array<[PstatsKey, PstatsCaller]>): { calls: Array<[PstatsKey, PstatsCaller]>; hidden: number } {
    calls = [...calls].sort((a, b) => compareKeys(a[0], b[0]));
    let hidden = 0;
    if (this.callListOrder) {
      const { fields, limit } = this.callListOrder;
      calls.sort((a, b) => compareRows(edgeRow(a), edgeRow(b), fields));
      if (limit !== undefined && limit >= 0 && limit < calls.length) {
        hidden = calls.length - limit;
        calls.length = limit;
      }
    }
    return { calls, hidden };
  }

  /** The callers (`<-`) or callees (`->`) list of row `id`, in the order and cut the printers show. */
  callList(id: string, direction: "callers" | "callees"): { calls: Array<[PstatsKey, PstatsCaller]>; hidden: number } {
    const calls: Array<[PstatsKey, PstatsCaller]> =
      direction === "callers" ? [...this.rows.get(id)!.callers.values()].map((c) => [c.caller, c]) : [...(this.calleesById().get(id)?.values() ?? [])];
    return this.orderCallList(calls);
  }

  private printCallLine(width: number, source: PstatsKey, calls: Array<[PstatsKey, PstatsCaller]>, arrow: string): void {
    let text = `${ljust(funcStdString(source), width)}${arrow} `;
    if (calls.length === 0) {
      this.stream.write(`${text}\n`);
      return;
    }
    let hidden: number;
    ({ calls, hidden } = this.orderCallList(calls));
    if (this.callListOrder) {
      if (calls.length === 0) {
        this.stream.write(`${text}(${hidden} more)\n`);
        return;
      }
    }
    let indent = "";
    for (const [key, stats] of calls) {
      const name = funcStdString(key);
      let substats: string;
      let leftWidth: number;
      if (!stats.countOnly) {
        const counts = stats.calls !== stats.primitiveCalls ? `${formatInt(stats.calls)}/${formatInt(stats.primitiveCalls)}` : formatInt(stats.calls);
        substats = `${rjust(counts, 7 + 2 * indent.length)} ${f8(stats.selfTime)} ${f8(stats.totalTime)}  ${name}`;
        leftWidth = width + 1;
      } else {
        substats = `${name}(${formatInt(stats.calls)}) ${f8(this.rows.get(pstatsKeyId(key))?.totalTime ?? 0)}`;
        leftWidth = width + 3;
      }
      text += `${indent.repeat(leftWidth)}${substats}\n`;
      indent = " ";
    }
    if (hidden > 0) text += `${" ".repeat(width + 1)}${rjust(`(${hidden} more)`, 9)}\n`;
    this.stream.write(text);
  }
}

/**
 * pstatsKeyId(key), kept per key object: a profile's entries share one key object per function
 * (rows and the callers that name it), so each id string is built and hashed once.
 */
const keyIds = new WeakMap<PstatsKey, string>();
function keyId(key: PstatsKey): string {
  let id = keyIds.get(key);
  if (id === undefined) {
    id = pstatsKeyId(key);
    keyIds.set(key, id);
  }
  return id;
}

/** The "ctime    path" line printed above the header for a file. */
function fileLine(path: string): string {
  return `${pyCtime(mtimeSeconds(path))}    ${path}`;
}

function copyEntry(entry: PstatsEntry): PstatsEntry {
  return { ...entry, callers: entry.callers.map((caller) => ({ ...caller })) };
}

/** A row of an entry this Stats owns (its caller objects become the row's). */
function rowOf(entry: PstatsEntry): StatsRow {
  const callers = new Map<string, PstatsCaller>();
  for (const caller of entry.callers) callers.set(keyId(caller.caller), caller);
  return { key: entry.function, primitiveCalls: entry.primitiveCalls, calls: entry.calls, selfTime: entry.selfTime, totalTime: entry.totalTime, callers };
}

function copyRow(row: StatsRow): StatsRow {
  return { ...row, callers: new Map([...row.callers].map(([id, caller]) => [id, { ...caller }])) };
}

// pstats' add_func_stats() and add_callers(), into `target` (a row of the Stats merged into):
// sums, target's callers first, then the new ones in source order.
function addRows(target: StatsRow, source: StatsRow): void {
  for (const [id, caller] of source.callers) {
    const existing = target.callers.get(id);
    if (!existing) target.callers.set(id, { ...caller });
    else {
      addCounts(existing, caller);
      if (!caller.countOnly && existing.countOnly) delete existing.countOnly;
    }
  }
  addCounts(target, source);
}

/** The four numbers a row, a caller entry and a profile's stats row or edge all have. */
interface Counts {
  calls: number;
  primitiveCalls: number;
  selfTime: number;
  totalTime: number;
}

/** Adds `source`'s numbers to `target`'s (pstats' sums: calls, primitive calls, tottime, cumtime). */
function addCounts(target: Counts, source: Counts): void {
  target.calls += source.calls;
  target.primitiveCalls += source.primitiveCalls;
  target.selfTime += source.selfTime;
  target.totalTime += source.totalTime;
}

// An edge seen as a row, so that the sort keys apply to callers/callees entries: the other function's key, the edge's numbers.
function edgeRow([key, stats]: [PstatsKey, PstatsCaller]): StatsRow {
  return { key, primitiveCalls: stats.primitiveCalls, calls: stats.calls, selfTime: stats.selfTime, totalTime: stats.totalTime, callers: new Map() };
}

function sortValue(row: StatsRow, column: SortField["column"]): number | string {
  switch (column) {
    case "primitiveCalls":
      return row.primitiveCalls;
    case "calls":
      return row.calls;
    case "selfTime":
      return row.selfTime;
    case "totalTime":
      return row.totalTime;
    case "file":
      return row.key.file;
    case "line":
      return row.key.line;
    case "name":
      return row.key.name;
    case "stdName":
      return funcStdString(row.key);
    case "selfTimePerCall":
      return row.calls === 0 ? 0 : row.selfTime / row.calls;
    case "totalTimePerCall":
      return row.primitiveCalls === 0 ? 0 : row.totalTime / row.primitiveCalls;
  }
}

// pstats' TupleComp.compare.
function compareRows(a: StatsRow, b: StatsRow, fields: readonly SortField[]): number {
  for (const { column, descending } of fields) {
    const left = sortValue(a, column);
    const right = sortValue(b, column);
    const order =
      typeof left === "string" ? comparePyStrings(left, right as string) : left < (right as number) ? -1 : left > (right as number) ? 1 : 0;
    if (order !== 0) return descending ? -order : order;
  }
  return 0;
}

/** ncalls column text: `nc`, or `nc/cc` when they differ. */
export function formatNcalls(calls: number, primitiveCalls: number): string {
  return calls === primitiveCalls ? formatInt(calls) : `${formatInt(calls)}/${formatInt(primitiveCalls)}`;
}

// pstats' print_line().
function formatStatsLine(row: StatsRow): string {
  const percallSelf = row.calls === 0 ? " ".repeat(8) : f8(row.selfTime / row.calls);
  const percallTotal = row.primitiveCalls === 0 ? " ".repeat(8) : f8(row.totalTime / row.primitiveCalls);
  return `${rjust(formatNcalls(row.calls, row.primitiveCalls), 9)} ${f8(row.selfTime)} ${percallSelf} ${f8(row.totalTime)} ${percallTotal} ${funcStdString(row.key)}\n`;
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Python's time.ctime(seconds) in local time: "Wed Nov  5 20:11:14 2026". */
export function pyCtime(seconds: number): string {
  const date = new Date(seconds * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${WEEKDAYS[date.getDay()]} ${MONTHS[date.getMonth()]}${String(date.getDate()).padStart(3)} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())} ${date.getFullYear()}`;
}

function mtimeSeconds(path: string): number {
  // Whole seconds, rounded down as time.ctime() does.
  return Number(statSync(path, { bigint: true }).mtimeNs / 1_000_000_000n);
}

/**
 * A source other than a path, as data: the snapshot of a recorder (taken now, when the Stats is
 * made or add() is called, as pstats reads a cProfile.Profile's stats then), the source itself if
 * it looks like a Profile or pstats rows, else one TypeError naming what is accepted (rather than
 * a failure deep inside, like reading `length` of a recorder's missing function table).
 */
function profileDataOf(source: unknown): Profile | { entries: readonly PstatsEntry[] } {
  if (source !== null && typeof source === "object") {
    const candidate = source as Partial<ProfileSnapshotSource & Profile & { entries: unknown }>;
    if (Array.isArray(candidate.entries)) return source as { entries: readonly PstatsEntry[] };
    if (Array.isArray(candidate.functions) && Array.isArray(candidate.stats)) return source as Profile;
    if (typeof candidate.snapshot === "function") {
      const snapshot: unknown = candidate.snapshot();
      const data = snapshot !== null && typeof snapshot === "object" ? (snapshot as Partial<Profile>) : undefined;
      if (data !== undefined && Array.isArray(data.functions) && Array.isArray(data.stats)) return snapshot as Profile;
      throw new TypeError(`Stats: snapshot() did not return a profile (an object with functions and stats)`);
    }
  }
  const what = source !== null && typeof source === "object" && !Array.isArray(source) ? "an object without functions/stats, entries or snapshot()" : describe(source);
  throw new TypeError(`Stats: cannot load ${what}: expected ${ACCEPTED_SOURCES}`);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (value === undefined) return "undefined";
  return `${typeof value} ${typeof value === "symbol" ? value.toString() : String(value)}`;
}
