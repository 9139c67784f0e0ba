// Golden tables: every program under fixtures/tables/<case>/ and fixtures/parity/<case>/ run by
// `tsprof run` with the tick clock (each clock reading advances 1 ms), stdout compared with <case>/table.txt.
import { test } from "node:test";
import { readdirSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { Profile } from "@tsprof/format";
import { tsprof, repoRoot } from "./helpers/cli";
import { assertGolden } from "./helpers/golden";
import assert from "node:assert/strict";

const ENTRY_NAMES = ["main.js", "main.mjs", "main.ts", "program.js", "program.mjs", "program.ts"];

for (const family of ["tables", "parity"]) {
  const dir = join(repoRoot, "fixtures", family);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir).sort()) {
    const entry = ENTRY_NAMES.map((file) => join(dir, name, file)).find((file) => existsSync(file));
    if (!entry) continue;
    test(`table of ${family}/${name}`, () => {
      const result = tsprof(["run", relative(repoRoot, entry)]);
      assert.equal(result.stderr, "");
      assert.equal(result.status, 0);
      assertGolden(result.stdout, join(dir, name, "table.txt"));
    });
  }
}

// The table has no callers: pin who each initialiser's call is charged to (README, Known differences).
// test/tsc-parity.test.ts holds the tsc transformer (ES2022 and ES2015, where tsc moves fields into the
// constructor) to these same edges.
test("tables/initializers-before-entry: a parameter default and a base class's fields run under the caller (of new, or the derived constructor), a derived class's fields under its constructor", () => {
  const out = join(mkdtempSync(join(tmpdir(), "tsprof-test-")), "p.tsprof.json");
  const result = tsprof(["run", "-o", out, join("fixtures", "tables", "initializers-before-entry", "main.js")]);
  assert.equal(result.status, 0, result.stderr);
  const profile = JSON.parse(readFileSync(out, "utf8")) as Profile;
  const name = (index: number) => profile.functions[index].qualifiedName;
  const edges = Object.fromEntries(profile.edges.map((edge) => [`${name(edge.caller)} -> ${name(edge.callee)}`, edge.calls]));
  assert.deepEqual(edges, {
    "mk -> defaultInit": 1,
    "mk -> withDefault": 1,
    "mk -> baseInit": 1,
    "mk -> Base.constructor": 1,
    "mk -> Derived.constructor": 1,
    "Derived.constructor -> baseInit": 1,
    "Derived.constructor -> Base.constructor": 1,
    "Derived.constructor -> derivedInit": 1,
    "mk -> Assigned.constructor": 1,
    "Assigned.constructor -> bodyInit": 1,
  });
});
