// The pstats marshal codec: Python's own bytes (versions 0-4) decode, ours round-trip and load in Python, damage is a clean ProfileError.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  decodeMarshal,
  decodePstats,
  encodePstats,
  looksLikeMarshal,
  MarshalWriter,
  NO_CALLS_KEY,
  profileToPstats,
  profileToPstatsBytes,
  pstatsToProfile,
  readAnyProfileFile,
  PyBytes,
  PyDict,
  PySet,
  PyList,
  PyOther,
  PyTuple,
  type PstatsEntry,
  type PstatsKey,
} from "./pstats-marshal";
import { compareFunctions } from "./canonical";
import { ProfileError, validateProfile } from "./read";
import type { Profile } from "./types";

const repoRoot = join(__dirname, "..", "..", "..");
const hex = (text: string) => Uint8Array.from(Buffer.from(text, "hex"));

// marshal.dumps({("a.py", 1, "f"): (1, 2, 0.5, 1.25, {("~", 0, "<built-in method x>"): (2, 1, 0.5, 1.25)}),
//                ("a.py", 1, "f2"): (1, 1, 0.0, 0.0, {})}, version) from CPython 3.11.
const PYTHON_DUMPS: Record<number, string> = {
  0: "7b28030000007504000000612e707969010000007501000000662805000000690100000069020000006603302e356604312e32357b280300000075010000007e690000000075130000003c6275696c742d696e206d6574686f6420783e2804000000690200000069010000006603302e356604312e32353028030000007504000000612e70796901000000750200000066322805000000690100000069010000006601306601307b3030",
  2: "7b28030000007504000000612e7079690100000075010000006628050000006901000000690200000067000000000000e03f67000000000000f43f7b280300000075010000007e690000000075130000003c6275696c742d696e206d6574686f6420783e28040000006902000000690100000067000000000000e03f67000000000000f43f3028030000007504000000612e70796901000000750200000066322805000000690100000069010000006700000000000000006700000000000000007b3030",
  3: "fba803000000f504000000612e7079e901000000f4010000006628050000007203000000e902000000e7000000000000e03fe7000000000000f43f7ba803000000f5010000007ee900000000f5130000003c6275696c742d696e206d6574686f6420783ea804000000720500000072030000007206000000720700000030a80300000072020000007203000000f4020000006632280500000072030000007203000000e70000000000000000720f0000007b3030",
  4: "fba903fa04612e7079e901000000da016629057203000000e902000000e7000000000000e03fe7000000000000f43f7ba903fa017ee900000000fa133c6275696c742d696e206d6574686f6420783ea904720500000072030000007206000000720700000030a90372020000007203000000da026632290572030000007203000000e70000000000000000720f0000007b3030",
};

const EXPECTED_ENTRIES: PstatsEntry[] = [
  {
    function: { file: "a.py", line: 1, name: "f" },
    primitiveCalls: 1,
    calls: 2,
    selfTime: 0.5,
    totalTime: 1.25,
    callers: [{ caller: { file: "~", line: 0, name: "<built-in method x>" }, calls: 2, primitiveCalls: 1, selfTime: 0.5, totalTime: 1.25 }],
  },
  { function: { file: "a.py", line: 1, name: "f2" }, primitiveCalls: 1, calls: 1, selfTime: 0, totalTime: 0, callers: [] },
];

function errorOf(bytes: Uint8Array): string {
  try {
    decodePstats(bytes, "x.prof");
  } catch (error) {
    assert.ok(error instanceof ProfileError, `expected a ProfileError, got ${String(error)}`);
    assert.ok(!error.message.includes("\n"));
    return error.message;
  }
  assert.fail("expected a ProfileError");
}

test("Python's marshal versions 0, 2, 3 and 4 (text floats, refs, short strings) decode alike", () => {
  for (const [version, bytes] of Object.entries(PYTHON_DUMPS)) {
    assert.deepEqual(decodePstats(hex(bytes), "x.prof"), EXPECTED_ENTRIES, `version ${version}`);
  }
});

test("other marshal types decode: long, non-ASCII, long ASCII, None, bools, bytes, sets, lists, complex", () => {
  // marshal.dumps((2**40, -2**70, "é"*3, "x"*300, None, True, False, 1.5, b"by", frozenset(), [1], 1j), 4)
  const bytes = hex(
    "290cec030000000000000000046cfbffffff00000000000000000004f506000000c3a9c3a9c3a9c12c010000" +
      "78".repeat(300) +
      "4e5446e7000000000000f83ff30200000062793e000000005b01000000e901000000f90000000000000000000000000000f03f",
  );
  const value = decodeMarshal(bytes, "x") as PyTuple;
  assert.ok(value instanceof PyTuple);
  const [big, negative, accented, long, none, yes, no, float, by, frozen, list, complex] = value.items;
  assert.equal(big, 2 ** 40);
  assert.equal(negative, -(2n ** 70n));
  assert.equal(accented, "ééé");
  assert.equal(long, "x".repeat(300));
  assert.deepEqual([none, yes, no, float], [null, true, false, 1.5]);
  assert.deepEqual((by as PyBytes).bytes, Uint8Array.from([0x62, 0x79]));
  assert.ok(frozen instanceof PySet && frozen.frozen && frozen.items.length === 0);
  assert.ok(list instanceof PyList && list.items[0] === 1);
  assert.ok(complex instanceof PyOther);
});

const EXOTIC: PstatsEntry[] = [
  {
    function: { file: "dir ü/日本.ts", line: 2 ** 33, name: "𐐨𐐯 \ud800 lone" },
    primitiveCalls: 1,
    calls: 2 ** 40,
    selfTime: 1e-300,
    totalTime: 123456.789,
    callers: [
      { caller: { file: "x".repeat(300), line: -5, name: "" }, calls: 3, primitiveCalls: 2, selfTime: 0.1, totalTime: 0.2 },
      { caller: { file: "~", line: 0, name: "<built-in method exec>" }, calls: 7, primitiveCalls: 7, selfTime: 0, totalTime: 0, countOnly: true },
    ],
  },
];

test("our bytes round-trip: astral and lone-surrogate names, long strings, big and negative ints, bare call counts", () => {
  assert.deepEqual(decodePstats(encodePstats(EXOTIC), "x.prof"), EXOTIC);
  assert.ok(looksLikeMarshal(encodePstats(EXOTIC)));
  assert.ok(looksLikeMarshal(encodePstats([])));
});

test("a count past 2^53 (read from a pstats long as the nearest double) is written back as that long, not refused", () => {
  const rows: PstatsEntry[] = [{ function: { file: "a.py", line: 1, name: "f" }, calls: 2 ** 62, primitiveCalls: 2 ** 62, selfTime: 1, totalTime: 1, callers: [] }];
  assert.deepEqual(decodePstats(encodePstats(rows), "x.prof"), rows);
  assert.throws(() => encodePstats([{ ...rows[0]!, calls: 1.5 }]), /not an integer: 1.5/);
});

test("python3 loads our bytes and sees the same values", (t) => {
  if (spawnSync("python3", ["--version"]).status !== 0) return t.skip("python3 not found");
  const path = join(mkdtempSync(join(tmpdir(), "tsprof-marshal-")), "x.prof");
  writeFileSync(path, encodePstats(EXOTIC));
  const script = `import marshal, sys
d = marshal.load(open(sys.argv[1], "rb"))
(key, (cc, nc, tt, ct, callers)), = d.items()
print(ascii(key), cc, nc, tt, ct)
for k, v in callers.items(): print(ascii(k[0][:3]), k[1], ascii(k[2]), v)`;
  const result = spawnSync("python3", ["-c", script, path], { encoding: "utf8" });
  assert.equal(result.stderr, "");
  assert.equal(
    result.stdout,
    "('dir \\xfc/\\u65e5\\u672c.ts', 8589934592, '\\U00010428\\U0001042f \\ud800 lone') 1 1099511627776 1e-300 123456.789\n" +
      "'xxx' -5 '' (3, 2, 0.1, 0.2)\n" +
      "'~' 0 '<built-in method exec>' 7\n",
  );
});

// A generator made by first() and resumed by rest(): rest's edge to it has time and no call.
const GENERATOR_EDGES: PstatsEntry[] = [
  {
    function: { file: "gen0.js", line: 1, name: "tokens" },
    primitiveCalls: 1,
    calls: 1,
    selfTime: 0.004,
    totalTime: 0.004,
    callers: [
      { caller: { file: "gen0.js", line: 2, name: "first" }, calls: 1, primitiveCalls: 1, selfTime: 0.001, totalTime: 0.001 },
      { caller: { file: "gen0.js", line: 3, name: "rest" }, calls: 0, primitiveCalls: 0, selfTime: 0.003, totalTime: 0.003 },
    ],
  },
];

test("caller entries with 0 calls are left out of the file (cProfile writes none); the row keeps its numbers", (t) => {
  const [entry] = decodePstats(encodePstats(GENERATOR_EDGES), "x.prof");
  assert.deepEqual(entry, { ...GENERATOR_EDGES[0]!, callers: [GENERATOR_EDGES[0]!.callers[0]!] });
  if (spawnSync("python3", ["--version"]).status !== 0) return t.skip("python3 not found");
  const path = join(mkdtempSync(join(tmpdir(), "tsprof-marshal-")), "x.prof");
  writeFileSync(path, encodePstats(GENERATOR_EDGES));
  const script = `import pstats, sys
s = pstats.Stats(sys.argv[1])
for key, (cc, nc, tt, ct, callers) in s.stats.items(): print(key[2], nc, tt, sorted((k[2], v[0]) for k, v in callers.items()))`;
  const result = spawnSync("python3", ["-c", script, path], { encoding: "utf8" });
  assert.equal(result.stderr, "");
  assert.equal(result.stdout, "tokens 1 0.004 [('first', 1)]\n");
});

test("an empty profile's file loads in Python's pstats.Stats: one row of zeros (an empty dict is a TypeError there), which tsprof reads back as no rows", (t) => {
  const empty = encodePstats([]);
  // A stand-in, not a function: tsprof diff listed it as one that disappeared, stats and --json as a row.
  assert.deepEqual(decodePstats(empty, "x.prof"), []);
  const emptyPath = join(mkdtempSync(join(tmpdir(), "tsprof-marshal-")), "empty.prof");
  writeFileSync(emptyPath, empty);
  assert.deepEqual(readAnyProfileFile(emptyPath).stats, []);
  // Python's add() of such a file to another, dumped again, holds the zero row beside the real ones.
  const row = (out: MarshalWriter, key: PstatsKey, calls: number) => out.tuple(3).str(key.file).int(key.line).str(key.name).tuple(5).int(calls).int(calls).float(calls).float(calls).dictStart().dictEnd();
  const merged = row(row(new MarshalWriter().dictStart(), NO_CALLS_KEY, 0), { file: "one.js", line: 1, name: "f" }, 1).dictEnd().toBytes();
  assert.deepEqual(decodePstats(merged, "merged.prof"), [{ function: { file: "one.js", line: 1, name: "f" }, primitiveCalls: 1, calls: 1, selfTime: 1, totalTime: 1, callers: [] }]);
  if (spawnSync("python3", ["--version"]).status !== 0) return t.skip("python3 not found");
  const path = join(mkdtempSync(join(tmpdir(), "tsprof-marshal-")), "empty.prof");
  writeFileSync(path, empty);
  const script = `import io, pstats, sys
out = io.StringIO()
s = pstats.Stats(sys.argv[1], stream=out)
s.sort_stats("cumulative").print_stats()
print(s.total_calls, list(s.stats))
print("no calls recorded" in out.getvalue())`;
  const result = spawnSync("python3", ["-c", script, path], { encoding: "utf8" });
  assert.equal(result.stderr, "");
  assert.equal(result.stdout, "0 [('~', 0, '<no calls recorded>')]\nTrue\n");
});

test("a real cProfile dump (Python 3.11) reads with builtins kept", () => {
  const entries = decodePstats(readFileSync(join(repoRoot, "fixtures", "pstats", "recursion", "py311.prof")), "py311.prof");
  const fact = entries.find((entry) => entry.function.name === "fact")!;
  assert.deepEqual([fact.function, fact.calls, fact.primitiveCalls], [{ file: "program.py", line: 2, name: "fact" }, 24, 4]);
  const self = fact.callers.find((caller) => caller.caller.name === "fact")!;
  assert.deepEqual([self.calls, self.primitiveCalls], [20, 4]);
  assert.ok(entries.some((entry) => entry.function.file === "~" && entry.function.name === "<method 'disable' of '_lsprof.Profiler' objects>"));
});

test("damaged input: every truncation of a real dump is a clean ProfileError", () => {
  const bytes = readFileSync(join(repoRoot, "fixtures", "pstats", "unicode", "py311.prof"));
  for (let length = 0; length < bytes.length; length++) errorOf(bytes.subarray(0, length));
});

test("hostile input: clear messages, bounded work", () => {
  assert.equal(errorOf(new Uint8Array()), "x.prof: empty file");
  assert.equal(errorOf(hex("7b")), "x.prof: bad marshal data at offset 1: EOF read where object expected");
  assert.equal(errorOf(hex("7b29")), "x.prof: bad marshal data at offset 2: truncated (a byte needs 1 bytes, 0 left)");
  assert.equal(errorOf(hex("7b28ffffff7f")), "x.prof: bad marshal data at offset 6: tuple size 2147483647 exceeds the 0 bytes left");
  assert.equal(errorOf(hex("7b2800000080")), "x.prof: bad marshal data at offset 6: negative tuple size -2147483648");
  assert.equal(errorOf(hex("7bc112000000")), "x.prof: bad marshal data at offset 6: string size 18 exceeds the 0 bytes left");
  assert.equal(errorOf(hex("7b3f")), "x.prof: bad marshal data at offset 1: unknown type code 0x3f");
  assert.equal(errorOf(hex("7b63")), "x.prof: bad marshal data at offset 2: truncated (an int needs 4 bytes, 0 left)"); // a code object cut short
  assert.equal(errorOf(hex("7b7205000000")), "x.prof: bad marshal data at offset 6: invalid reference 5");
  // A tuple that refers to itself while it is being built (CPython rejects it the same way).
  assert.equal(errorOf(hex("a9017200000000")), "x.prof: bad marshal data at offset 7: invalid reference 0");
  assert.equal(errorOf(hex("7b6c0100000000")), "x.prof: bad marshal data at offset 6: long size 1 exceeds the 1 bytes left");
  assert.equal(errorOf(hex("7b5b0100000069010000004e30")), "x.prof: bad marshal data at offset 12: unhashable dict key (list)");
  assert.equal(errorOf(hex("7b750200000080ff")), "x.prof: bad marshal data at offset 8: string is not valid UTF-8");
  assert.match(errorOf(Uint8Array.from([...Array(3000).fill(0x29).flatMap((b) => [b, 1])])), /nesting deeper than 2000/);
  assert.equal(errorOf(hex("5b00000000")), "x.prof: not a pstats file: expected a marshalled dict, got list");
  assert.equal(errorOf(hex("7be9010000004e30")), "x.prof: not a pstats file: entry 0: expected a (file, line, name) tuple, got int");
  assert.equal(errorOf(encodePstats([]).slice(0, 1)), "x.prof: bad marshal data at offset 1: EOF read where object expected");
  assert.deepEqual(decodePstats(Uint8Array.from([0x7b, 0x30]), "x.prof"), [], "an empty dict (which tsprof never writes) is no rows");
});

test("a small file repeating one big callers dict by reference is converted once, and refused when it adds up to too much", () => {
  // {("f", i, "g"): (1, 1, 0.0, 0.0, <callers>)} where every value after the first refers back to the first callers dict.
  const build = (functions: number, callers: number) => {
    const parts: number[] = [0x7b];
    const key = (line: number) => [0x29, 3, 0x7a, 1, 0x66, 0x69, ...int32(line), 0x7a, 1, 0x67];
    const int32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
    for (let i = 0; i < functions; i++) {
      parts.push(...key(i), 0x29, 5, 0x69, ...int32(1), 0x69, ...int32(1), 0x69, ...int32(0), 0x69, ...int32(0));
      if (i === 0) {
        parts.push(0xfb); // "{" | FLAG_REF: reference 0
        for (let j = 0; j < callers; j++) parts.push(...key(1_000_000 + j), 0x29, 4, 0x69, ...int32(1), 0x69, ...int32(1), 0x69, ...int32(0), 0x69, ...int32(0));
        parts.push(0x30);
      } else parts.push(0x72, ...int32(0));
    }
    parts.push(0x30);
    return Uint8Array.from(parts);
  };
  const small = decodePstats(build(3, 2), "x.prof");
  assert.deepEqual(small.map((entry) => entry.callers.length), [2, 2, 2]);
  const hostile = build(2000, 3000); // 6 million caller entries from under 200 kB
  assert.ok(hostile.length < 200_000);
  assert.equal(errorOf(hostile), "x.prof: not a pstats file: more than 5000000 caller entries in all");
});

test("a repeated dict key keeps its first place and its last value, as a Python dict does", () => {
  const twice = [EXPECTED_ENTRIES[0]!, EXPECTED_ENTRIES[1]!, { ...EXPECTED_ENTRIES[0]!, calls: 9 }];
  assert.deepEqual(decodePstats(encodePstats(twice), "x.prof"), [{ ...EXPECTED_ENTRIES[0]!, calls: 9 }, EXPECTED_ENTRIES[1]]);
  assert.ok(decodeMarshal(encodePstats(twice), "x") instanceof PyDict);
});

const PROFILE: Profile = {
  format: "tsprof-profile",
  version: 1,
  timeUnit: "s",
  meta: { tool: "test", clock: "tick" },
  duration: 3,
  functions: [
    { name: "f", qualifiedName: "f", file: "a.ts", line: 1, column: 5, kind: "function" },
    { name: "f", qualifiedName: "f", file: "a.ts", line: 1, column: 20, kind: "async" },
    { name: "main", qualifiedName: "main", file: "a.ts", line: 9, column: 1, kind: "function" },
  ],
  stats: [
    { function: 0, calls: 1, primitiveCalls: 1, selfTime: 0.5, totalTime: 0.5 },
    { function: 1, calls: 2, primitiveCalls: 2, selfTime: 0.25, totalTime: 0.25 },
    { function: 2, calls: 1, primitiveCalls: 1, selfTime: 1, totalTime: 1.75 },
  ],
  edges: [
    { caller: 2, callee: 0, calls: 1, primitiveCalls: 1, selfTime: 0.5, totalTime: 0.5 },
    { caller: 2, callee: 1, calls: 2, primitiveCalls: 2, selfTime: 0.25, totalTime: 0.25 },
  ],
};

test("profileToPstats: two functions on one line with one name stay two rows, told apart by their column", () => {
  assert.deepEqual(profileToPstats(PROFILE), [
    {
      function: { file: "a.ts", line: 1, name: "f col 5" },
      primitiveCalls: 1,
      calls: 1,
      selfTime: 0.5,
      totalTime: 0.5,
      callers: [{ caller: { file: "a.ts", line: 9, name: "main" }, calls: 1, primitiveCalls: 1, selfTime: 0.5, totalTime: 0.5 }],
    },
    {
      function: { file: "a.ts", line: 1, name: "f col 20" },
      primitiveCalls: 2,
      calls: 2,
      selfTime: 0.25,
      totalTime: 0.25,
      callers: [{ caller: { file: "a.ts", line: 9, name: "main" }, calls: 2, primitiveCalls: 2, selfTime: 0.25, totalTime: 0.25 }],
    },
    { function: { file: "a.ts", line: 9, name: "main" }, primitiveCalls: 1, calls: 1, selfTime: 1, totalTime: 1.75, callers: [] },
  ]);
});

test("profileToPstats: the same function listed twice (same column) is one row, summed", () => {
  const twice: Profile = { ...PROFILE, functions: PROFILE.functions.map((info, i) => (i === 1 ? { ...info, column: 5, kind: "function" } : info)) };
  const rows = profileToPstats(twice);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[0]!.function, { file: "a.ts", line: 1, name: "f" });
  assert.equal(rows[0]!.calls, 3);
  assert.equal(rows[0]!.selfTime, 0.75);
});

test("profileToPstats: a column suffix never makes a name that is another function's own; names with a newline, tab or NUL stay as they are", () => {
  // `const o = { f() {}, p: { f() {} }, "f col 10"() {} }`: `f` at column 10 and the method named "f col 10" were one row.
  const profile: Profile = {
    ...PROFILE,
    functions: [
      { name: "f", qualifiedName: "f", file: "c.js", line: 1, column: 10, kind: "function" },
      { name: "f", qualifiedName: "f", file: "c.js", line: 1, column: 27, kind: "function" },
      { name: "f col 10", qualifiedName: "f col 10", file: "c.js", line: 1, column: 42, kind: "function" },
      { name: "new\nline", qualifiedName: "new\nline", file: "c.js", line: 2, column: 1, kind: "function" },
      { name: "new\\nline", qualifiedName: "new\\nline", file: "c.js", line: 2, column: 30, kind: "function" },
      { name: "tab\there\u0000", qualifiedName: "tab\there\u0000", file: "c.js", line: 2, column: 60, kind: "function" },
    ],
    stats: [0, 1, 2, 3, 4, 5].map((fn) => ({ function: fn, calls: fn + 1, primitiveCalls: fn + 1, selfTime: 0, totalTime: 0 })),
    edges: [],
  };
  const rows = profileToPstats(profile);
  assert.deepEqual(
    rows.map((row) => [row.function.line, row.function.name, row.calls]),
    [
      [1, "f col 10", 1],
      [1, "f col 27", 2],
      [1, "f col 10 col 42", 3],
      [2, "new\nline", 4],
      [2, "new\\nline", 5],
      [2, "tab\there\u0000", 6],
    ],
  );
  // And through a .prof file: six functions, each with its own calls.
  const back = pstatsToProfile(decodePstats(encodePstats(rows), "c.prof"));
  assert.deepEqual(
    back.stats.map((row) => [back.functions[row.function]!.qualifiedName, row.calls]).sort((a, b) => Number(a[1]) - Number(b[1])),
    rows.map((row) => [row.function.name, row.calls]),
  );
});

test("pstatsToProfile: a valid profile in canonical order, builtins last, no call tree", () => {
  const entries = decodePstats(readFileSync(join(repoRoot, "fixtures", "pstats", "recursion", "py311.prof")), "py311.prof");
  const profile = validateProfile(JSON.parse(JSON.stringify(pstatsToProfile(entries))), "converted");
  assert.equal(profile.meta.clock, "python");
  assert.equal(profile.callTree, undefined);
  assert.deepEqual(profile.functions, [...profile.functions].sort(compareFunctions));
  assert.equal(profile.functions[profile.functions.length - 1]!.file, "~");
  assert.equal(profile.stats.reduce((sum, row) => sum + row.calls, 0), entries.reduce((sum, e) => sum + e.calls, 0));
  // And back: the same rows (in canonical rather than file order).
  const back = profileToPstats(profile);
  assert.equal(back.length, entries.length);
  for (const entry of entries) assert.deepEqual(back.find((b) => b.function.name === entry.function.name && b.function.file === entry.function.file)!.calls, entry.calls);
});

test("readAnyProfileFile: pstats by extension or content, JSON otherwise", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-any-"));
  try {
    writeFileSync(join(dir, "p.prof"), encodePstats(profileToPstats(PROFILE)));
    writeFileSync(join(dir, "p.data"), encodePstats(profileToPstats(PROFILE)));
    writeFileSync(join(dir, "p.json"), JSON.stringify(PROFILE));
    // The two functions on line 1 stay apart through a pstats file ("f col 5", "f col 20").
    assert.equal(readAnyProfileFile(join(dir, "p.prof")).stats.length, 3);
    assert.equal(readAnyProfileFile(join(dir, "p.data")).stats.length, 3);
    assert.equal(readAnyProfileFile(join(dir, "p.json")).stats.length, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the writer survives user code that patched Array.prototype.push and Map (it runs at exit inside the program)", () => {
  const expected = profileToPstatsBytes(PROFILE);
  const { push } = Array.prototype;
  const { set, get } = Map.prototype;
  const boom = () => {
    throw new Error("patched");
  };
  Array.prototype.push = boom;
  Map.prototype.set = boom;
  Map.prototype.get = boom;
  try {
    assert.ok(Buffer.from(profileToPstatsBytes(PROFILE)).equals(Buffer.from(expected)));
  } finally {
    Array.prototype.push = push;
    Map.prototype.set = set;
    Map.prototype.get = get;
  }
});
