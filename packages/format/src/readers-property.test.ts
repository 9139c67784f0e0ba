// Property: damaged input (flipped, inserted, deleted bytes; truncation) makes either reader return a result or
// throw a one-line ProfileError, never another exception.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { decodePstats } from "./pstats-marshal";
import { ProfileError, readProfile } from "./read";

const repoRoot = join(__dirname, "..", "..", "..");
const dump = Uint8Array.from(readFileSync(join(repoRoot, "fixtures", "pstats", "unicode", "py311.prof")));
const json = Uint8Array.from(readFileSync(join(repoRoot, "fixtures", "stats", "rounding", "profile.tsprof.json")));

type Mutation = { kind: "flip" | "insert" | "delete" | "truncate"; at: number; byte: number };

const mutation = fc.record({
  kind: fc.constantFrom<Mutation["kind"]>("flip", "insert", "delete", "truncate"),
  at: fc.nat(),
  byte: fc.integer({ min: 0, max: 255 }),
});

function mutate(input: Uint8Array, mutations: Mutation[]): Uint8Array {
  let bytes = [...input];
  for (const { kind, at, byte } of mutations) {
    const index = bytes.length === 0 ? 0 : at % bytes.length;
    if (kind === "flip") bytes[index] = byte;
    else if (kind === "insert") bytes.splice(index, 0, byte);
    else if (kind === "delete") bytes.splice(index, 1);
    else bytes = bytes.slice(0, index);
  }
  return Uint8Array.from(bytes);
}

function cleanly(read: () => unknown): void {
  try {
    read();
  } catch (error) {
    assert.ok(error instanceof ProfileError, `not a ProfileError: ${String(error)}`);
    assert.ok(!error.message.includes("\n"), `more than one line: ${error.message}`);
  }
}

test("mutated pstats dumps: entries or a ProfileError", () => {
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => cleanly(() => decodePstats(mutate(dump, mutations), "x.prof"))),
    { numRuns: 3000, seed: 20261125 },
  );
});

test("mutated .tsprof.json files: a profile or a ProfileError", () => {
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => cleanly(() => readProfile(mutate(json, mutations), "x.json"))),
    { numRuns: 3000, seed: 20261125 },
  );
});

test("random bytes: a ProfileError from both readers", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      cleanly(() => decodePstats(bytes, "x.prof"));
      cleanly(() => readProfile(bytes, "x.json"));
    }),
    { numRuns: 2000, seed: 7 },
  );
});
