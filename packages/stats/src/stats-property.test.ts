// Property: whatever a damaged pstats dump decodes to, every report prints without throwing.
import { test } from "node:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { decodePstats, ProfileError } from "@tsprof/format";
import { Stats } from "./stats";

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
