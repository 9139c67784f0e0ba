// Prints a Markdown table of test262 runner summaries (the JSON files `run.mjs --out` writes), one row per run plus a total.
//
// Usage: node conformance/summarize.mjs conformance/results/*.json
import { readFileSync } from "node:fs";
import { basename } from "node:path";

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write("summarize: give one or more summary JSON files (written by run.mjs --out)\n");
  process.exit(2);
}

const columns = ["testRuns", "passedPlain", "passedInstrumented", "regressions", "regressionsExcluded", "regressionsUnexplained"];
const total = Object.fromEntries(columns.map((column) => [column, 0]));
const rows = [];
const commits = new Set();
for (const file of files.sort()) {
  let summary;
  try {
    summary = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    process.stderr.write(`summarize: ${file}: ${error.message}\n`);
    process.exit(2);
  }
  commits.add(summary.test262Commit);
  for (const column of columns) total[column] += summary[column];
  const instrumented = summary.transform.instrumented ?? 0;
  rows.push(
    `| ${basename(file, ".json")} | ${summary.paths.map((p) => p.replace(/^test\/language\//, "")).join(", ")} | ${columns.map((c) => summary[c]).join(" | ")} | ${instrumented} | ${summary.profilesWritten} |`,
  );
}
const lines = [
  `test262 commit(s): ${[...commits].join(", ")}`,
  "",
  "| run | folders (test/language/…) | test runs | pass plain | pass instrumented | pass plain, fail instrumented | of which excluded | unexplained | instrumented by Babel | profiles written |",
  "|---|---|---|---|---|---|---|---|---|---|",
  ...rows,
  `| **total** | | ${columns.map((c) => `**${total[c]}**`).join(" | ")} | | |`,
];
process.stdout.write(`${lines.join("\n")}\n`);
