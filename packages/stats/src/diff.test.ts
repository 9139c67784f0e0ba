// tsprof diff: rows matched by key, sorted by the size of the change, new/gone functions marked.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FunctionInfo, Profile } from "@tsprof/format";
import { printDiff } from "./diff";
import { runDiffCommand } from "./diff-command";
import { Stats } from "./stats";

const fn = (name: string, line: number): FunctionInfo => ({ name, qualifiedName: name, file: "src/a.ts", line, column: 1, kind: "function" });
const profile = (rows: Array<[FunctionInfo, number, number, number]>): Profile => ({
  format: "tsprof-profile",
  version: 1,
  timeUnit: "s",
  meta: { tool: "test", clock: "tick" },
  duration: 1,
  functions: rows.map(([info]) => info),
  stats: rows.map(([, calls, selfTime, totalTime], i) => ({ function: i, calls, primitiveCalls: calls, selfTime, totalTime })),
  edges: [],
});

// Base: main 1 call (0.25 self, 1 total), slow 2 calls (0.75), old 1 call (0.125).
const BASE = profile([[fn("main", 1), 1, 0.25, 1], [fn("slow", 5), 2, 0.75, 0.75], [fn("old", 9), 1, 0.125, 0.125]]);
// New: main unchanged in self (1.5 total), slow 4 calls (1.25), fresh 1 call (0.5).
const NEXT = profile([[fn("main", 1), 1, 0.25, 1.5], [fn("slow", 5), 4, 1.25, 1.25], [fn("fresh", 12), 1, 0.5, 0.5]]);

test("the comparison, largest cumulative change first", () => {
  let out = "";
  printDiff(new Stats(BASE), new Stats(NEXT), { write: (s) => void (out += s) }, { labels: ["base.json", "new.json"] });
  assert.equal(
    out,
    "base: base.json\n      4 function calls in 1.125 seconds\n" +
      "new:  new.json\n      6 function calls in 2.000 seconds\n\n" +
      "         +2 function calls, +0.875 seconds (+77.8%)\n\n" +
      "   Ordered by: change in cumulative time\n\n" +
      "   ncalls   Δcalls  tottime  Δtottime  cumtime  Δcumtime filename:lineno(function)\n" +
      "        1       +0    0.250    +0.000    1.500    +0.500 src/a.ts:1(main)\n" +
      "        4       +2    1.250    +0.500    1.250    +0.500 src/a.ts:5(slow)\n" +
      "        1       +1    0.500    +0.500    0.500    +0.500 src/a.ts:12(fresh)  (new)\n" +
      "        -       -1        -    -0.125        -    -0.125 src/a.ts:9(old)  (gone)\n\n\n",
  );
});

test("runDiffCommand: sort by calls, limit, JSON, and usage errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-diff-"));
  const [base, next] = [join(dir, "base.tsprof.json"), join(dir, "new.tsprof.json")];
  writeFileSync(base, JSON.stringify(BASE));
  writeFileSync(next, JSON.stringify(NEXT));
  let stdout = "";
  let stderr = "";
  const io = { stdout: { write: (s: string) => void (stdout += s) }, stderr: { write: (s: string) => void (stderr += s) } };
  assert.equal(runDiffCommand([base, next, "-s", "calls", "--limit", "1"], io), 0);
  assert.match(stdout, /Ordered by: change in call count\n   List reduced from 4 to 1 due to restriction <1>\n\n.*\n        4       \+2 .* src\/a\.ts:5\(slow\)\n/);
  stdout = "";
  assert.equal(runDiffCommand([base, next, "--json"], io), 0);
  const document = JSON.parse(stdout);
  assert.deepEqual(document.functions.map((f: { name: string }) => f.name), ["main", "slow", "fresh", "old"]);
  assert.equal(document.functions[3].new, null);
  assert.equal(runDiffCommand([base], io), 2);
  assert.equal(stderr, "tsprof diff: diff needs exactly two profiles, BASE and NEW (got 1)\n");
});

test("runDiffCommand: a bad option is one stderr line before anything is printed", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-diff-"));
  const [base, next] = [join(dir, "base.tsprof.json"), join(dir, "new.tsprof.json")];
  writeFileSync(base, JSON.stringify(BASE));
  writeFileSync(next, JSON.stringify(NEXT));
  const cases: Array<[string[], string]> = [
    [["-s", "bogus"], "tsprof diff: unknown sort key 'bogus'"],
    [["--json", "-s", "bogus"], "tsprof diff: unknown sort key 'bogus'"],
    [["--reverse"], "tsprof diff: diff takes no --callers, --callees, --call-sort, --call-limit, --reverse or --dump"],
    [["--call-sort", "calls"], "tsprof diff: diff takes no --callers"],
    [["--call-limit", "2"], "tsprof diff: diff takes no --callers"],
    [["--json=false"], "tsprof diff: --json: ignored explicit argument 'false'"],
    [["--strip=no"], "tsprof diff: --strip: ignored explicit argument 'no'"],
  ];
  for (const [options, message] of cases) {
    let stdout = "";
    let stderr = "";
    const io = { stdout: { write: (s: string) => void (stdout += s) }, stderr: { write: (s: string) => void (stderr += s) } };
    assert.equal(runDiffCommand([base, next, ...options], io), 2, options.join(" "));
    assert.equal(stdout, "", options.join(" "));
    assert.ok(stderr.startsWith(message) && stderr.endsWith("\n") && stderr.split("\n").length === 2, stderr);
  }
});
