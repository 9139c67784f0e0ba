// Child process: times what `tsprof stats FILE... -s cumulative` does through the stats API: load and merge every FILE, sort, print the table (into a sink); prints {"seconds"} as JSON.
// usage: node stats-merge.cjs FILE...
"use strict";

const { Stats } = require("@tsprof/stats");

const files = process.argv.slice(2);
let printedBytes = 0;
const sink = { write: (text) => void (printedBytes += text.length) };

const start = process.hrtime.bigint();
const stats = new Stats(files, sink);
const loaded = process.hrtime.bigint();
stats.sortStats("cumulative").printStats();
const end = process.hrtime.bigint();
process.stdout.write(
  JSON.stringify({ seconds: Number(end - start) / 1e9, loadSeconds: Number(loaded - start) / 1e9, functions: stats.size, totalCalls: stats.totalCalls, printedBytes }) + "\n",
);
