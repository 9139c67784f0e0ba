// The chunked .tsprof.json writer: same data as JSON.stringify, any tree depth, patched builtins.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { profileToJsonText, writeProfileJson } from "./profile-json";
import { fileIdentity, writeProfileFile } from "./file";
import { readProfileFile } from "./read";
import type { CallTreeNode, Profile } from "./types";

function profileWithTree(callTree: CallTreeNode[] | undefined): Profile {
  return {
    format: "tsprof-profile",
    version: 1,
    timeUnit: "s",
    meta: { tool: "test", clock: "tick", argv: ["node", "a \"quoted\" é"] },
    duration: 1.5,
    functions: [
      { name: "f", qualifiedName: "f", file: "src/ä.ts", line: 1, column: 1, kind: "function" },
      { name: "g", qualifiedName: "A.g", file: "src/ä.ts", line: 5, column: 3, kind: "async" },
    ],
    stats: [
      { function: 0, calls: 3, primitiveCalls: 1, selfTime: 0.25, totalTime: 1 },
      { function: 1, calls: 1, primitiveCalls: 1, selfTime: 0.125, totalTime: 0.125, asyncWallTime: 2 },
    ],
    edges: [{ caller: 0, callee: 1, calls: 1, primitiveCalls: 1, selfTime: 0.125, totalTime: 0.125 }],
    callTree,
  };
}

/** A chain of `depth` nested nodes, built without recursion. */
function chain(depth: number): CallTreeNode[] {
  let node: CallTreeNode = { function: 0, calls: 1, selfTime: 0, totalTime: 0, children: [] };
  for (let i = 1; i < depth; i++) node = { function: 0, calls: 1, selfTime: 0, totalTime: i, children: [node] };
  return [node];
}

test("the text parses back to the same profile as JSON.stringify's", () => {
  const profile = profileWithTree([{ function: 0, calls: 1, selfTime: 0.5, totalTime: 1, children: [{ function: 1, calls: 1, selfTime: 0.5, totalTime: 0.5, children: [] }] }]);
  const text = profileToJsonText(profile);
  assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(profile)));
  assert.match(text, /^\{\n "format": "tsprof-profile",\n "version": 1,/);
  assert.match(text, /\n "functions": \[\n  \{"name":"f",/);
  assert.ok(text.endsWith("\n}\n"));
});

test("optional fields absent stay absent; empty lists are []", () => {
  const profile = { ...profileWithTree(undefined), edges: [] };
  const text = profileToJsonText(profile);
  assert.doesNotMatch(text, /callTree/);
  assert.match(text, /"edges": \[\]/);
  assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(profile)));
});

test("a call tree 100,000 deep is written in bounded chunks and reads back", () => {
  const profile = profileWithTree(chain(100_000));
  const chunks: number[] = [];
  writeProfileJson(profile, (chunk) => chunks.push(chunk.length));
  assert.ok(chunks.length > 1, "more than one chunk");
  assert.ok(Math.max(...chunks) < (1 << 20) + 4096, "each chunk about 1 MB at most");
  const path = join(mkdtempSync(join(tmpdir(), "tsprof-json-")), "deep.tsprof.json");
  writeProfileFile(path, profile);
  assert.ok(readFileSync(path, "utf8").length > 5_000_000);
  const back = readProfileFile(path);
  let depth = 0;
  for (let nodes = back.callTree!; nodes.length > 0; nodes = nodes[0]!.children) depth++;
  assert.equal(depth, 100_000);
});

test("user patches of Array iteration, push and Object.prototype setters do not reach the writer", () => {
  const profile = profileWithTree(chain(3));
  const expected = profileToJsonText(profile);
  const iterator = Array.prototype[Symbol.iterator];
  const push = Array.prototype.push;
  Object.defineProperty(Object.prototype, "0", { set() { throw new Error("setter reached"); }, configurable: true });
  (Array.prototype as unknown as Record<symbol, unknown>)[Symbol.iterator] = function* () {
    yield 42;
  };
  Array.prototype.push = () => { throw new Error("push reached"); };
  try {
    assert.equal(profileToJsonText(profile), expected);
  } finally {
    Array.prototype[Symbol.iterator] = iterator;
    Array.prototype.push = push;
    delete (Object.prototype as Record<string, unknown>)["0"];
  }
});

test("call-tree roots are written byte for byte as JSON.stringify writes them, whatever their shape", () => {
  const leaf = (fn: number, time: number): CallTreeNode => ({ function: fn, calls: 1, selfTime: time, totalTime: time, children: [] });
  const roots = [
    // The usual shape, nested, with numbers JSON writes in every notation.
    { function: 0, calls: 3, selfTime: 1e-7, totalTime: 1e21, children: [leaf(1, 0.1 + 0.2), { function: 1, calls: 2, selfTime: -0, totalTime: 5e-324, children: [leaf(0, 123456789.125)] }] },
    // Not numbers JSON can hold: null, as JSON.stringify writes them.
    { function: 0, calls: Number.NaN, selfTime: Infinity, totalTime: -Infinity, children: [] },
    // Another key, keys in another order, a child that is not a node, children that are not an array.
    { function: 1, calls: 1, selfTime: 0, totalTime: 0, children: [], note: "extra" },
    { calls: 1, function: 1, selfTime: 0, totalTime: 0, children: [leaf(0, 1)] },
    { function: 0, calls: 1, selfTime: 0, totalTime: 0, children: [undefined, null, 7, "x", leaf(1, 2)] },
    { function: 0, calls: 1, selfTime: 0, totalTime: 0, children: { 0: leaf(1, 1) } },
    { function: 0, calls: 1, selfTime: 0, totalTime: 0, children: [{ ...leaf(1, 1), selfTime: undefined }] },
  ] as unknown as CallTreeNode[];
  const text = profileToJsonText(profileWithTree(roots));
  const lines = text.split("\n");
  const first = lines.indexOf(' "callTree": [') + 1;
  assert.ok(first > 0);
  const written = lines.slice(first, first + roots.length).map((line) => line.replace(/^  /, "").replace(/,$/, ""));
  assert.deepEqual(written, roots.map((root) => JSON.stringify(root)));
  assert.equal(lines[first + roots.length], " ]");
});

test("functions, stats and edges rows are written byte for byte as JSON.stringify writes them, whatever their shape", () => {
  const inherited = Object.create({ extra: 1 }) as Record<string, unknown>;
  Object.assign(inherited, { caller: 0, callee: 1, calls: 1, primitiveCalls: 1, selfTime: 0, totalTime: 0 });
  const rows = {
    functions: [
      { name: "f", qualifiedName: "f", file: "src/a.ts", line: 1, column: 1, kind: "function" },
      // Strings JSON escapes: quotes, backslash, control characters, a lone surrogate, non-ASCII.
      { name: 'a "b" \\ c\n\t\u0000', qualifiedName: "\ud800 x \u2028", file: "src/ä 😀.ts", line: 0, column: 0, kind: "async" },
      // A value that is no string or number, one left out (undefined), another key order, another key.
      { name: "g", qualifiedName: null, file: "x", line: 1, column: 1, kind: "function" },
      { name: "g", qualifiedName: undefined, file: "x", line: 1, column: 1, kind: "function" },
      { qualifiedName: "g", name: "g", file: "x", line: 1, column: 1, kind: "function" },
      { name: "g", qualifiedName: "g", file: "x", line: 1, column: 1, kind: "function", note: { deep: [1, "2"] } },
    ],
    stats: [
      { function: 0, calls: 3, primitiveCalls: 1, selfTime: 1e-7, totalTime: 1e21 },
      { function: 1, calls: 1, primitiveCalls: 1, selfTime: -0, totalTime: 5e-324, asyncWallTime: 0.1 + 0.2 },
      { function: 1, calls: Number.NaN, primitiveCalls: Infinity, selfTime: -Infinity, totalTime: 123456789.125 },
      { function: 1, calls: 1, primitiveCalls: 1, selfTime: 0, totalTime: 0, asyncWallTime: true },
    ],
    edges: [
      { caller: 0, callee: 1, calls: 1, primitiveCalls: 1, selfTime: 0.125, totalTime: 1e-300 },
      { caller: 0, callee: 1, calls: 2, primitiveCalls: 1, selfTime: 0, totalTime: 0, countsOnly: true },
      { callee: 1, caller: 0, calls: 1, primitiveCalls: 1, selfTime: 0, totalTime: 0 },
      { caller: 0, callee: 1, calls: 1, primitiveCalls: 1, selfTime: 0, totalTime: "0" },
      inherited,
      [0, 1],
      null,
      7,
    ],
  };
  const profile = { ...profileWithTree(undefined), ...rows } as unknown as Profile;
  const lines = profileToJsonText(profile).split("\n");
  for (const [field, list] of Object.entries(rows)) {
    const first = lines.indexOf(` "${field}": [`) + 1;
    assert.ok(first > 0, field);
    const written = lines.slice(first, first + list.length).map((line) => line.replace(/^  /, "").replace(/,$/, ""));
    assert.deepEqual(written, list.map((row) => JSON.stringify(row)), field);
    assert.equal(lines[first + list.length], field === "edges" ? " ]" : " ],", field);
  }
});

test("a failed write names the user's path, not the temp file beside it, and leaves nothing behind", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-json-"));
  const profile = profileWithTree(chain(2));
  const cases = [
    { path: join(dir, "missing", "x.prof"), code: "ENOENT", syscall: "open" },
    { path: join(dir, "missing", "x.tsprof.json"), code: "ENOENT", syscall: "open" },
    // A directory is said as an open of it would say it, before any temp file (checkProfileTarget()).
    { path: join(dir, "adir.cpuprofile"), code: "EISDIR", syscall: "open" },
  ];
  mkdirSync(join(dir, "adir.cpuprofile"));
  for (const { path, code, syscall } of cases) {
    assert.throws(
      () => writeProfileFile(path, profile),
      (error: NodeJS.ErrnoException) => {
        assert.equal(error.code, code, path);
        assert.equal(error.path, path);
        assert.ok(error.message.endsWith(`, ${syscall} '${path}'`), error.message);
        assert.doesNotMatch(error.message, /\.tmp/);
        return true;
      },
    );
  }
  assert.deepEqual(readdirSync(dir), ["adir.cpuprofile"]);
  assert.deepEqual(readdirSync(join(dir, "adir.cpuprofile")), []);
});

test("writeProfileFile with unlessChanged: a file made or replaced since its identity was taken is kept, the profile goes to `otherwise`", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-json-"));
  const profile = profileWithTree(chain(2));
  const path = join(dir, "out.tsprof.json");
  const otherwise = join(dir, "out-7.tsprof.json");
  const unlessChanged = (identity: string) => ({ identity, otherwise });
  // No file then, none now: written where asked.
  assert.equal(writeProfileFile(path, profile, unlessChanged(fileIdentity(path))), path);
  // The file as it was: replaced as always.
  const seen = fileIdentity(path);
  assert.notEqual(seen, "");
  assert.equal(writeProfileFile(path, profile, unlessChanged(seen)), path);
  // Made since (there was none) or replaced since: kept.
  assert.equal(writeProfileFile(path, profile, unlessChanged("")), otherwise);
  assert.equal(writeProfileFile(path, profile, unlessChanged(seen)), otherwise);
  writeFileSync(path, "another process's profile");
  assert.equal(writeProfileFile(path, profile, unlessChanged(seen)), otherwise);
  assert.equal(readFileSync(path, "utf8"), "another process's profile");
  // Removed since: nothing to keep.
  unlinkSync(path);
  assert.equal(writeProfileFile(path, profile, unlessChanged(seen)), path);
  assert.deepEqual(readdirSync(dir).sort(), ["out-7.tsprof.json", "out.tsprof.json"], "no temp file left");
  assert.deepEqual(readProfileFile(otherwise), readProfileFile(path));
});
