// Site tuples: kind codes and the "" qualified name when it equals the name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildSiteTuple, siteKindCode } from "./site-table";

test("kind codes follow protocol.ts", () => {
  assert.deepEqual([siteKindCode(false, false), siteKindCode(false, true), siteKindCode(true, false), siteKindCode(true, true)], [0, 1, 2, 3]);
});

test("qualifiedName is stored as \"\" when it equals name", () => {
  assert.deepEqual(buildSiteTuple({ name: "f", qualifiedName: "f", line: 3, column: 1, async: false, generator: false }), ["f", "", 3, 1, 0]);
  assert.deepEqual(buildSiteTuple({ name: "make", qualifiedName: "static Foo.make", line: 9, column: 3, async: true, generator: false }), ["make", "static Foo.make", 9, 3, 2]);
});
