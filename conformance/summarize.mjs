// Prints a Markdown table of test262 runner summaries (the JSON files `run.mjs --out` writes), one row per run plus a total.
//
// Usage: node conformance/summarize.mjs conformance/results/*.json [conformance/results/rechecks/*.json]
//
// Every regression (passes plain, fails instrumented) of a run is counted once, as the first of:
//   excluded      it matches conformance/exclusions.txt as the list is now (it may postdate the run);
//   fixed since   a later re-check (a summary under a `rechecks/` folder, dated after the run) ran its
//                 file and it passed instrumented there;
//   unexplained   anything else.
// Re-checks are not rows of the table: they only answer for the regressions of earlier runs.
import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readExclusions } from "./run.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write("summarize: give one or more summary JSON files (written by run.mjs --out)\n");
  process.exit(2);
}

function readSummary(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    process.stderr.write(`summarize: ${file}: ${error.message}\n`);
    process.exit(2);
  }
}

const isRecheck = (file) => basename(dirname(file)) === "rechecks";
const exclusions = readExclusions(join(here, "exclusions.txt"));
const rechecks = files.filter(isRecheck).map((file) => ({ file, summary: readSummary(file) }));

/** "path (scenario)" -> its file path. */
const fileOf = (test) => test.replace(/ \([^)]*\)$/, "");

/** The re-check that shows `test` (a regression of a run dated `date`) passing instrumented, if any. */
function fixedBy(test, date) {
  return rechecks.find(
    ({ summary }) =>
      summary.date > date &&
      summary.paths.includes(fileOf(test)) &&
      !summary.regressionList.some((r) => r.test === test) &&
      !(summary.flakyOnRetry ?? []).includes(test),
  );
}

const columns = ["testRuns", "passedPlain", "passedInstrumented", "regressions", "excluded", "fixedSince", "unexplained"];
const total = Object.fromEntries(columns.map((column) => [column, 0]));
const rows = [];
const commits = new Set();
const unexplainedTests = [];
for (const file of files.filter((f) => !isRecheck(f)).sort()) {
  const summary = readSummary(file);
  commits.add(summary.test262Commit);
  const counts = { testRuns: summary.testRuns, passedPlain: summary.passedPlain, passedInstrumented: summary.passedInstrumented, regressions: 0, excluded: 0, fixedSince: 0, unexplained: 0 };
  for (const regression of summary.regressionList) {
    counts.regressions++;
    if (exclusions.some((e) => e.test(fileOf(regression.test)))) counts.excluded++;
    else if (fixedBy(regression.test, summary.date)) counts.fixedSince++;
    else {
      counts.unexplained++;
      unexplainedTests.push(`${basename(file, ".json")}: ${regression.test}`);
    }
  }
  for (const column of columns) total[column] += counts[column];
  const instrumented = summary.transform.instrumented ?? 0;
  rows.push(
    `| ${basename(file, ".json")} | ${summary.paths.map((p) => p.replace(/^test\/language\//, "")).join(", ")} | ${columns.map((c) => counts[c]).join(" | ")} | ${instrumented} | ${summary.profilesWritten} |`,
  );
}
const lines = [
  `test262 commit(s): ${[...commits].join(", ")}`,
  "",
  "| run | folders (test/language/…) | test runs | pass plain | pass instrumented | pass plain, fail instrumented | excluded | fixed since (re-checked) | unexplained | instrumented by Babel | profiles written |",
  "|---|---|---|---|---|---|---|---|---|---|---|",
  ...rows,
  `| **total** | | ${columns.map((c) => `**${total[c]}**`).join(" | ")} | | |`,
];
if (rechecks.length > 0) lines.push("", `Re-checks: ${rechecks.map(({ file, summary }) => `${basename(file, ".json")} (${summary.date.slice(0, 10)}, ${summary.testRuns} runs)`).join(", ")}`);
if (unexplainedTests.length > 0) lines.push("", "Unexplained:", ...unexplainedTests.map((t) => `- ${t}`));
process.stdout.write(`${lines.join("\n")}\n`);
