// Golden tables: every program under fixtures/tables/<case>/ and fixtures/parity/<case>/ run by
// `tsprof run` with the tick clock (each clock reading advances 1 ms), stdout compared with <case>/table.txt.
import { test } from "node:test";
import { readdirSync, existsSync } from "node:fs";
import { join, relative } from "node:path";
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
