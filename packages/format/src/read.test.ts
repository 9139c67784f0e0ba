// readProfile: valid profiles pass; every kind of damage is one line naming the file and the fault.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProfileError, readFileHead, readProfile, readProfileFile, readProfileHead, validateProfile, type FunctionTableCache } from "./read";
import { profileToJsonText } from "./profile-json";
import type { Profile } from "./types";

function sample(): Profile {
  return {
    format: "tsprof-profile",
    version: 1,
    timeUnit: "s",
    meta: { tool: "test", clock: "tick" },
    duration: 0.01,
    functions: [
      { name: "main", qualifiedName: "main", file: "a.ts", line: 1, column: 1, kind: "function" },
      { name: "fact", qualifiedName: "fact", file: "a.ts", line: 5, column: 1, kind: "function" },
    ],
    stats: [
      { function: 0, calls: 1, primitiveCalls: 1, selfTime: 0.001, totalTime: 0.004 },
      { function: 1, calls: 3, primitiveCalls: 1, selfTime: 0.003, totalTime: 0.003 },
    ],
    edges: [
      { caller: 0, callee: 1, calls: 1, primitiveCalls: 1, selfTime: 0.001, totalTime: 0.003 },
      { caller: 1, callee: 1, calls: 2, primitiveCalls: 1, selfTime: 0.002, totalTime: 0.002 },
    ],
    callTree: [{ function: 0, calls: 1, selfTime: 0.001, totalTime: 0.004, children: [{ function: 1, calls: 1, selfTime: 0.003, totalTime: 0.003, children: [] }] }],
  };
}

function errorOf(input: string | Uint8Array, name = "x.json"): string {
  try {
    readProfile(input, name);
  } catch (error) {
    assert.ok(error instanceof ProfileError, `expected a ProfileError, got ${String(error)}`);
    assert.ok(!error.message.includes("\n"), "one line");
    return error.message;
  }
  assert.fail("expected the profile to be rejected");
}

function withChange(change: (profile: any) => void): string {
  const profile = sample();
  change(profile);
  return JSON.stringify(profile, null, 1);
}

test("a valid profile reads back equal, from text or bytes", () => {
  const text = JSON.stringify(sample());
  assert.deepEqual(readProfile(text, "x.json"), sample());
  assert.deepEqual(readProfile(Buffer.from(`\ufeff${text}`), "x.json"), sample());
  // ASCII bytes take a Latin-1 shortcut; anything else is decoded as UTF-8 (names, paths).
  const unicode = sample();
  unicode.functions[0]!.name = unicode.functions[0]!.qualifiedName = "façade·λ🙂";
  unicode.functions[1]!.file = "src/ünïcode/ファイル.ts";
  const bytes = Buffer.from(JSON.stringify(unicode));
  assert.deepEqual(readProfile(bytes, "x.json"), unicode);
  assert.deepEqual(readProfile(Buffer.concat([Buffer.from("\ufeff"), bytes]), "x.json"), unicode);
  assert.equal(errorOf(Buffer.concat([bytes.subarray(0, 40), Buffer.from([0xc3]), bytes.subarray(40)])), "x.json: not a tsprof profile: binary data, not UTF-8 JSON");
});

test("empty, whitespace, binary and non-JSON input", () => {
  assert.equal(errorOf(""), "x.json: empty file");
  assert.equal(errorOf(" \n"), "x.json: empty file (only whitespace)");
  assert.equal(errorOf(Uint8Array.from([0xff, 0xfe, 0x00, 0x81])), "x.json: not a tsprof profile: binary data, not UTF-8 JSON");
  assert.equal(errorOf("hello"), "x.json: not a tsprof profile: not JSON (starts with 'h')");
  assert.match(errorOf(Uint8Array.from([0xfb, 0x29, 0x03])), /looks like a Python pstats \(marshal\) file/);
});

test("readProfileFile of a pstats file already named .prof points to readAnyProfileFile, not to a rename", () => {
  const path = join(mkdtempSync(join(tmpdir(), "tsprof-read-")), "x.prof");
  writeFileSync(path, Uint8Array.from([0xfb, 0x29, 0x03, 0xfa, 0x01, 0x61, 0xe9, 0x01, 0x00, 0x00, 0x00, 0xfa, 0x01, 0x66, 0x30]));
  for (const options of [{}, { callTree: false }]) {
    let message = "";
    try {
      readProfileFile(path, options);
    } catch (error) {
      assert.ok(error instanceof ProfileError);
      message = error.message;
    }
    // Said "name it .prof or .pstats" of a file named x.prof.
    assert.equal(message, `${path}: not a tsprof profile: looks like a Python pstats (marshal) file; read it with readAnyProfileFile() (as tsprof stats does)`);
  }
});

test("truncated and malformed JSON give the offset", () => {
  const text = JSON.stringify(sample(), null, 8);
  assert.ok(text.length > 1234);
  assert.equal(errorOf(text.slice(0, 1234)), "x.json: truncated JSON at offset 1234");
  assert.equal(errorOf('{"a": 1,}'), "x.json: invalid JSON at offset 8: unexpected '}', expected a property name");
  assert.equal(errorOf('{"a": [1 2]}'), "x.json: invalid JSON at offset 9: unexpected '2', expected ',' or ']'");
  assert.equal(errorOf('{"a": 1} x'), "x.json: invalid JSON at offset 9: unexpected 'x', expected end of input");
  assert.equal(errorOf("[".repeat(100000)), "x.json: truncated JSON at offset 100000");
});

test("not a profile, wrong version", () => {
  assert.equal(errorOf("[]"), "x.json: not a tsprof profile: expected a JSON object, got an array");
  assert.equal(errorOf('{"name": "package"}'), 'x.json: not a tsprof profile: missing "format"');
  assert.equal(errorOf(withChange((p) => (p.format = "speedscope"))), 'x.json: not a tsprof profile: "format" is "speedscope", expected "tsprof-profile"');
  assert.equal(errorOf(withChange((p) => (p.version = 2))), "x.json: version: unsupported version 2 (this tsprof reads version 1)");
  assert.equal(errorOf(withChange((p) => delete p.version)), 'x.json: missing "version"');
  assert.equal(errorOf(withChange((p) => (p.timeUnit = "ms"))), 'x.json: timeUnit: expected "s", got "ms"');
});

test("field faults name their JSON path", () => {
  assert.equal(errorOf(withChange((p) => (p.stats[1].calls = -1))), "x.json: stats[1].calls: expected a non-negative integer, got -1");
  assert.equal(errorOf(withChange((p) => (p.stats[1].calls = 1.5))), "x.json: stats[1].calls: expected a non-negative integer, got 1.5");
  assert.equal(errorOf(withChange((p) => (p.stats[0].primitiveCalls = 5))), "x.json: stats[0].primitiveCalls: 5 exceeds calls (1)");
  assert.equal(errorOf(withChange((p) => (p.stats[0].function = 12))), "x.json: stats[0].function: index 12 out of range (2 functions)");
  assert.equal(errorOf(withChange((p) => (p.stats[1].function = 0))), "x.json: stats[1].function: function 0 already has a row (stats[0])");
  assert.equal(errorOf(withChange((p) => (p.stats[0].selfTime = "1"))), 'x.json: stats[0].selfTime: expected a number of seconds, got "1"');
  assert.equal(errorOf(withChange((p) => (p.edges[1].callee = 9))), "x.json: edges[1].callee: index 9 out of range (2 functions)");
  assert.equal(errorOf(withChange((p) => (p.edges[1].caller = 0))), "x.json: edges[1]: edge 0->1 already listed (edges[0])");
  assert.equal(errorOf(withChange((p) => p.stats.pop())), "x.json: edges[0].callee: function 1 has no row in stats");
  assert.equal(errorOf(withChange((p) => (p.functions[1].kind = "lambda"))), 'x.json: functions[1].kind: expected one of "function", "generator", "async", "async-generator", got "lambda"');
  assert.equal(errorOf(withChange((p) => delete p.functions[0].file)), "x.json: functions[0].file: expected a string, got nothing (missing)");
  assert.equal(errorOf(withChange((p) => (p.meta = null))), "x.json: meta: expected an object, got null");
  assert.equal(errorOf(withChange((p) => (p.meta.root = 1))), "x.json: meta.root: expected a string, got 1");
  assert.equal(errorOf(withChange((p) => (p.meta.droppedCalls = -1))), "x.json: meta.droppedCalls: expected a non-negative integer, got -1");
  assert.equal(errorOf(withChange((p) => (p.functions[1].column = -2))), "x.json: functions[1].column: expected a non-negative integer, got -2");
  assert.equal(errorOf(withChange((p) => (p.functions[1] = [1]))), "x.json: functions[1]: expected an object, got an array");
  assert.equal(errorOf(withChange((p) => (p.stats[1].asyncWallTime = -1))), "x.json: stats[1].asyncWallTime: expected a non-negative number of seconds, got -1");
  assert.equal(errorOf(withChange((p) => (p.stats[1] = null))), "x.json: stats[1]: expected an object, got null");
  assert.equal(errorOf(withChange((p) => (p.edges[0].totalTime = Infinity))), "x.json: edges[0].totalTime: expected a number of seconds, got null");
  assert.equal(errorOf(withChange((p) => (p.edges[0].primitiveCalls = 2))), "x.json: edges[0].primitiveCalls: 2 exceeds calls (1)");
  assert.equal(errorOf(withChange((p) => (p.callTree[0].children[0].function = 7))), "x.json: callTree[0].children[0].function: index 7 out of range (2 functions)");
  assert.equal(errorOf(withChange((p) => (p.callTree[0].children = {}))), "x.json: callTree[0].children: expected an array, got an object");
});

test("what a pstats file may hold reads back from a dump: negative times (Python's profile with a calibration bias), counts past 2^53", () => {
  // A profile made from such a file (pstatsToProfile) is written as .tsprof.json by `tsprof stats --dump`;
  // the reader refused what the writer had just written, and the dump could not be read again.
  const text = withChange((p) => {
    p.duration = -0.18;
    p.stats[0].selfTime = -0.089;
    p.stats[0].totalTime = -0.18;
    p.edges[0].totalTime = -0.091;
    p.callTree[0].selfTime = -0.089;
    p.stats[1].calls = 2 ** 62;
    p.stats[1].primitiveCalls = 2 ** 62;
  });
  const profile = readProfile(text, "x.json");
  assert.equal(profile.duration, -0.18);
  assert.equal(profile.stats[0]!.totalTime, -0.18);
  assert.equal(profile.stats[1]!.calls, 2 ** 62);
  // Times only tsprof writes stay non-negative.
  assert.equal(errorOf(withChange((p) => (p.meta.probeCost = -1e-9))), "x.json: meta.probeCost: expected a non-negative number of seconds, got -1e-9");
});

test("validateProfile of a Profile object whose call tree has a cycle fails instead of running forever", () => {
  const profile = sample();
  const node = profile.callTree![0]!.children[0]!;
  node.children.push(node);
  assert.throws(() => validateProfile(profile, "api"), { name: "ProfileError", message: "api: callTree[0].children[0].children[0]: a node already in the call tree (a cycle, or a subtree shared by two parents)" });
});

test("control characters of a damaged file's names are escaped in the one-line message", () => {
  const error = new ProfileError("a\nb.prof", "entry 0 (f\u0000\u0007\nx): expected a tuple");
  assert.equal(error.message, "a\\nb.prof: entry 0 (f\\x00\\x07\\nx): expected a tuple");
  assert.equal(error.reason, "entry 0 (f\u0000\u0007\nx): expected a tuple");
});

test("a deep call tree is validated without overflowing the stack", () => {
  // Built as text: JSON.stringify itself recurses.
  const depth = 5000;
  const node = '{"function": 1, "calls": 1, "selfTime": 0, "totalTime": 0, "children": [';
  const tree = `[${node.repeat(depth)}${"]}".repeat(depth)}]`;
  const text = JSON.stringify({ ...sample(), callTree: [] }).replace('"callTree":[]', `"callTree":${tree}`);
  const profile = readProfile(text, "deep.json");
  let levels = 0;
  for (let nodes = profile.callTree!; nodes.length > 0; nodes = nodes[0]!.children) levels++;
  assert.equal(levels, depth);
});

test("readProfileFile names the file; missing files and directories are ProfileErrors", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-read-"));
  const path = join(dir, "p.tsprof.json");
  writeFileSync(path, JSON.stringify(sample()));
  assert.deepEqual(readProfileFile(path), sample());
  assert.throws(() => readProfileFile(join(dir, "missing.json")), { name: "ProfileError", message: `${join(dir, "missing.json")}: no such file` });
  assert.throws(() => readProfileFile(dir), { name: "ProfileError", message: `${dir}: is a directory` });
});

test("callTree: false leaves the tree out, parsing only the text before it", () => {
  const { callTree: _tree, ...withoutTree } = sample();
  for (const text of [JSON.stringify(sample()), JSON.stringify(sample(), null, 2)]) {
    assert.deepEqual(readProfile(text, "x.json", { callTree: false }), withoutTree);
    assert.deepEqual(readProfile(text, "x.json"), sample(), "the default still reads the tree");
  }
  // The tree is never parsed: a broken tree does not matter when it is left out.
  const brokenTree = JSON.stringify(sample()).replace(/"callTree":.*}$/, '"callTree":[{"function":0,"calls":-1}]}');
  assert.deepEqual(readProfile(brokenTree, "x.json", { callTree: false }), withoutTree);
  assert.throws(() => readProfile(brokenTree, "x.json"), ProfileError);
});

test("callTree: false falls back to the whole text when the tree is not the last field, or a name looks like its key", () => {
  const { callTree, ...rest } = sample();
  const treeFirst = JSON.stringify({ callTree, ...rest });
  assert.deepEqual(readProfile(treeFirst, "x.json", { callTree: false }), { callTree, ...rest });
  const odd = sample();
  odd.functions[0].name = 'main,"callTree":[';
  odd.functions[0].qualifiedName = odd.functions[0].name;
  const { callTree: _oddTree, ...oddWithoutTree } = odd;
  assert.deepEqual(readProfile(JSON.stringify(odd), "x.json", { callTree: false }), oddWithoutTree);
  const noTree = JSON.stringify(rest);
  assert.deepEqual(readProfile(noTree, "x.json", { callTree: false }), rest);
  assert.match(errorOf('{"format":"tsprof-profile","callTree":1'), /^x\.json: /, "damage is still reported by the full parse");
});

test("readProfileFile with callTree: false reads the file only up to the tree, in chunks of any size", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-head-"));
  const { callTree: _tree, ...withoutTree } = sample();
  for (const [label, text] of [
    ["compact", JSON.stringify(sample())],
    ["indented", JSON.stringify(sample(), null, 2)],
  ] as const) {
    const path = join(dir, `${label}.tsprof.json`);
    writeFileSync(path, text);
    const key = text.indexOf('"callTree"');
    // Every chunk size from 1 byte up: the key may straddle any boundary.
    for (let chunk = 1; chunk <= text.length + 1; chunk++) {
      const head = readFileHead(path, chunk);
      assert.equal(head.complete, false, `${label}, chunk ${chunk}`);
      assert.equal(head.bytes.toString(), text.slice(0, text.indexOf(":", key) + 1), `${label}, chunk ${chunk}`);
      assert.equal(head.treeComma, text.lastIndexOf(",", key));
    }
    assert.deepEqual(readProfileFile(path, { callTree: false }), withoutTree);
  }
  // What follows the key is never read: bytes that are not even UTF-8 do not matter.
  const path = join(dir, "binary-tree.tsprof.json");
  const text = JSON.stringify(sample());
  const cut = text.indexOf('"callTree":') + '"callTree":'.length;
  writeFileSync(path, Buffer.concat([Buffer.from(text.slice(0, cut)), Buffer.from([0xff, 0xfe, 0x00, 0x80]), Buffer.alloc(3 << 20, 0x80)]));
  assert.deepEqual(readProfileFile(path, { callTree: false }), withoutTree);
  assert.throws(() => readProfileFile(path), { name: "ProfileError", message: `${path}: not a tsprof profile: binary data, not UTF-8 JSON` });
  // A file without the key is read whole (complete), and faults are reported as by the full read.
  const noTree = join(dir, "no-tree.tsprof.json");
  writeFileSync(noTree, JSON.stringify(withoutTree));
  assert.equal(readFileHead(noTree, 7).complete, true);
  assert.deepEqual(readProfileFile(noTree, { callTree: false }), withoutTree);
  const treeFirst = join(dir, "tree-first.tsprof.json");
  writeFileSync(treeFirst, JSON.stringify({ callTree: sample().callTree, ...withoutTree }));
  assert.deepEqual(readProfileFile(treeFirst, { callTree: false }), { callTree: sample().callTree, ...withoutTree });
  const damaged = join(dir, "damaged.tsprof.json");
  writeFileSync(damaged, JSON.stringify(sample()).replace('"calls":3', '"calls":-3'));
  assert.throws(() => readProfileFile(damaged, { callTree: false }), { name: "ProfileError", message: `${damaged}: stats[1].calls: expected a non-negative integer, got -3` });
  assert.throws(() => readFileHead(join(dir, "missing.json")), { name: "ProfileError", message: `${join(dir, "missing.json")}: no such file` });
  assert.throws(() => readFileHead(dir), { name: "ProfileError", message: `${dir}: is a directory` });
});

test("a pipe (/dev/stdin) is read whole, so a fault found in its head is still reported as the full read finds it", { skip: process.platform === "win32" && "no /dev/stdin" }, () => {
  const script = `const { readProfileFile } = require(${JSON.stringify(join(__dirname, "read.js"))});
    try { const p = readProfileFile("/dev/stdin", { callTree: false }); console.log("ok", p.functions.length, "callTree" in p); }
    catch (e) { console.log(e.message); }`;
  const dir = mkdtempSync(join(tmpdir(), "tsprof-pipe-"));
  // Through `cat |`: a real pipe (node's own stdin pipe is a socket, which /dev/stdin cannot open).
  const run = (input: string) => {
    const path = join(dir, "p.tsprof.json");
    writeFileSync(path, input);
    return spawnSync("sh", ["-c", 'cat "$1" | "$2" -e "$3"', "sh", path, process.execPath, script], { encoding: "utf8" }).stdout.trim();
  };
  assert.equal(run(JSON.stringify(sample())), "ok 2 false");
  assert.equal(run(withChange((p) => (p.stats[1].calls = -1))), "/dev/stdin: stats[1].calls: expected a non-negative integer, got -1");
});

test("readProfileHead with a table cache: a repeated function table is parsed once and shared, and nothing else changes", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-tables-"));
  const write = (name: string, profile: Profile): string => {
    const path = join(dir, name);
    writeFileSync(path, profileToJsonText(profile));
    return path;
  };
  const { callTree: _tree, ...withoutTree } = sample();
  const other = sample();
  other.functions[1]!.line = 6; // another program: another table
  const { callTree: _otherTree, ...otherWithoutTree } = other;
  const slower = sample();
  slower.stats[0]!.selfTime = 0.5; // same program, other numbers
  const { callTree: _slowerTree, ...slowerWithoutTree } = slower;
  const damaged = sample();
  (damaged.edges[1] as unknown as Record<string, unknown>).calls = -2;

  const tables: FunctionTableCache = {};
  const first = readProfileHead(readFileHead(write("a.tsprof.json", sample())), "a", tables);
  assert.deepEqual(first, withoutTree);
  const again = readProfileHead(readFileHead(write("b.tsprof.json", slower)), "b", tables);
  assert.deepEqual(again, slowerWithoutTree);
  assert.equal(again.functions, first.functions, "the same table: parsed once, shared");
  const third = readProfileHead(readFileHead(write("c.tsprof.json", other)), "c", tables);
  assert.deepEqual(third, otherWithoutTree);
  assert.notEqual(third.functions, first.functions);
  // A few tables are kept: the first program's comes back after the other's.
  const fourth = readProfileHead(readFileHead(write("a2.tsprof.json", slower)), "a2", tables);
  assert.equal(fourth.functions, first.functions, "tables alternating between programs are still shared");
  // Damage outside the table is still found, and said as the full read says it.
  readProfileHead(readFileHead(write("d0.tsprof.json", sample())), "d0", tables);
  const damagedPath = write("d.tsprof.json", damaged);
  assert.throws(() => readProfileHead(readFileHead(damagedPath), damagedPath, tables), {
    message: `${damagedPath}: edges[1].calls: expected a non-negative integer, got -2`,
  });
  // Another layout (compact JSON) never uses the cache, and reads the same.
  const compact = join(dir, "e.tsprof.json");
  writeFileSync(compact, JSON.stringify(sample()));
  const fromCompact = readProfileHead(readFileHead(compact), compact, tables);
  assert.deepEqual(fromCompact, withoutTree);
  assert.notEqual(fromCompact.functions, first.functions);
});
