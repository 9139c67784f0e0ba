// Call-count oracle: tsprof's `calls` per function equal V8's own precise call counts, on acorn parsing real code.
//
// acorn's dist/acorn.js (~250 KB, 360 functions) parses and tokenizes itself and picomatch's parser
// in two child processes: the plain file under V8 precise coverage (callCount, detailed), and a copy
// instrumented by the tsprof plugin with the real runtime writing its profile at exit. V8 names a
// function by the character offset of its start; that offset is mapped to the 1-based line and
// column tsprof's site table uses, and for every function both report the counts must be equal.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Profile as ProfileData } from "@tsprof/format";
import { instrumentSource } from "./helpers/transparency-instrument";

interface V8Function {
  functionName: string;
  isBlockCoverage: boolean;
  /** ranges[0] spans the whole function; its count is the number of calls. */
  ranges: { startOffset: number; endOffset: number; count: number }[];
}

/** Maps a UTF-16 offset of `source` to the 1-based line and column. */
function positionOf(lineStarts: number[], offset: number): string {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (lineStarts[middle] <= offset) low = middle;
    else high = middle - 1;
  }
  return `${low + 1}:${offset - lineStarts[low] + 1}`;
}

function lineStartsOf(source: string): number[] {
  const starts = [0];
  for (const match of source.matchAll(/\r\n|[\n\r\u2028\u2029]/g)) starts.push(match.index! + match[0].length);
  return starts;
}

const acornDir = dirname(require.resolve("acorn/package.json"));
const acornFile = join(acornDir, "dist", "acorn.js");
const driver = join(__dirname, "helpers", "transparency-coverage-driver.js");
/** What acorn parses: its own source and picomatch's parser (each parsed, then tokenized). */
const INPUTS = [
  { file: acornFile, sourceType: "script" },
  { file: require.resolve("picomatch/lib/parse.js"), sourceType: "script" },
];

function runDriver(modulePath: string, inputsPath: string, extraArgs: string[], env: Record<string, string>): void {
  const result = spawnSync(process.execPath, [driver, modulePath, inputsPath, ...extraArgs], {
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, ...env },
  });
  assert.equal(result.status, 0, `driver failed: ${result.stderr}`);
}

test("call counts: tsprof's calls per function equal V8's precise call counts (acorn parsing its own 250 KB source)", () => {
  const work = mkdtempSync(join(tmpdir(), "tsprof-call-counts-"));
  try {
    const source = readFileSync(acornFile, "utf8");
    const inputsPath = join(work, "inputs.json");
    writeFileSync(inputsPath, JSON.stringify(INPUTS));

    // Plain acorn, counted by V8 (the copy sits at its own path so the coverage entry is unambiguous).
    const plainFile = join(work, "acorn.js");
    writeFileSync(plainFile, source);
    const coveragePath = join(work, "coverage.json");
    runDriver(plainFile, inputsPath, [coveragePath], {});
    const lineStarts = lineStartsOf(source);
    const v8Calls = new Map<string, { name: string; calls: number }>();
    for (const fn of JSON.parse(readFileSync(coveragePath, "utf8")) as V8Function[]) {
      const range = fn.ranges[0];
      if (range.startOffset === 0 && fn.functionName === "") continue; // the module's top level
      v8Calls.set(positionOf(lineStarts, range.startOffset), { name: fn.functionName, calls: range.count });
    }

    // The same file instrumented, counted by tsprof.
    const instrumentedFile = join(work, "acorn.instrumented.js");
    const instrumented = instrumentSource(source, {
      filename: join(work, "acorn.js"),
      root: work,
      sourceType: "script",
      runtime: require.resolve("@tsprof/runtime/probe"),
      importStyle: "require",
    });
    writeFileSync(instrumentedFile, instrumented.code);
    const profilePath = join(work, "profile.tsprof.json");
    runDriver(instrumentedFile, inputsPath, [], { TSPROF_OUTPUT: profilePath, TSPROF_CLOCK: "tick" });
    const profile = JSON.parse(readFileSync(profilePath, "utf8")) as ProfileData;
    const tsprofCalls = new Map<string, { name: string; calls: number }>();
    const callsOf = new Map(profile.stats.map((row) => [row.function, row.calls]));
    profile.functions.forEach((info, index) => {
      if (info.file === "acorn.js") tsprofCalls.set(`${info.line}:${info.column}`, { name: info.qualifiedName, calls: callsOf.get(index) ?? 0 });
    });

    const differences: string[] = [];
    let compared = 0;
    let totalCalls = 0;
    for (const [position, v8] of v8Calls) {
      const ours = tsprofCalls.get(position);
      if (!ours) continue;
      compared++;
      totalCalls += v8.calls;
      if (ours.calls !== v8.calls) differences.push(`acorn.js:${position} ${ours.name} (V8: ${v8.name}): tsprof ${ours.calls}, V8 ${v8.calls}`);
    }
    // The profile lists the functions that were called; V8 lists every function it compiled, called or not.
    const onlyV8Called = [...v8Calls].filter(([position, v8]) => v8.calls > 0 && !tsprofCalls.has(position)).map(([position, v8]) => `${position} ${v8.name}`);
    const onlyTsprof = [...tsprofCalls].filter(([position]) => !v8Calls.has(position)).map(([position, ours]) => `${position} ${ours.name}`);
    console.log(
      `call counts: ${instrumented.sites} sites, V8 reports ${v8Calls.size} functions; ${compared} matched by position, ` +
        `${totalCalls} calls compared, ${differences.length} differ`,
    );
    assert.deepEqual(differences, []);
    assert.deepEqual(onlyV8Called, [], "functions V8 saw called that tsprof did not profile (or placed elsewhere)");
    assert.deepEqual(onlyTsprof, [], "functions tsprof profiled at a position where V8 has no function");
    assert.ok(compared > 150 && totalCalls > 100_000, `only ${compared} functions / ${totalCalls} calls compared`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
