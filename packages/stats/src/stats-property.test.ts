// Properties: whatever a damaged pstats dump decodes to, every report prints without throwing; a
// profile merged straight into the rows gives what its pstats entries give.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { decodePstats, encodePstats, profileToJsonText, profileToPstats, ProfileError, type Profile } from "@tsprof/format";
import { Stats, type StatsSource } from "./stats";

const dump = [...readFileSync(join(__dirname, "..", "..", "..", "fixtures", "pstats", "callbacks", "py312.prof"))];

test("reports of mutated dumps print or the dump is refused", () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (flips) => {
      const bytes = [...dump];
      for (const [at, byte] of flips) bytes[at % bytes.length] = byte;
      let entries;
      try {
        entries = decodePstats(Uint8Array.from(bytes), "x.prof");
      } catch (error) {
        if (error instanceof ProfileError) return;
        throw error;
      }
      const sink = { write: () => {} };
      for (const key of ["stdname", "cumulative", "tottime-percall", "nfl"]) {
        new Stats({ entries }, sink).sortStats(key).printStats(0.5, "a").printCallers().printCallees().stripDirs().printStats().getStatsProfile();
      }
    }),
    { numRuns: 400, seed: 42 },
  );
});

// A profile merges straight into the rows (Stats.mergeProfile) unless two of its functions share a
// pstats key; the rows must be exactly those of the pstats entries route (profileToPstats, then the
// rows of the entries): same order, same floats, same bytes printed and dumped, in any add order.
const profileArbitrary = fc
  .record({
    // Few files, lines, names and columns, so keys collide: "f col N" rows and functions listed twice.
    functions: fc.array(
      fc.record({
        file: fc.constantFrom("a.ts", "src/b.ts"),
        line: fc.integer({ min: 1, max: 3 }),
        column: fc.constantFrom(1, 5),
        name: fc.constantFrom("f", "g", "(anonymous)"),
        kind: fc.constantFrom("function" as const, "async" as const),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    // Tenths and thousandths: their sums round, so a sum taken in another order shows.
    numbers: fc.array(fc.tuple(fc.nat(50), fc.nat(50), fc.integer({ min: 0, max: 2000 }).map((n) => n / 1000), fc.integer({ min: 0, max: 20 }).map((n) => n / 10)), { minLength: 40, maxLength: 40 }),
    edgeMask: fc.array(fc.boolean(), { minLength: 36, maxLength: 36 }),
    rowMask: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
  })
  .map(({ functions, numbers, edgeMask, rowMask }): Profile => {
    const count = functions.length;
    const value = (i: number) => {
      const [a, b, self, total] = numbers[i % numbers.length]!;
      return { calls: Math.max(a, b), primitiveCalls: Math.min(a, b), selfTime: self, totalTime: total };
    };
    return {
      format: "tsprof-profile",
      version: 1,
      timeUnit: "s",
      meta: { tool: "property", clock: "tick" },
      duration: 1,
      functions: functions.map((f) => ({ name: f.name, qualifiedName: f.name, file: f.file, line: f.line, column: f.column, kind: f.kind })),
      stats: functions.flatMap((_, i) => (rowMask[i] ? [{ function: i, ...value(i) }] : [])),
      edges: Array.from({ length: count * count }, (_, k) => k).flatMap((k) =>
        // An edge only into a function with a row: a file with an edge of calls into a function with
        // no row is refused by the reader (pstats has no way to say it: callers are a row's own).
        edgeMask[k % edgeMask.length] && rowMask[Math.floor(k / count)] ? [{ caller: k % count, callee: Math.floor(k / count), ...value(k + 7) }] : [],
      ),
    };
  });

test("profiles merge into rows exactly as their pstats entries do", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-merge-"));
  // By hand: f listed twice in the second profile is summed first, 0.1 + (0.2 + 0.3) = 0.6, as the
  // entries have it; summed into the row one by one it would be 0.6000000000000001.
  const twice = (columns: number[], times: number[]): Profile => ({
    format: "tsprof-profile",
    version: 1,
    timeUnit: "s",
    meta: { tool: "by hand", clock: "tick" },
    duration: 1,
    functions: columns.map((column) => ({ name: "f", qualifiedName: "f", file: "a.ts", line: 1, column, kind: "function" })),
    stats: times.map((time, i) => ({ function: i, calls: 1, primitiveCalls: 1, selfTime: time, totalTime: time })),
    edges: [],
  });
  const summed = new Stats([twice([1], [0.1]), twice([1, 1], [0.2, 0.3])], { write: () => {} });
  assert.equal(summed.entries()[0]!.selfTime, 0.6);
  assert.equal(summed.totalTime, 0.6);
  fc.assert(
    fc.property(fc.array(profileArbitrary, { minLength: 1, maxLength: 4 }), (profiles) => {
      const report = (stats: Stats, out: { text: string }) => {
        stats.sortStats("stdname").printStats().printCallers().printCallees();
        out.text += JSON.stringify(stats.entries()) + `${stats.totalCalls} ${stats.primitiveCalls} ${stats.totalTime}`;
        out.text += Buffer.from(encodePstats(stats.entries())).toString("hex");
        return out.text;
      };
      const run = (sources: StatsSource[]) => {
        const out = { text: "" };
        const sink = { write: (t: string) => void (out.text += t) };
        return report(new Stats(sources, sink), out);
      };
      const viaEntries = run(profiles.map((profile) => ({ entries: profileToPstats(profile) })));
      assert.equal(run(profiles), viaEntries, "Profile objects");
      const paths = profiles.map((profile, i) => {
        const path = join(dir, `p${i}.tsprof.json`);
        writeFileSync(path, profileToJsonText(profile));
        return path;
      });
      const fromFiles = run(paths).replace(/^(.*tsprof\.json\n)+\n/gm, ""); // the "ctime    path" lines and the blank line after them
      assert.equal(fromFiles, viaEntries, "profile files");
      // add() one at a time, later sources first, as pstats does.
      const out = { text: "" };
      const stats = new Stats(profiles[0]!, { write: (t: string) => void (out.text += t) });
      for (const profile of profiles.slice(1)) stats.add(profile);
      const oneByOne = { text: "" };
      const byEntries = new Stats({ entries: profileToPstats(profiles[0]!) }, { write: (t: string) => void (oneByOne.text += t) });
      for (const profile of profiles.slice(1)) byEntries.add({ entries: profileToPstats(profile) });
      assert.equal(report(stats, out), report(byEntries, oneByOne), "add() one at a time");
    }),
    { numRuns: 300, seed: 20261126 },
  );
});
