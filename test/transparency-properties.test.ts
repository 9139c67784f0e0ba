// Property: a generated program behaves identically plain and instrumented (results, errors, console output, async order).
//
// Programs come from helpers/transparency-programs.ts. Each runs three times in fresh vm contexts:
// plain; instrumented on the recording probe log of @tsprof/instrument/testing (which also checks
// the stack discipline: no protocol breach, nothing left on the stack, every frame exited); and
// instrumented on the real runtime. Seeded: TSPROF_FC_SEED=<n> replays a run, TSPROF_FC_RUNS=<n>
// widens it (CI keeps 200).
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { transformSync } from "@babel/core";
import { createProbeLog, observeRun, runInFreshContext } from "@tsprof/instrument/testing";
import { programArbitrary } from "./helpers/transparency-programs";
import { loadRecordingRuntime } from "./helpers/transparency-instrument";
import tsprofPlugin = require("@tsprof/babel-plugin");

const seed = Number(process.env.TSPROF_FC_SEED ?? 20261125);
const numRuns = Number(process.env.TSPROF_FC_RUNS ?? 200);
const runtime = loadRecordingRuntime();

function instrument(code: string): string {
  return transformSync(code, {
    filename: "/virtual/program.js",
    root: "/virtual",
    babelrc: false,
    configFile: false,
    sourceType: "script",
    plugins: [[tsprofPlugin, { runtime: "global", root: "/virtual" }]],
  })!.code!;
}

/** The run's observable behaviour: what run() returned or threw, and every console line in order. */
async function observe(code: string, probe: unknown): Promise<string> {
  const lines: string[] = [];
  const console = { log: (...args: unknown[]) => lines.push(args.map(String).join(" ")) };
  const globals: Record<string, unknown> = { console };
  if (probe) globals.__tsprof = probe;
  const outcome = await observeRun(runInFreshContext(code, "program.js", globals));
  return `${outcome}\n${lines.join("\n")}`;
}

/** One generated program: the same behaviour plain, on the probe log (with a clean stack discipline), and on the real runtime. */
async function checkProgram(program: string): Promise<number> {
  const instrumented = instrument(program);
  const expected = await observe(program, undefined);

  const log = createProbeLog();
  assert.equal(await observe(instrumented, log.entry), expected, "differs on the probe log");
  assert.deepEqual(log.violations, []);
  assert.deepEqual(log.stack(), []);
  assert.deepEqual(log.openFrames(), []);

  assert.equal(await observe(instrumented, runtime.entry), expected, "differs on the real runtime");
  return log.events.length;
}

test(`generated programs behave the same plain and instrumented (${numRuns} runs, seed ${seed})`, async () => {
  console.log(`fast-check seed ${seed}, ${numRuns} runs (TSPROF_FC_SEED / TSPROF_FC_RUNS to change)`);
  let probeCalls = 0;
  const recording = runtime.startRecording();
  let profile: ReturnType<typeof recording.stop>;
  try {
    const property = fc.asyncProperty(programArbitrary, async (program) => {
      probeCalls += await checkProgram(program);
    });
    await fc.assert(property, { seed, numRuns });
  } finally {
    profile = recording.stop();
  }
  const recordedCalls = profile.stats.reduce((total, row) => total + row.calls, 0);
  console.log(`probe log: ${probeCalls} probe calls; real runtime: ${recordedCalls} calls of ${profile.stats.length} functions`);
  assert.ok(probeCalls > numRuns * 10, `only ${probeCalls} probe calls in ${numRuns} programs`);
  assert.ok(recordedCalls > numRuns * 5, `the real runtime recorded only ${recordedCalls} calls`);
});
