// cProfile parity: each fixtures/parity case's JS twin, run under `tsprof run`, counts calls as cProfile does for its Python twin.
//
// Compared per function and per caller -> callee edge, over the functions of the program
// file: calls, primitive calls, and tottime/cumtime in ticks of a clock that advances one
// tick per reading (tsprof's TSPROF_CLOCK=tick; a counter as cProfile's timer), so the
// times must match exactly too. Expected figures come from `python3 test/helpers/cprofile_dump.py program.py`, and are
// committed as `cprofile.json` (regenerate with UPDATE_GOLDEN=1) so that the JS side is
// still checked when python3 is absent. Adding a case means adding a folder.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listParityCases, type ParityCase } from "./helpers/parity-cases";
import { profileWithTsprof } from "./helpers/parity-js";
import { findPyenvPythons, findPython, runCprofileDump } from "./helpers/parity-python";
import {
  compareSummaries,
  summarizeCprofile,
  summarizeProfile,
  type CprofileDump,
  type ParitySummary,
  type ProfileCounts,
} from "./helpers/parity-summary";

const cases = listParityCases();
const python = findPython();
const updateGolden = process.env.UPDATE_GOLDEN === "1";

const jsSummaries = new Map<string, ParitySummary | Error>();

/** The JS twin's counts under `tsprof run -o` with the tick clock; run once per case (a failure too), shared by the tests. */
function jsSummary(parityCase: ParityCase): ParitySummary {
  let outcome = jsSummaries.get(parityCase.name);
  if (!outcome) {
    try {
      outcome = summarizeProfile(profileWithTsprof(parityCase.jsProgram), parityCase.jsProgram);
    } catch (error) {
      outcome = error as Error;
    }
    jsSummaries.set(parityCase.name, outcome);
  }
  if (outcome instanceof Error) throw outcome;
  return outcome;
}

/** cProfile's counts for the Python twin: freshly measured (golden checked or rewritten), else the golden, else none. */
function expectedDump(parityCase: ParityCase, t: TestContext): CprofileDump | undefined {
  const golden = existsSync(parityCase.golden)
    ? (JSON.parse(readFileSync(parityCase.golden, "utf8")) as CprofileDump)
    : undefined;
  if (!python) {
    if (golden) t.diagnostic("python3 not found: compared against the committed cprofile.json");
    else t.skip("python3 not found: parity not checked");
    return golden;
  }
  const fresh = runCprofileDump(python, parityCase.pythonProgram);
  const goldenName = `fixtures/parity/${parityCase.name}/cprofile.json`;
  if (updateGolden) writeFileSync(parityCase.golden, JSON.stringify(fresh, null, 1) + "\n");
  else if (!golden) assert.fail(`${goldenName} is missing: run the tests with UPDATE_GOLDEN=1`);
  else assert.deepEqual(golden, fresh, `${goldenName} is stale: rerun with UPDATE_GOLDEN=1`);
  return fresh;
}

for (const parityCase of cases) {
  const options = parityCase.knownDifference ? { todo: parityCase.knownDifference } : {};
  test(`parity ${parityCase.name}: tsprof counts calls and times as cProfile does`, options, (t) => {
    const dump = expectedDump(parityCase, t);
    if (!dump) return;
    assert.deepEqual(compareSummaries(summarizeCprofile(dump), jsSummary(parityCase)), []);
  });
}

test("parity under every Python 3.8-3.13 found in ~/.pyenv", async (t) => {
  const pythons = findPyenvPythons();
  if (pythons.length === 0) {
    t.skip("no ~/.pyenv/versions/3.8-3.13 found: parity across Python versions not checked");
    return;
  }
  for (const interpreter of pythons) {
    await t.test(`Python ${interpreter.version}`, () => {
      const differing: string[] = [];
      for (const parityCase of cases) {
        if (parityCase.knownDifference) continue; // reported as TODO by its own test
        const expected = summarizeCprofile(runCprofileDump(interpreter.executable, parityCase.pythonProgram));
        try {
          differing.push(...compareSummaries(expected, jsSummary(parityCase)).map((line) => `${parityCase.name}: ${line}`));
        } catch (error) {
          differing.push(`${parityCase.name}: ${(error as Error).message}`);
        }
      }
      assert.deepEqual(differing, [], `cases whose counts differ from Python ${interpreter.version}`);
    });
  }
});

// The reductions themselves, on hand-made inputs.

test("cProfile side: __init__ takes its class's name, shared method names are qualified", () => {
  const dump: CprofileDump = {
    functions: [
      { name: "__init__", className: "Shape", line: 2, kind: "function", calls: 2, primitiveCalls: 2, selfTicks: 2, totalTicks: 2 },
      { name: "area", className: "Shape", line: 4, kind: "function", calls: 1, primitiveCalls: 1, selfTicks: 1, totalTicks: 1 },
      { name: "__init__", className: "Rect", line: 8, kind: "function", calls: 1, primitiveCalls: 1, selfTicks: 2, totalTicks: 3 },
      { name: "area", className: "Rect", line: 10, kind: "function", calls: 3, primitiveCalls: 3, selfTicks: 3, totalTicks: 3 },
      {
        name: "walk", className: null, line: 13, kind: "generator",
        calls: 1, primitiveCalls: 1, selfTicks: 9, totalTicks: 12, cprofileCalls: 4,
      },
    ],
    edges: [
      { caller: 2, callee: 0, calls: 1, primitiveCalls: 1, selfTicks: 1, totalTicks: 1 },
      { caller: 4, callee: 3, calls: 3, primitiveCalls: 3, selfTicks: 3, totalTicks: 3 },
    ],
  };
  assert.deepEqual(summarizeCprofile(dump), {
    functions: {
      Rect: { calls: 1, primitiveCalls: 1, selfTicks: 2, totalTicks: 3 },
      "Rect.area": { calls: 3, primitiveCalls: 3, selfTicks: 3, totalTicks: 3 },
      Shape: { calls: 2, primitiveCalls: 2, selfTicks: 2, totalTicks: 2 },
      "Shape.area": { calls: 1, primitiveCalls: 1, selfTicks: 1, totalTicks: 1 },
      walk: { calls: 1, primitiveCalls: 1, selfTicks: 9, totalTicks: 12 },
    },
    edges: {
      "Rect -> Shape": { calls: 1, primitiveCalls: 1, selfTicks: 1, totalTicks: 1 },
      "walk -> Rect.area": { calls: 3, primitiveCalls: 3, selfTicks: 3, totalTicks: 3 },
    },
  });
});

test("tsprof side: only the program file's functions and the edges between them, seconds back to ticks", () => {
  const profile: ProfileCounts = {
    functions: [
      { name: "helper", qualifiedName: "helper", file: "lib/other.js" },
      { name: "area", qualifiedName: "Rect.area", file: "fixtures/parity/x/program.ts" },
      { name: "area", qualifiedName: "Shape.area", file: "fixtures/parity/x/program.ts" },
      { name: "main", qualifiedName: "main", file: "fixtures/parity/x/program.ts" },
    ],
    // 0.1 + 0.2 is 0.30000000000000004 in seconds: rounding to ticks must absorb that, but
    // not hide half a tick.
    stats: [
      { function: 0, calls: 5, primitiveCalls: 5, selfTime: 0.01, totalTime: 0.01 },
      { function: 1, calls: 2, primitiveCalls: 2, selfTime: 0.1 + 0.2, totalTime: 0.004 },
      { function: 2, calls: 1, primitiveCalls: 1, selfTime: 0.001, totalTime: 0.0015 },
      { function: 3, calls: 1, primitiveCalls: 1, selfTime: 0.003, totalTime: 0.02 },
    ],
    edges: [
      { caller: 3, callee: 0, calls: 5, primitiveCalls: 5, selfTime: 0.01, totalTime: 0.01 },
      { caller: 3, callee: 1, calls: 2, primitiveCalls: 1, selfTime: 0.002, totalTime: 0.004 },
    ],
  };
  assert.deepEqual(summarizeProfile(profile, "/abs/fixtures/parity/x/program.ts"), {
    functions: {
      "Rect.area": { calls: 2, primitiveCalls: 2, selfTicks: 300, totalTicks: 4 },
      "Shape.area": { calls: 1, primitiveCalls: 1, selfTicks: 1, totalTicks: 1.5 },
      main: { calls: 1, primitiveCalls: 1, selfTicks: 3, totalTicks: 20 },
    },
    edges: { "main -> Rect.area": { calls: 2, primitiveCalls: 1, selfTicks: 2, totalTicks: 4 } },
  });
});

test("two free functions with one name make the case ambiguous, not silently merged", () => {
  const dump: CprofileDump = {
    functions: [
      { name: "add", className: null, line: 2, kind: "function", calls: 1, primitiveCalls: 1, selfTicks: 2, totalTicks: 2 },
      { name: "add", className: null, line: 6, kind: "function", calls: 2, primitiveCalls: 2, selfTicks: 4, totalTicks: 4 },
    ],
    edges: [],
  };
  assert.throws(() => summarizeCprofile(dump), /two functions named "add"/);
});

test("differences are listed one per function or edge, naming the figure and both values", () => {
  const figures = (calls: number, selfTicks: number) => ({ calls, primitiveCalls: 1, selfTicks, totalTicks: 9 });
  const cprofile = {
    functions: { main: figures(1, 2), walk: figures(3, 4) },
    edges: { "main -> walk": figures(1, 4) },
  };
  const tsprof = {
    functions: { main: figures(1, 2), walk: figures(2, 5) },
    edges: { "walk -> walk": figures(1, 1) },
  };
  assert.deepEqual(compareSummaries(cprofile, cprofile), []);
  assert.deepEqual(compareSummaries(cprofile, tsprof), [
    "function walk: calls tsprof 2, cProfile 3; selfTicks tsprof 5, cProfile 4",
    "edge main -> walk: missing in tsprof (cProfile: calls 1, primitiveCalls 1, selfTicks 4, totalTicks 9)",
    "edge walk -> walk: not in cProfile (tsprof: calls 1, primitiveCalls 1, selfTicks 1, totalTicks 9)",
  ]);
});

test("pyenv interpreters: 3.8 to 3.13 with a python3, in version order", () => {
  const root = mkdtempSync(join(tmpdir(), "tsprof-pyenv-"));
  for (const version of ["2.7.18", "3.7.16", "3.10.13", "3.8.18", "3.12.1", "3.13.0", "3.14.0", "3.9.18"]) {
    mkdirSync(join(root, version, "bin"), { recursive: true });
    if (version !== "3.9.18") writeFileSync(join(root, version, "bin", "python3"), "");
  }
  assert.deepEqual(
    findPyenvPythons(root).map((p) => p.version),
    ["3.8.18", "3.10.13", "3.12.1", "3.13.0"],
  );
  assert.deepEqual(findPyenvPythons(join(root, "absent")), []);
});
