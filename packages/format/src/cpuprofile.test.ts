// The .cpuprofile export: the call tree as Chrome DevTools' Profiler.Profile, its times as viewers compute them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { cpuProfileUrl, profileToCpuProfileText } from "./cpuprofile";
import { isCpuProfilePath, writeProfileFile } from "./file";
import { readProfile } from "./read";
import type { CallTreeNode, Profile } from "./types";

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; scriptId: string; url: string; lineNumber: number; columnNumber: number }; hitCount: number; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const node = (fn: number, selfTime: number, children: CallTreeNode[] = []): CallTreeNode => ({
  function: fn,
  calls: 1,
  selfTime,
  totalTime: selfTime + children.reduce((sum, child) => sum + child.totalTime, 0),
  children,
});

// main (3 ms self) calls work twice on one path (work: 2 ms self, recursing once: 1 ms) and helper (0.5 ms).
function sample(): Profile {
  return {
    format: "tsprof-profile",
    version: 1,
    timeUnit: "s",
    meta: { tool: "test", clock: "tick" },
    duration: 0.0065,
    functions: [
      { name: "main", qualifiedName: "main", file: "src/main.ts", line: 1, column: 1, kind: "function" },
      { name: "work", qualifiedName: "Worker.work", file: "src/work.ts", line: 10, column: 3, kind: "function" },
      { name: "helper", qualifiedName: "helper", file: "src/work.ts", line: 20, column: 1, kind: "async" },
    ],
    stats: [
      { function: 0, calls: 1, primitiveCalls: 1, selfTime: 0.003, totalTime: 0.0065 },
      { function: 1, calls: 3, primitiveCalls: 2, selfTime: 0.003, totalTime: 0.003 },
      { function: 2, calls: 1, primitiveCalls: 1, selfTime: 0.0005, totalTime: 0.0005 },
    ],
    edges: [],
    callTree: [node(0, 0.003, [node(1, 0.002, [node(1, 0.001)]), node(2, 0.0005)])],
  };
}

const parse = (profile: Profile): CpuProfile => JSON.parse(profileToCpuProfileText(profile)) as CpuProfile;

/** Self time per node as DevTools' tree views compute it: hitCount × the mean sample interval. */
function devtoolsSelf(cpu: CpuProfile): Map<number, number> {
  const hits = cpu.nodes.reduce((sum, n) => sum + n.hitCount, 0);
  return new Map(cpu.nodes.map((n) => [n.id, (n.hitCount * (cpu.endTime - cpu.startTime)) / hits]));
}

/** Time per node as a timeline sees it: sample i runs from its timestamp to the next sample's (speedscope, DevTools' flame chart). */
function timelineSelf(cpu: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  let at = cpu.startTime + cpu.timeDeltas[0]!;
  for (let i = 0; i < cpu.samples.length - 1; i++) {
    const next = at + cpu.timeDeltas[i + 1]!;
    self.set(cpu.samples[i]!, (self.get(cpu.samples[i]!) ?? 0) + next - at);
    at = next;
  }
  assert.equal(at, cpu.endTime, "the last sample is at the end");
  return self;
}

test("the call tree becomes nodes depth first, with DevTools' 0-based lines and columns", () => {
  const cpu = parse(sample());
  assert.deepEqual(
    cpu.nodes.map((n) => [n.id, n.callFrame.functionName, n.callFrame.url, n.callFrame.lineNumber, n.callFrame.columnNumber, n.hitCount, n.children ?? []]),
    [
      [1, "(root)", "", -1, -1, 0, [2]],
      [2, "main", "src/main.ts", 0, 0, 3000, [3, 5]],
      [3, "Worker.work", "src/work.ts", 9, 2, 2000, [4]],
      [4, "Worker.work", "src/work.ts", 9, 2, 1000, []],
      [5, "helper", "src/work.ts", 19, 0, 500, []],
    ],
  );
  // One sample per node with self time, in tree order, then the root at the end time.
  assert.deepEqual(cpu.samples, [2, 3, 4, 5, 1]);
  assert.deepEqual(cpu.timeDeltas, [0, 3000, 2000, 1000, 500]);
  // No wall-clock start (a tick clock): one second, never 0 (DevTools' Performance panel drops events at 0).
  assert.equal(cpu.startTime, 1_000_000);
  assert.equal(cpu.endTime, 1_006_500);
  const expected = new Map([[1, 0], [2, 3000], [3, 2000], [4, 1000], [5, 500]]);
  assert.deepEqual(devtoolsSelf(cpu), expected, "DevTools' tree views");
  expected.delete(1);
  assert.deepEqual(timelineSelf(cpu), expected, "a timeline");
});

test("times are V8's: microseconds from the recording's wall-clock start, never 0, endTime = startTime + the deltas", () => {
  const profile = sample();
  profile.meta.startedAt = "2026-11-27T12:00:00.250Z";
  const cpu = parse(profile);
  assert.equal(cpu.startTime, Date.UTC(2026, 10, 27, 12, 0, 0, 250) * 1000);
  assert.equal(cpu.endTime, cpu.startTime + cpu.timeDeltas.reduce((sum, delta) => sum + delta, 0));
  assert.equal(cpu.endTime - cpu.startTime, 6500);
  assert.deepEqual(devtoolsSelf(cpu), new Map([[1, 0], [2, 3000], [3, 2000], [4, 1000], [5, 500]]));
  // A start that is no date: the fallback, as with none.
  profile.meta.startedAt = "soon";
  assert.equal(parse(profile).startTime, 1_000_000);
});

test("each file has its own scriptId (DevTools tells functions apart by name, scriptId, line and column)", () => {
  const profile = sample();
  // Two functions named helper at the same position of different files.
  profile.functions.push({ name: "helper", qualifiedName: "helper", file: "src/other.ts", line: 20, column: 1, kind: "async" });
  profile.stats.push({ function: 3, calls: 1, primitiveCalls: 1, selfTime: 0.001, totalTime: 0.001 });
  profile.callTree![0]!.children.push(node(3, 0.001));
  const cpu = parse(profile);
  assert.deepEqual(
    cpu.nodes.map((n) => [n.callFrame.functionName, n.callFrame.url, n.callFrame.scriptId]),
    [
      ["(root)", "", "0"],
      ["main", "src/main.ts", "1"],
      ["Worker.work", "src/work.ts", "2"],
      ["Worker.work", "src/work.ts", "2"],
      ["helper", "src/work.ts", "2"],
      ["helper", "src/other.ts", "3"],
    ],
  );
});

test("urls are file:// URLs of absolute paths when the profile knows its root; urls and names that are no path stay", () => {
  const profile = sample();
  const root = "/home/me/my project";
  profile.meta.root = root;
  const files = ["src/main.ts", "../lib/a#1?.js", "/opt/abs/ü.js", "http://localhost:8080/app.js", "~", "<unknown>", "./x/../y.js"];
  profile.functions = files.map((file, i) => ({ name: `f${i}`, qualifiedName: `f${i}`, file, line: i + 1, column: 1, kind: "function" as const }));
  profile.stats = files.map((_, i) => ({ function: i, calls: 1, primitiveCalls: 1, selfTime: 0.001, totalTime: 0.001 }));
  profile.callTree = files.map((_, i) => node(i, 0.001));
  const urls = parse(profile).nodes.slice(1).map((n) => n.callFrame.url);
  assert.deepEqual(urls, [
    pathToFileURL(join(root, "src/main.ts")).href,
    pathToFileURL("/home/me/lib/a#1?.js").href,
    pathToFileURL("/opt/abs/ü.js").href,
    "http://localhost:8080/app.js",
    "~",
    "<unknown>",
    pathToFileURL(join(root, "y.js")).href,
  ]);
  assert.equal(urls[0], "file:///home/me/my%20project/src/main.ts");
  assert.equal(cpuProfileUrl("../a.js", "/"), "file:///a.js", "no higher than /");
  // No root (a profile from a pstats file, an older file): relative paths as they are.
  delete profile.meta.root;
  assert.deepEqual(parse(profile).nodes.slice(1).map((n) => n.callFrame.url), ["src/main.ts", "../lib/a#1?.js", pathToFileURL("/opt/abs/ü.js").href, "http://localhost:8080/app.js", "~", "<unknown>", "./x/../y.js"]);
});

/** The url of every script V8 ran for `driver` (its precise coverage, NODE_V8_COVERAGE): what `node --cpu-prof` writes too. */
function v8ScriptUrls(driver: string): Set<string> {
  const coverage = `${driver}.coverage`;
  const run = spawnSync(process.execPath, [driver], { env: { ...process.env, NODE_V8_COVERAGE: coverage }, encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  const urls = new Set<string>();
  for (const file of readdirSync(coverage)) {
    for (const script of (JSON.parse(readFileSync(join(coverage, file), "utf8")) as { result: { url: string }[] }).result) urls.add(script.url);
  }
  return urls;
}

test("a file's url is the one V8 gives the script: each odd character of a name encoded as V8 encodes it, no more", () => {
  // V8's own urls: every script a CommonJS program loads is in its precise coverage (NODE_V8_COVERAGE),
  // under the url \`node --cpu-prof\` writes for it too.
  const dir = mkdtempSync(join(tmpdir(), "tsprof-urls-"));
  const names = ["we[1]^|{x}~%.js", 'a b"#?<>`{}.js', "@!$&'()*+,;=:.js", "ctl\x01\x1f\x7f.js", "ü€😀.js", "%2e%2E.js"];
  const driver = names.map((name) => `require(${JSON.stringify(join(dir, name))});`).join("\n");
  for (const name of names) writeFileSync(join(dir, name), "module.exports = 1;\n");
  writeFileSync(join(dir, "driver.js"), driver);
  const v8Urls = v8ScriptUrls(join(dir, "driver.js"));
  for (const name of names) assert.ok(v8Urls.has(cpuProfileUrl(name, dir)), `${JSON.stringify(name)}: ${cpuProfileUrl(name, dir)} is no url of V8's: ${[...v8Urls].filter((url) => url.startsWith("file://") && !url.endsWith("driver.js")).join(" ")}`);
  assert.equal(cpuProfileUrl("/r/we[1]^|{x}~%.js", undefined), "file:///r/we[1]^|%7Bx%7D~%25.js");
  // An ES module's url is pathToFileURL()'s, which also encodes "[", "]", "^", "|", "~": told by its extension.
  const modules = ["we[1]^|{x}~%.mjs", "ü€ a#?.mjs"];
  for (const name of modules) writeFileSync(join(dir, name), "export default 1;\n");
  writeFileSync(join(dir, "driver.mjs"), modules.map((name) => `await import(${JSON.stringify(pathToFileURL(join(dir, name)).href)});`).join("\n"));
  const v8ModuleUrls = v8ScriptUrls(join(dir, "driver.mjs"));
  for (const name of modules) assert.ok(v8ModuleUrls.has(cpuProfileUrl(name, dir)), `${JSON.stringify(name)}: ${cpuProfileUrl(name, dir)} is no url of V8's: ${[...v8ModuleUrls].filter((url) => url.startsWith("file://")).join(" ")}`);
  assert.equal(cpuProfileUrl("/r/we[1]^|{x}~%.mts", undefined), "file:///r/we%5B1%5D%5E%7C%7Bx%7D%7E%25.mts");
  // Written at exit, inside a program that may have replaced string and RegExp methods.
  const { replace } = String.prototype;
  const { test: regExpTest } = RegExp.prototype;
  const broken = (): never => {
    throw new Error("patched by the program");
  };
  String.prototype.replace = broken;
  RegExp.prototype.test = broken;
  try {
    assert.equal(cpuProfileUrl("/r/m[1].mjs", undefined), "file:///r/m%5B1%5D.mjs");
  } finally {
    String.prototype.replace = replace;
    RegExp.prototype.test = regExpTest;
  }
  // V8 drops a tab, newline or carriage return from a CommonJS file's url and turns "\\" into "/":
  // no url of that file. These are encoded as Node's pathToFileURL does (an ES module's url).
  assert.equal(cpuProfileUrl("/r/t\tn\nr\rb\\.js", undefined), "file:///r/t%09n%0Ar%0Db%5C.js");
  // No file on disk has a lone surrogate in its name (Node decodes the bytes); a site table may: U+FFFD, as a URL has it.
  assert.equal(cpuProfileUrl("/r/\uD800x\uDC00y.js", undefined), "file:///r/%EF%BF%BDx%EF%BF%BDy.js");
});

test("microseconds are rounded on the running sum: the total is exact, no node is off by a microsecond", () => {
  const profile = sample();
  // 1000 nodes of 0.4 µs, then one of 2.5 µs, under main.
  const small = Array.from({ length: 1000 }, () => node(2, 0.4e-6));
  profile.callTree = [node(0, 2.5e-6, small)];
  profile.stats = [
    { function: 0, calls: 1, primitiveCalls: 1, selfTime: 2.5e-6, totalTime: 402.5e-6 },
    { function: 2, calls: 1000, primitiveCalls: 1000, selfTime: 400e-6, totalTime: 400e-6 },
  ];
  const cpu = parse(profile);
  const total = cpu.endTime - cpu.startTime;
  assert.ok(total === 402 || total === 403, `2.5 + 1000 × 0.4 = 402.5 µs, rounded: ${total}`);
  let exact = 0;
  for (const n of cpu.nodes) {
    const want = n.id === 1 ? 0 : n.id === 2 ? 2.5 : 0.4;
    assert.ok(Math.abs(n.hitCount - want) <= 1, `node ${n.id}: ${n.hitCount} µs for ${want}`);
    exact += want;
  }
  assert.ok(Math.abs(cpu.nodes.reduce((sum, n) => sum + n.hitCount, 0) - exact) <= 1);
  assert.equal(cpu.samples.length, cpu.timeDeltas.length);
  assert.ok(cpu.samples.every((id, i) => i === cpu.samples.length - 1 || cpu.nodes[id - 1]!.hitCount > 0), "no sample for a node without time");
});

test("time the tree lacks (calls past its cap, no tree at all) goes under '(outside the call tree)', per function", () => {
  const capped = sample();
  capped.stats[1]!.selfTime = 0.0045; // 1.5 ms of work's calls never got a tree node
  const cpu = parse(capped);
  const outside = cpu.nodes.find((n) => n.callFrame.functionName === "(outside the call tree)")!;
  assert.deepEqual(cpu.nodes[0]!.children, [2, outside.id]);
  assert.deepEqual(
    outside.children!.map((id) => [cpu.nodes[id - 1]!.callFrame.functionName, cpu.nodes[id - 1]!.hitCount]),
    [["Worker.work", 1500]],
  );
  assert.equal(cpu.endTime - cpu.startTime, 8000);

  const { callTree: _tree, ...treeless } = sample();
  const flat = parse(treeless);
  const names = flat.nodes.map((n) => [n.callFrame.functionName, n.hitCount]);
  assert.deepEqual(names, [["(root)", 0], ["(outside the call tree)", 0], ["main", 3000], ["Worker.work", 3000], ["helper", 500]]);
});

test("a tree cut at its node cap: the node at the cap holds its callees' time, so nothing is added and the total stays the table's", () => {
  // As the runtime records it: main's one node reached the cap; work's and helper's calls below it
  // (3.5 ms) count in main's node, which the stats give to their own functions.
  const capped = sample();
  capped.meta.droppedTreeNodes = 4;
  capped.callTree = [node(0, 0.0065)];
  const cpu = parse(capped);
  assert.deepEqual(
    cpu.nodes.map((n) => [n.callFrame.functionName, n.hitCount]),
    [["(root)", 0], ["main", 6500]],
  );
  assert.equal(cpu.endTime - cpu.startTime, 6500, "the table's total self time");
  // A tree that lacks time and over-credits: only the remainder, as one leaf.
  capped.stats[1]!.selfTime = 0.004;
  const short = parse(capped);
  assert.deepEqual(
    short.nodes.map((n) => [n.callFrame.functionName, n.hitCount, n.children ?? []]),
    [["(root)", 0, [2, 3]], ["main", 6500, []], ["(outside the call tree)", 1000, []]],
  );
});

test("a tree thousands of levels deep is written without recursion", () => {
  const profile = sample();
  let deep = node(1, 1e-6);
  for (let i = 0; i < 20_000; i++) deep = node(1, 1e-6, [deep]);
  profile.callTree = [deep];
  profile.stats = [{ function: 1, calls: 20_001, primitiveCalls: 1, selfTime: 20_001e-6, totalTime: 20_001e-6 }];
  const cpu = parse(profile);
  assert.equal(cpu.nodes.length, 20_002);
  assert.equal(cpu.endTime - cpu.startTime, 20_001);
  assert.ok(!cpu.nodes.some((n) => n.callFrame.functionName === "(outside the call tree)"));
});

test("patched Array builtins in the program being profiled do not change the file (it is written at exit, in user code)", () => {
  const before = profileToCpuProfileText(sample());
  const proto = Array.prototype as unknown as Record<string | symbol, unknown>;
  const saved = { push: proto.push, join: proto.join, iterator: proto[Symbol.iterator] };
  try {
    proto.push = () => {
      throw new Error("push patched");
    };
    proto.join = () => "patched";
    proto[Symbol.iterator] = function* () {
      yield "patched";
    };
    assert.equal(profileToCpuProfileText(sample()), before);
  } finally {
    proto.push = saved.push;
    proto.join = saved.join;
    proto[Symbol.iterator] = saved.iterator;
  }
});

test("writeProfileFile picks the format by extension: .cpuprofile", () => {
  assert.ok(isCpuProfilePath("x/p.cpuprofile") && isCpuProfilePath("P.CPUPROFILE") && !isCpuProfilePath("p.tsprof.json"));
  const path = join(mkdtempSync(join(tmpdir(), "tsprof-cpuprofile-")), "p.cpuprofile");
  writeProfileFile(path, sample());
  assert.equal(readFileSync(path, "utf8"), profileToCpuProfileText(sample()));
  // Export only: reading one back says what it is.
  assert.throws(() => readProfile(readFileSync(path), path), {
    message: `${path}: not a tsprof profile: a Chrome .cpuprofile (timed samples, no call counts); tsprof reads .tsprof.json and Python pstats files`,
  });
});
