// createOriginalPositionMapper: identity without a map, original 1-based positions and file with one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createOriginalPositionMapper } from "./original-position";

test("without a map, columns become 1-based", () => {
  const mapper = createOriginalPositionMapper(undefined, "/p/a.js");
  assert.deepEqual(mapper.map(3, 0), { line: 3, column: 1, file: undefined });
  assert.equal(mapper.originalFile, undefined);
});

test("with a map: original positions and the single source resolved next to the generated file", () => {
  // generated line 1 col 0 → source 0 line 5 col 2 ("AAIE"); generated line 2 col 4 → line 7 col 0 ("IAEF")
  const mapper = createOriginalPositionMapper({ version: 3, sources: ["../src/a.ts"], names: [], mappings: "AAIE;IAEF" }, "/p/dist/a.js");
  assert.deepEqual(mapper.map(1, 0), { line: 5, column: 3, file: "/p/src/a.ts" });
  assert.deepEqual(mapper.map(2, 4), { line: 7, column: 1, file: "/p/src/a.ts" });
  assert.deepEqual(mapper.map(2, 9), { line: 7, column: 1, file: "/p/src/a.ts" }, "nearest segment to the left");
  assert.deepEqual(mapper.map(9, 0), { line: 9, column: 1, file: undefined }, "unmapped lines pass through, in the generated file");
  assert.equal(mapper.originalFile, "/p/src/a.ts");
});

test("a map with several sources: each position comes with the file the map names for it", () => {
  // As tsc --outFile makes it: generated line 1 col 0 → a.ts 1:0 ("AAAA"), line 2 col 4 → a.ts 2:2 ("IACE"),
  // line 4 col 0 → b.ts 1:0 ("ACDF": source +1, line -1, column -2), line 5 col 4 → b.ts 2:2 ("IACE").
  const mapper = createOriginalPositionMapper(
    { version: 3, sources: ["../src/a.ts", "../src/b.ts"], sourceRoot: "", names: [], mappings: "AAAA;IACE;;ACDF;IACE" },
    "/p/dist/all.js",
  );
  assert.deepEqual(mapper.map(2, 4), { line: 2, column: 3, file: "/p/src/a.ts" });
  assert.deepEqual(mapper.map(4, 0), { line: 1, column: 1, file: "/p/src/b.ts" }, "not the generated file with b.ts's line");
  assert.deepEqual(mapper.map(5, 4), { line: 2, column: 3, file: "/p/src/b.ts" });
  assert.deepEqual(mapper.map(3, 0), { line: 3, column: 1, file: undefined }, "no mapping: the generated file's own position");
  assert.equal(mapper.originalFile, undefined);
});

test("a source that is not a file on disk: the generated file's own position, never its line with the generated file", () => {
  const mapper = createOriginalPositionMapper({ version: 3, sources: ["webpack://app/a.ts", "b.ts"], names: [], mappings: "AAIE;ACAF" }, "/p/x.js");
  assert.deepEqual(mapper.map(1, 0), { line: 1, column: 1, file: undefined });
  assert.deepEqual(mapper.map(2, 0), { line: 5, column: 1, file: "/p/b.ts" });
});

test("sourceAt: the source for the rules, a URL as the map writes it (its ../ kept), a file's absolute path", () => {
  const mapper = createOriginalPositionMapper({ version: 3, sources: ["webpack://app/../../node_modules/a.js", "b.ts"], names: [], mappings: "AAIE;ACAF" }, "/p/x.js");
  assert.equal(mapper.sourceAt(1, 0), "webpack://app/../../node_modules/a.js");
  assert.equal(mapper.sourceAt(2, 0), "/p/b.ts");
  assert.equal(mapper.sourceAt(3, 0), undefined);
});

test("sourceRoot is joined to each source", () => {
  const mapper = createOriginalPositionMapper({ version: 3, sources: ["a.ts", "b.ts"], sourceRoot: "../src", names: [], mappings: "AAAA;ACAA" }, "/p/dist/x.js");
  assert.deepEqual(mapper.map(1, 0).file, "/p/src/a.ts");
  assert.deepEqual(mapper.map(2, 0).file, "/p/src/b.ts");
});

test("several sources or URL sources: no single original file", () => {
  assert.equal(createOriginalPositionMapper({ version: 3, sources: ["a.ts", "b.ts"], mappings: "" }, "/p/x.js").originalFile, undefined);
  assert.equal(createOriginalPositionMapper({ version: 3, sources: ["webpack://app/a.ts"], mappings: "" }, "/p/x.js").originalFile, undefined);
  assert.equal(createOriginalPositionMapper({ version: 3, sources: ["file:///q/a.ts"], mappings: "" }, "/p/x.js").originalFile, "/q/a.ts");
  assert.equal(createOriginalPositionMapper({ version: 3, sources: [null, "a.ts"], mappings: "" }, "/p/x.js").originalFile, "/p/a.ts");
});

test("an indexed map (sections) is read like the plain map it stands for", () => {
  // Section 2 starts at generated line 3: its "AAIE" is generated 3:0 → b.ts 5:2.
  const mapper = createOriginalPositionMapper(
    {
      version: 3,
      sections: [
        { offset: { line: 0, column: 0 }, map: { version: 3, sources: ["../src/a.ts"], names: ["fib"], mappings: "AAAAA" } },
        { offset: { line: 2, column: 0 }, map: { version: 3, sources: ["../src/a.ts"], names: [], mappings: "AAIE" } },
      ],
    },
    "/p/dist/a.js",
  );
  assert.deepEqual(mapper.map(1, 0), { line: 1, column: 1, file: "/p/src/a.ts" });
  assert.deepEqual(mapper.map(3, 0), { line: 5, column: 3, file: "/p/src/a.ts" });
  assert.equal(mapper.originalFile, "/p/src/a.ts");
  assert.equal(mapper.nameAt(1, 0), "fib");
});

test("a map that cannot be read is left aside with its reason: positions pass through", () => {
  const reasons: string[] = [];
  const mapper = createOriginalPositionMapper({ version: 3, sources: null, mappings: "AAAA" } as never, "/p/a.js", (reason) => reasons.push(reason));
  assert.deepEqual(mapper.map(1, 0), { line: 1, column: 1, file: undefined });
  assert.equal(reasons.length, 1);
});

test("nameAt: the map's name of the segment that starts exactly at the position", () => {
  // generated 1:9 → a.ts 1:9 named names[0] ("fib"); generated 1:12 → a.ts 1:13, no name.
  const mapper = createOriginalPositionMapper({ version: 3, sources: ["a.ts"], names: ["fib"], mappings: "SAASA,GAAI" }, "/p/a.js");
  assert.equal(mapper.nameAt(1, 9), "fib");
  assert.equal(mapper.nameAt(1, 12), undefined, "a segment without a name");
  assert.equal(mapper.nameAt(1, 10), undefined, "no segment starts there: never the name of the one before");
  assert.equal(mapper.nameAt(2, 0), undefined);
});
