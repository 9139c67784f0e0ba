// test262-parser-tests through the tsprof plugin: valid programs stay valid and run the same, invalid ones stay invalid.
//
// pass/  every program (script, or module for *.module.js) is instrumented; the output must parse
//        (acorn) and a script whose top level ran plain must run instrumented in a fresh vm context
//        with the same outcome (completes, or throws the same kind of error), probes feeding the
//        real runtime.
// early/ programs with an early error: instrumenting must not make any of them valid (Babel
//        rejects it, or the output is rejected as the original was).
// Both also run with `onError: "skip"`: the plugin never crashes Babel; a file it cannot handle
//        comes back uninstrumented with one warning line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import vm from "node:vm";
import * as acorn from "acorn";
import { instrumentSource, loadRecordingRuntime } from "./helpers/transparency-instrument";

const suiteDir = dirname(require.resolve("test262-parser-tests/package.json"));
const runtime = loadRecordingRuntime();

interface Program {
  name: string;
  source: string;
  sourceType: "script" | "module";
}

function readPrograms(folder: string): Program[] {
  return readdirSync(join(suiteDir, folder))
    .filter((name) => name.endsWith(".js"))
    .sort()
    .map((name) => ({
      name: `${folder}/${name}`,
      source: readFileSync(join(suiteDir, folder, name), "utf8"),
      sourceType: name.endsWith(".module.js") ? "module" : "script",
    }));
}

function acornParses(source: string, sourceType: "script" | "module"): boolean {
  try {
    acorn.parse(source, { ecmaVersion: "latest", sourceType });
    return true;
  } catch {
    return false;
  }
}

/** V8's verdict on a script (compile only), acorn's on a module (V8 compiles modules only behind a flag). */
function engineAccepts(source: string, sourceType: "script" | "module"): boolean {
  if (sourceType === "module") return acornParses(source, "module");
  try {
    new vm.Script(source);
    return true;
  } catch {
    return false;
  }
}

/** Runs a script's top level in a fresh context: "ok", or the thrown error's constructor name. */
function runTopLevel(source: string, globals: Record<string, unknown>): string {
  const context = vm.createContext({ ...globals }, { microtaskMode: "afterEvaluate" });
  try {
    new vm.Script(source).runInContext(context, { timeout: 500 });
    return "ok";
  } catch (error) {
    const name = (error as { constructor?: { name?: string } } | null)?.constructor?.name;
    return `throws ${name ?? typeof error}`;
  }
}

type Outcome =
  | { kind: "instrumented"; code: string; sites: number }
  | { kind: "babel-parse-error"; reason: string }
  | { kind: "plugin-error"; reason: string };

function instrument(program: Program, onError: "throw" | "skip" = "throw"): Outcome {
  try {
    const result = instrumentSource(program.source, { filename: join(suiteDir, program.name), root: suiteDir, sourceType: program.sourceType, onError });
    return { kind: "instrumented", ...result };
  } catch (error) {
    const reason = String((error as Error).message).split("\n")[0];
    return { kind: /tsprof:/.test(reason) ? "plugin-error" : "babel-parse-error", reason };
  }
}

/** pass/ programs @babel/parser 7.29 rejects (so no Babel plugin can see them). */
const BABEL_PARSER_GAPS = [
  // try {} catch (a) { if(1) function a(){} }  (Annex B function in an if, same name as the catch
  // parameter: valid sloppy code; Babel reports 'Duplicate declaration "a"')
  "pass/3dabeca76119d501.js",
];

const passPrograms = readPrograms("pass");
const earlyPrograms = readPrograms("early");
const passOutcomes = new Map(passPrograms.map((program) => [program.name, instrument(program)]));
const earlyOutcomes = new Map(earlyPrograms.map((program) => [program.name, instrument(program)]));

test(`parser tests: every pass/ program is instrumented and still parses (${passPrograms.length} programs)`, () => {
  const babelCannotParse: string[] = [];
  const pluginErrors: string[] = [];
  const outputInvalid: string[] = [];
  let withSites = 0;
  for (const program of passPrograms) {
    const outcome = passOutcomes.get(program.name)!;
    if (outcome.kind === "babel-parse-error") babelCannotParse.push(program.name);
    else if (outcome.kind === "plugin-error") pluginErrors.push(`${program.name}: ${outcome.reason}`);
    else {
      if (outcome.sites > 0) withSites++;
      if (acornParses(program.source, program.sourceType) && !acornParses(outcome.code, program.sourceType)) outputInvalid.push(program.name);
    }
  }
  console.log(`pass/: ${passPrograms.length} programs, ${withSites} with probes, Babel cannot parse ${babelCannotParse.length}, plugin errors ${pluginErrors.length}`);
  assert.deepEqual(pluginErrors, []);
  assert.deepEqual(outputInvalid, []);
  // Babel's parser is not the plugin's business, but it is the user's: the known cases, each checked by hand.
  assert.deepEqual(babelCannotParse, BABEL_PARSER_GAPS);
  assert.ok(withSites > 500, `only ${withSites} programs got probes: the plugin is not instrumenting`);
});

test("parser tests: every pass/ script that runs plain runs the same instrumented, on the real runtime", () => {
  const differences: string[] = [];
  let compared = 0;
  const { profile } = runtime.record(() => {
    for (const program of passPrograms) {
      const outcome = passOutcomes.get(program.name)!;
      if (program.sourceType !== "script" || outcome.kind !== "instrumented" || outcome.sites === 0) continue;
      const plain = runTopLevel(program.source, {});
      const instrumented = runTopLevel(outcome.code, { __tsprof: runtime.entry });
      compared++;
      if (plain !== instrumented) differences.push(`${program.name}: plain ${plain}, instrumented ${instrumented}`);
    }
  });
  const calls = profile.stats.reduce((sum, row) => sum + row.calls, 0);
  console.log(`pass/ scripts run plain and instrumented: ${compared}; calls recorded: ${calls} in ${profile.stats.length} functions`);
  assert.deepEqual(differences, []);
  assert.ok(compared > 500 && calls > 100, `compared ${compared} scripts, recorded ${calls} calls`);
});

test(`parser tests: no early/ program becomes valid (${earlyPrograms.length} programs)`, () => {
  const becameValid: string[] = [];
  let rejectedByBabel = 0;
  let considered = 0;
  for (const program of earlyPrograms) {
    if (engineAccepts(program.source, program.sourceType)) continue; // the engine itself misses this early error
    considered++;
    const outcome = earlyOutcomes.get(program.name)!;
    if (outcome.kind !== "instrumented") {
      rejectedByBabel++;
      continue;
    }
    if (engineAccepts(outcome.code, program.sourceType)) becameValid.push(program.name);
  }
  console.log(`early/: ${considered} rejected by the engine, ${rejectedByBabel} of them rejected by Babel, ${becameValid.length} became valid`);
  assert.deepEqual(becameValid, []);
  assert.ok(considered > 300);
});

test('parser tests: with onError "skip" the plugin never throws; a file it cannot handle comes back as it was, with a warning', () => {
  const crashes: string[] = [];
  const warnings: string[] = [];
  const originalWarn = console.warn;
  console.warn = (line: string) => warnings.push(String(line));
  try {
    for (const program of [...passPrograms, ...earlyPrograms]) {
      const outcome = instrument(program, "skip");
      if (outcome.kind === "plugin-error") crashes.push(`${program.name}: ${outcome.reason}`);
      const strict = passOutcomes.get(program.name) ?? earlyOutcomes.get(program.name);
      if (strict?.kind === "plugin-error" && outcome.kind === "instrumented") {
        assert.equal(outcome.sites, 0, `${program.name} failed to instrument, yet came back with probes`);
      }
    }
  } finally {
    console.warn = originalWarn;
  }
  const failedBefore = [...passOutcomes.values(), ...earlyOutcomes.values()].filter((outcome) => outcome.kind === "plugin-error").length;
  console.log(`onError "skip": ${crashes.length} crashes, ${warnings.length} warnings (${failedBefore} programs the plugin cannot handle)`);
  assert.deepEqual(crashes, []);
  assert.equal(warnings.length, failedBefore);
  for (const warning of warnings) assert.match(warning, /^tsprof: left \S+ uninstrumented: /);
});
