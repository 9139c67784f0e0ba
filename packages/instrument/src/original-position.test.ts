// createOriginalPositionMapper: identity without a map, original 1-based positions and file with one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createOriginalPositionMapper } from "./original-position";

test("without a map, columns become 1-based", () => {
  const mapper = createOriginalPositionMapper(undefined, "/p/a.js");
  assert.deepEqual(mapper.map(3, 0), { line: 3, column: 1 });
  assert.equal(mapper.originalFile, undefined);
});

test("with a map: original positions and the single source resolved next to the generated file", () => {
  // generated line 1 col 0 → source 0 line 5 col 2 ("AAIE"); generated line 2 col 4 → line 7 col 0 ("IAEF")
  const mapper = createOriginalPositionMapper({ version: 3, sources: ["../src/a.ts"], names: [], mappings: "AAIE;IAEF" }, "/p/dist/a.js");
  assert.deepEqual(mapper.map(1, 0), { line: 5, column: 3 });
  assert.deepEqual(mapper.map(2, 4), { line: 7, column: 1 });
  assert.deepEqual(mapper.map(2, 9), { line: 7, column: 1 }, "nearest segment to the left");
  assert.deepEqual(mapper.map(9, 0), { line: 9, column: 1 }, "unmapped lines pass through");
  assert.equal(mapper.originalFile, "/p/src/a.ts");
});

test("several sources or URL sources: no single original file", () => {
  assert.equal(createOriginalPositionMapper({ version: 3, sources: ["a.ts", "b.ts"], mappings: "" }, "/p/x.js").originalFile, undefined);
  assert.equal(createOriginalPositionMapper({ version: 3, sources: ["webpack://app/a.ts"], mappings: "" }, "/p/x.js").originalFile, undefined);
  assert.equal(createOriginalPositionMapper({ version: 3, sources: ["file:///q/a.ts"], mappings: "" }, "/p/x.js").originalFile, "/q/a.ts");
});
