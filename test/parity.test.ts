// cProfile parity: each fixtures/parity case's JS twin, run under `tsprof run`, counts calls as cProfile does for its Python twin.
//
// Compared per function (calls, primitive calls) and per caller -> callee edge (calls,
// primitive calls) over the functions of the program file; times are not compared.
// Expected counts come from `python3 test/helpers/cprofile_dump.py program.py`, and are
// committed as `cprofile.json` (regenerate with UPDATE_GOLDEN=1) so that the JS side is
// still checked when python3 is absent. Adding a case means adding a folder.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { listParityCases, type ParityCase } from "./helpers/parity-cases";
import { profileWithTsprof } from "./helpers/parity-js";
import { findPyenvPythons, findPython, runCprofileDump } from "./helpers/parity-python";
import {
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
  if (updateGolden) writeFileSync(parityCase.golden, JSON.stringify(fresh, null, 1) + "\n");
  else assert.deepEqual(golden, fresh, `fixtures/parity/${parityCase.name}/cprofile.json is stale: rerun with UPDATE_GOLDEN=1`);
  return fresh;
}

for (const parityCase of cases) {
  test(`parity ${parityCase.name}: tsprof counts calls as cProfile does`, (t) => {
    const dump = expectedDump(parityCase, t);
    if (!dump) return;
    assert.deepEqual(jsSummary(parityCase), summarizeCprofile(dump));
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
        const expected = summarizeCprofile(runCprofileDump(interpreter.executable, parityCase.pythonProgram));
        try {
          assert.deepEqual(jsSummary(parityCase), expected);
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
      { name: "__init__", className: "Shape", line: 2, kind: "function", calls: 2, primitiveCalls: 2 },
      { name: "area", className: "Shape", line: 4, kind: "function", calls: 1, primitiveCalls: 1 },
      { name: "__init__", className: "Rect", line: 8, kind: "function", calls: 1, primitiveCalls: 1 },
      { name: "area", className: "Rect", line: 10, kind: "function", calls: 3, primitiveCalls: 3 },
      { name: "walk", className: null, line: 13, kind: "generator", calls: 1, primitiveCalls: 1, cprofileCalls: 4 },
    ],
    edges: [
      { caller: 2, callee: 0, calls: 1, primitiveCalls: 1 },
      { caller: 4, callee: 3, calls: 3, primitiveCalls: 3 },
    ],
  };
  assert.deepEqual(summarizeCprofile(dump), {
    functions: {
      Rect: { calls: 1, primitiveCalls: 1 },
      "Rect.area": { calls: 3, primitiveCalls: 3 },
      Shape: { calls: 2, primitiveCalls: 2 },
      "Shape.area": { calls: 1, primitiveCalls: 1 },
      walk: { calls: 1, primitiveCalls: 1 },
    },
    edges: {
      "Rect -> Shape": { calls: 1, primitiveCalls: 1 },
      "walk -> Rect.area": { calls: 3, primitiveCalls: 3 },
    },
  });
});

test("tsprof side: only the program file's functions and the edges between them", () => {
  const profile: ProfileCounts = {
    functions: [
      { name: "helper", qualifiedName: "helper", file: "lib/other.js" },
      { name: "area", qualifiedName: "Rect.area", file: "fixtures/parity/x/program.ts" },
      { name: "area", qualifiedName: "Shape.area", file: "fixtures/parity/x/program.ts" },
      { name: "main", qualifiedName: "main", file: "fixtures/parity/x/program.ts" },
    ],
    stats: [
      { function: 0, calls: 5, primitiveCalls: 5 },
      { function: 1, calls: 2, primitiveCalls: 2 },
      { function: 2, calls: 1, primitiveCalls: 1 },
      { function: 3, calls: 1, primitiveCalls: 1 },
    ],
    edges: [
      { caller: 3, callee: 0, calls: 5, primitiveCalls: 5 },
      { caller: 3, callee: 1, calls: 2, primitiveCalls: 1 },
    ],
  };
  assert.deepEqual(summarizeProfile(profile, "/abs/fixtures/parity/x/program.ts"), {
    functions: {
      "Rect.area": { calls: 2, primitiveCalls: 2 },
      "Shape.area": { calls: 1, primitiveCalls: 1 },
      main: { calls: 1, primitiveCalls: 1 },
    },
    edges: { "main -> Rect.area": { calls: 2, primitiveCalls: 1 } },
  });
});

test("two free functions with one name make the case ambiguous, not silently merged", () => {
  const dump: CprofileDump = {
    functions: [
      { name: "add", className: null, line: 2, kind: "function", calls: 1, primitiveCalls: 1 },
      { name: "add", className: null, line: 6, kind: "function", calls: 2, primitiveCalls: 2 },
    ],
    edges: [],
  };
  assert.throws(() => summarizeCprofile(dump), /two functions named "add"/);
});
