// The Stats model: loading, add order, sorting (stable), strip, restrictions, dump and the tsprof-only keys.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodePstats, profileToJsonText, profileToPstats, type Profile } from "@tsprof/format";
import { Stats, pyCtime } from "./stats";
import { printTable } from "./print-table";

function capture(): { stream: { write(text: string): void }; text: () => string } {
  let out = "";
  return { stream: { write: (text) => void (out += text) }, text: () => out };
}

// main (src/app/main.ts:1) calls work (src/app/work.ts:3) twice and lib/work.ts:3(work) once; work recurses.
// Times are multiples of 1/8 s (a 125 ms tick), so every sum is exact.
const PROFILE: Profile = {
  format: "tsprof-profile",
  version: 1,
  timeUnit: "s",
  meta: { tool: "test", clock: "tick" },
  duration: 2,
  functions: [
    { name: "main", qualifiedName: "main", file: "src/app/main.ts", line: 1, column: 1, kind: "function" },
    { name: "work", qualifiedName: "work", file: "src/app/work.ts", line: 3, column: 1, kind: "function" },
    { name: "work", qualifiedName: "work", file: "src/lib/work.ts", line: 3, column: 1, kind: "function" },
  ],
  stats: [
    { function: 0, calls: 1, primitiveCalls: 1, selfTime: 0.125, totalTime: 2 }, // main: 1 call, 1 tick self, 16 ticks total
    { function: 1, calls: 4, primitiveCalls: 2, selfTime: 1.5, totalTime: 1.5 }, // work: 2 calls from main + 2 recursive
    { function: 2, calls: 1, primitiveCalls: 1, selfTime: 0.375, totalTime: 0.375 }, // lib work: 3 ticks
  ],
  edges: [
    { caller: 0, callee: 1, calls: 2, primitiveCalls: 2, selfTime: 1, totalTime: 1.5 },
    { caller: 1, callee: 1, calls: 2, primitiveCalls: 0, selfTime: 0.5, totalTime: 0.5 },
    { caller: 0, callee: 2, calls: 1, primitiveCalls: 1, selfTime: 0.375, totalTime: 0.375 },
  ],
};

const TITLE = "   ncalls  tottime  percall  cumtime  percall filename:lineno(function)\n";
const MAIN = "        1    0.125    0.125    2.000    2.000 src/app/main.ts:1(main)\n";
const WORK = "      4/2    1.500    0.375    1.500    0.750 src/app/work.ts:3(work)\n";
const LIB = "        1    0.375    0.375    0.375    0.375 src/lib/work.ts:3(work)\n";
const HEADER = "         6 function calls (4 primitive calls) in 2.000 seconds\n\n";

test("unsorted: insertion (canonical) order, announced as pstats does", () => {
  const out = capture();
  new Stats(PROFILE, out.stream).printStats();
  assert.equal(out.text(), `${HEADER}   Random listing order was used\n\n${TITLE}${MAIN}${WORK}${LIB}\n\n`);
});

test("sorting is stable on insertion order; reverse flips the sorted list", () => {
  const out = capture();
  new Stats(PROFILE, out.stream).sortStats("pcalls").printStats().reverseOrder().printStats(1);
  const sorted = `${HEADER}   Ordered by: primitive call count\n\n${TITLE}${WORK}${MAIN}${LIB}\n\n`;
  const reversed = `${HEADER}   Ordered by: primitive call count\n   List reduced from 3 to 1 due to restriction <1>\n\n${TITLE}${LIB}\n\n`;
  assert.equal(out.text(), sorted + reversed);
});

test("tsprof's per-call keys sort by the percall columns", () => {
  const order = (key: string) => Object.keys(new Stats(PROFILE, capture().stream).sortStats(key).getStatsProfile().functions);
  // tottime/ncalls: lib 0.375, work 0.375 (tie, insertion order), main 0.125
  assert.deepEqual(order("tottime-percall"), ["src/app/work.ts:3(work)", "src/lib/work.ts:3(work)", "src/app/main.ts:1(main)"]);
  // cumtime/primitive: main 2, work 0.75, lib 0.375
  assert.deepEqual(order("cumtime-percall"), ["src/app/main.ts:1(main)", "src/app/work.ts:3(work)", "src/lib/work.ts:3(work)"]);
});

test("restrictions: integers count, fractions of [0, 1) share, a Python float 1.0 limits nothing, strings are regexes", () => {
  const listed = (...restrictions: Parameters<Stats["printStats"]>) => {
    const out = capture();
    new Stats(PROFILE, out.stream).sortStats("stdname").printStats(...restrictions);
    return out.text().split("\n").filter((line) => line.includes("List reduced") || line.includes("<Invalid"));
  };
  assert.deepEqual(listed(2), ["   List reduced from 3 to 2 due to restriction <2>"]);
  assert.deepEqual(listed(0.5), ["   List reduced from 3 to 2 due to restriction <0.5>"]); // int(3 * 0.5 + .5) = 2
  assert.deepEqual(listed({ float: 0.1 }), []); // int(3 * 0.1 + .5) = 0 rows: pstats prints no list and no message
  assert.deepEqual(listed({ float: 1 }), []);
  assert.deepEqual(listed(1.5), []);
  assert.deepEqual(listed(-1), []);
  assert.deepEqual(listed("lib/"), ["   List reduced from 3 to 1 due to restriction <'lib/'>"]);
  assert.deepEqual(listed("(?P<n>work)\\)"), ["   List reduced from 3 to 2 due to restriction <'(?P<n>work)\\\\)'>"]);
  assert.deepEqual(listed("work("), ["   <Invalid regular expression 'work('>"]);
});

test("null and undefined restrict nothing, as pstats' print_stats(None): the whole table, for every print", () => {
  const print = (action: (stats: Stats) => void): string => {
    const out = capture();
    action(new Stats(PROFILE, out.stream).sortStats("stdname"));
    return out.text();
  };
  const whole = print((stats) => stats.printStats());
  assert.equal(print((stats) => stats.printStats(undefined)), whole);
  assert.equal(print((stats) => stats.printStats(null)), whole);
  assert.equal(print((stats) => stats.printStats(null, 2)), print((stats) => stats.printStats(2)));
  assert.equal(print((stats) => stats.printCallers(null)), print((stats) => stats.printCallers()));
  assert.equal(print((stats) => stats.printCallees(undefined)), print((stats) => stats.printCallees()));
});

test("stripDirs merges rows that now share a key and forgets the sort", () => {
  const out = capture();
  new Stats(PROFILE, out.stream).sortStats("calls").stripDirs().printStats();
  assert.equal(
    out.text(),
    "         6 function calls (4 primitive calls) in 2.000 seconds\n\n   Random listing order was used\n\n" +
      TITLE +
      "        1    0.125    0.125    2.000    2.000 main.ts:1(main)\n" +
      "      5/3    1.875    0.375    1.875    0.625 work.ts:3(work)\n\n\n",
  );
});

// Expected text checked against python3's pstats on the same numbers.
test("callers and callees: width of the listed names, sub-header, nc/cc, continuation indent", () => {
  const out = capture();
  new Stats(PROFILE, out.stream).sortStats("stdname").printCallers("work").printCallees(1);
  assert.equal(
    out.text(),
    "   Ordered by: standard name\n   List reduced from 3 to 2 due to restriction <'work'>\n\n" +
      "Function                 was called by...\n" +
      "                             ncalls  tottime  cumtime\n" +
      "src/app/work.ts:3(work)  <-       2    1.000    1.500  src/app/main.ts:1(main)\n" +
      "                                2/0    0.500    0.500  src/app/work.ts:3(work)\n" +
      "src/lib/work.ts:3(work)  <-       1    0.375    0.375  src/app/main.ts:1(main)\n\n\n" +
      "   Ordered by: standard name\n   List reduced from 3 to 1 due to restriction <1>\n\n" +
      "Function                 called...\n" +
      "                             ncalls  tottime  cumtime\n" +
      "src/app/main.ts:1(main)  ->       2    1.000    1.500  src/app/work.ts:3(work)\n" +
      "                                  1    0.375    0.375  src/lib/work.ts:3(work)\n\n\n",
  );
});

test("files: a ctime line per file; add() takes its arguments last to first, as pstats does", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-stats-"));
  const paths = ["a", "b", "c"].map((name) => join(dir, `${name}.tsprof.json`));
  paths.forEach((path, i) => {
    writeFileSync(path, JSON.stringify(PROFILE));
    utimesSync(path, 1_700_000_000 + i, 1_700_000_000 + i);
  });
  const stats = new Stats(paths, capture().stream);
  assert.deepEqual(stats.files, [0, 2, 1].map((i) => `${pyCtime(1_700_000_000 + i)}    ${paths[i]}`));
  assert.equal(stats.totalCalls, 18);
  assert.equal(stats.getStatsProfile().functions["src/app/work.ts:3(work)"]!.ncalls, "12/6");
});

test("pyCtime is time.ctime: space-padded day", () => {
  const seconds = new Date(2026, 0, 5, 7, 8, 9).getTime() / 1000;
  assert.equal(pyCtime(seconds), "Mon Jan  5 07:08:09 2026");
});

test("dumpStats writes a pstats file that reads back to the same rows", () => {
  const path = join(mkdtempSync(join(tmpdir(), "tsprof-dump-")), "out.prof");
  const stats = new Stats(PROFILE, capture().stream);
  stats.dumpStats(path);
  assert.deepEqual(decodePstats(readFileSync(path), path), stats.entries());
});

test("dumpStats chooses the format by extension, as Profile.dumpStats and tsprof stats --dump do", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-dump-"));
  const stats = new Stats(PROFILE, capture().stream);
  const rows = stats.entries();
  for (const name of ["m.tsprof.json", "M.JSON", "m.cpuprofile"]) {
    const path = join(dir, name);
    stats.dumpStats(path);
    const text = readFileSync(path, "utf8");
    assert.equal(text[0], "{", name);
    const parsed = JSON.parse(text);
    if (name === "m.cpuprofile") assert.ok(Array.isArray(parsed.nodes) && Array.isArray(parsed.samples), name);
    else assert.equal(parsed.format, "tsprof-profile", name);
    if (name !== "m.cpuprofile") assert.deepEqual(new Stats(path, capture().stream).entries().map((entry) => entry.function), rows.map((entry) => entry.function), name);
  }
  // Python writes marshal data whatever the name.
  for (const name of ["m.pstats", "m.out", "m"]) {
    const path = join(dir, name);
    stats.dumpStats(path);
    assert.deepEqual(decodePstats(readFileSync(path), path), rows, name);
  }
});

test("dumpStats of rows with calls and no times (a count-mode profile) refuses a .cpuprofile before writing; other formats hold the counts", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-dump-"));
  const counts: Profile = { ...PROFILE, meta: { tool: "test", clock: "none" }, duration: 0, stats: PROFILE.stats.map((row) => ({ ...row, selfTime: 0, totalTime: 0 })), edges: [] };
  const path = join(dir, "m.cpuprofile");
  assert.throws(() => new Stats(counts, capture().stream).dumpStats(path), {
    message: `${path}: the profile has calls and no times (as TSPROF_MODE=count records them), and a .cpuprofile holds nothing else: write .tsprof.json, .prof or .pstats for the counts`,
  });
  assert.deepEqual(readdirSync(dir), []);
  new Stats(counts, capture().stream).dumpStats(join(dir, "m.prof"));
  // Read back from the pstats file, where nothing says the clock: the times say it.
  assert.throws(() => new Stats(join(dir, "m.prof"), capture().stream).dumpStats(path), /no times/);
  assert.deepEqual(readdirSync(dir), ["m.prof"]);
});

test("dumpStats of a timed recording whose times all rounded to 0 writes its .cpuprofile: only a clock that ran nothing (none) or none named (a pstats file) makes a count-only profile", () => {
  // A fast clock (50 µs period) gives every call of a short program 0; so may a custom clock of whole seconds.
  const dir = mkdtempSync(join(tmpdir(), "tsprof-dump-"));
  const zeros = { ...PROFILE, duration: 0, stats: PROFILE.stats.map((row) => ({ ...row, selfTime: 0, totalTime: 0 })), edges: [] };
  for (const clock of ["fast, compensated", "custom", "tick", "hrtime+none"]) {
    const path = join(dir, `${clock.replace(/\W+/g, "-")}.cpuprofile`);
    new Stats({ ...zeros, meta: { tool: "test", clock } }, capture().stream).dumpStats(path);
    assert.ok(Array.isArray(JSON.parse(readFileSync(path, "utf8")).nodes), clock);
  }
  for (const clock of ["none", "python", "unknown", "none+python"]) {
    assert.throws(() => new Stats({ ...zeros, meta: { tool: "test", clock } }, capture().stream).dumpStats(join(dir, "x.cpuprofile")), /no times/, clock);
  }
});

test("dumpStats onto a directory is one EISDIR line naming the path, as the runtime's Profile.dumpStats says it", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-dump-"));
  const stats = new Stats(PROFILE, capture().stream);
  for (const path of [dir, `${dir}/`]) {
    assert.throws(() => stats.dumpStats(path), { code: "EISDIR", message: `EISDIR: illegal operation on a directory, open '${path}'` });
  }
});

test("dumpStats without a path string is one TypeError naming the method, as Python's dump_stats() without its file (not Node's from inside the write)", () => {
  const stats = new Stats(PROFILE, capture().stream);
  const call = stats.dumpStats as (path?: unknown) => Stats;
  for (const [args, shown] of [[[], "undefined"], [[42], "number 42"], [[null], "null"], [[{ path: "x.prof" }], "an object"]] as const) {
    assert.throws(() => call.apply(stats, [...args]), { name: "TypeError", message: `Stats.dumpStats needs the path of the file to write (a string), not ${shown}` });
  }
});

test("dumpStats to a pstats name replaces a regular file atomically (a new file renamed over it, its mode kept) and writes a symlink's target", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-dump-"));
  const stats = new Stats(PROFILE, capture().stream);
  const path = join(dir, "old.prof");
  writeFileSync(path, "an older profile\n");
  chmodSync(path, 0o640);
  const before = statSync(path).ino;
  stats.dumpStats(path);
  // writeFileSync truncated the file and wrote it where it was: a failure midway left half a
  // pstats file, and a reader could see one. A new inode is the temp file, renamed.
  assert.notEqual(statSync(path).ino, before, "replaced by a rename, not rewritten in place");
  assert.equal(statSync(path).mode & 0o7777, 0o640);
  assert.deepEqual(decodePstats(readFileSync(path), path), stats.entries());
  symlinkSync("old.prof", join(dir, "link.prof"));
  stats.dumpStats(join(dir, "link.prof"));
  assert.equal(readlinkSync(join(dir, "link.prof")), "old.prof");
  assert.deepEqual(readdirSync(dir).sort(), ["link.prof", "old.prof"]);
});

test("getStatsProfile rounds as printed and keys by location", () => {
  const profile = new Stats(PROFILE, capture().stream).getStatsProfile();
  assert.equal(profile.totalTime, 2);
  assert.deepEqual(profile.functions["src/lib/work.ts:3(work)"], {
    ncalls: "1",
    tottime: 0.375,
    percallTottime: 0.375,
    cumtime: 0.375,
    percallCumtime: 0.375,
    fileName: "src/lib/work.ts",
    lineNumber: 3,
    functionName: "work",
  });
});

test("printTable: as python -m cProfile prints, cumulative by default, no file line", () => {
  const out = capture();
  printTable(PROFILE, out.stream);
  assert.equal(out.text(), `${HEADER}   Ordered by: cumulative time\n\n${TITLE}${MAIN}${WORK}${LIB}\n\n`);
  const stripped = capture();
  printTable(PROFILE, stripped.stream, { sort: ["name", "file"], stripDirs: true });
  assert.match(stripped.text(), /Ordered by: function name, file name\n/);
  assert.throws(() => printTable(PROFILE, capture().stream, { sort: "speed" }), /unknown sort key 'speed'/);
});

test("an empty profile prints only the header", () => {
  const out = capture();
  new Stats({ ...PROFILE, functions: [], stats: [], edges: [] }, out.stream).sortStats("time").printStats().printCallers();
  assert.equal(out.text(), "         0 function calls in 0.000 seconds\n\n");
});

test("sortCallLists orders and caps the entries inside callers/callees lists", () => {
  const out = capture();
  new Stats(PROFILE, out.stream).sortStats("stdname").sortCallLists(["tottime"], 1).printCallees(1).sortCallLists([], 0).printCallers(1);
  assert.equal(
    out.text(),
    "   Ordered by: standard name\n   List reduced from 3 to 1 due to restriction <1>\n\n" +
      "Function                 called...\n" +
      "                             ncalls  tottime  cumtime\n" +
      // by tottime: work (1.000 from main) before lib (0.375); one shown
      "src/app/main.ts:1(main)  ->       2    1.000    1.500  src/app/work.ts:3(work)\n" +
      "                           (1 more)\n\n\n" + // right-aligned with the ncalls column
      "   Ordered by: standard name\n   List reduced from 3 to 1 due to restriction <1>\n\n" +
      "Function                 was called by...\n" +
      "                             ncalls  tottime  cumtime\n" +
      "src/app/main.ts:1(main)  <- \n\n\n",
  );
});

test("merging never changes what it merges from: Stats added, entries given, rows handed out", () => {
  const snapshot = (stats: Stats) => JSON.stringify(stats.entries());
  const other = new Stats(PROFILE, capture().stream);
  const before = snapshot(other);
  const entries = new Stats(PROFILE, capture().stream).entries();
  const entriesBefore = JSON.stringify(entries);
  const stats = new Stats(PROFILE, capture().stream);
  const handedOut = stats.entries();
  const handedOutBefore = JSON.stringify(handedOut);
  stats.add(other, { entries }, PROFILE).add(other);
  new Stats({ entries }, capture().stream).add(PROFILE, other);
  assert.equal(snapshot(other), before, "a Stats passed to add() keeps its rows");
  assert.equal(JSON.stringify(entries), entriesBefore, "entries passed in are copied");
  assert.equal(JSON.stringify(handedOut), handedOutBefore, "entries handed out earlier do not follow later merges");
  const work = stats.getStatsProfile().functions["src/app/work.ts:3(work)"]!;
  assert.equal(work.ncalls, "20/10");
  assert.equal(work.tottime, 7.5);
  const main = stats.entries().find((entry) => entry.function.name === "main")!;
  assert.deepEqual(
    main.callers,
    [],
    "main has no callers",
  );
  const appWork = stats.entries().find((entry) => entry.function.file === "src/app/work.ts")!;
  assert.deepEqual(
    appWork.callers.map((caller) => [caller.caller.name, caller.calls, caller.primitiveCalls, caller.selfTime, caller.totalTime]),
    [
      ["main", 10, 10, 5, 7.5],
      ["work", 10, 0, 2.5, 2.5],
    ],
  );
  // The Stats added (and the entries) still merge into a fresh Stats as they did before.
  const again = new Stats(PROFILE, capture().stream).add(other);
  assert.equal(again.getStatsProfile().functions["src/app/work.ts:3(work)"]!.ncalls, "8/4");
});

test("files of one program (one function table) merge exactly as their entries do, the table read once", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-one-program-"));
  const slower: Profile = { ...PROFILE, stats: PROFILE.stats.map((row) => ({ ...row, selfTime: row.selfTime * 3 })) };
  const otherProgram: Profile = { ...PROFILE, functions: PROFILE.functions.map((info) => ({ ...info, line: info.line + 1 })) };
  const sources = [PROFILE, slower, PROFILE, otherProgram, slower];
  const paths = sources.map((profile, i) => {
    const path = join(dir, `p${i}.tsprof.json`);
    writeFileSync(path, profileToJsonText(profile));
    utimesSync(path, 1_700_000_000, 1_700_000_000);
    return path;
  });
  const report = (stats: Stats, out: ReturnType<typeof capture>) => {
    stats.sortStats("stdname").printStats().printCallers().printCallees();
    return out.text().replace(/^(.*tsprof\.json\n)+\n/gm, "") + JSON.stringify(stats.entries()) + stats.totalTime;
  };
  const fromFiles = capture();
  const viaEntries = capture();
  assert.equal(
    report(new Stats(paths, fromFiles.stream), fromFiles),
    report(new Stats(sources.map((profile) => ({ entries: profileToPstats(profile) })), viaEntries.stream), viaEntries),
  );
});

test("a recorder with snapshot() (the runtime's Profile) is a source: new Stats(p) and add(p) take its snapshot then", () => {
  // The shape of @tsprof/runtime's Profile (stats may not import the runtime): pstats.Stats(cProfile.Profile()).
  class Recorder {
    snapshots = 0;
    snapshot(): Profile {
      this.snapshots++;
      return PROFILE;
    }
  }
  const recorder = new Recorder();
  const direct = new Stats(recorder, capture().stream);
  assert.equal(recorder.snapshots, 1);
  assert.deepEqual(direct.entries(), new Stats(PROFILE, capture().stream).entries());
  const added = new Stats(PROFILE, capture().stream).add(recorder);
  assert.equal(recorder.snapshots, 2);
  assert.equal(added.totalCalls, 2 * direct.totalCalls);
  assert.deepEqual(added.entries().map((entry) => entry.calls), direct.entries().map((entry) => 2 * entry.calls));
});

test("a source that is none of the accepted kinds is one TypeError naming them", () => {
  for (const bad of [5, null, {}, true]) {
    assert.throws(() => new Stats(bad as never, capture().stream), (error: unknown) => {
      assert.ok(error instanceof TypeError);
      assert.match(error.message, /^Stats: cannot load .*: expected a profile file path, a Profile or an object with snapshot\(\)/);
      return true;
    });
  }
  assert.throws(() => new Stats(PROFILE, capture().stream).add(7 as never), /expected a profile file path/);
  assert.throws(() => new Stats({ snapshot: () => 5 } as never, capture().stream), /^TypeError: Stats: snapshot\(\) did not return a profile/);
});
