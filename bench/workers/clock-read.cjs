// Child process: the cost of one clock read (process.hrtime.bigint(), performance.now()), in ns, loop included; prints JSON.
// usage: node clock-read.cjs READS
"use strict";

const { performance } = require("node:perf_hooks");

const reads = Number(process.argv[2]);

/** ns per call of `read`, over `reads` calls; the sink keeps the JIT from dropping the reads. */
function nsPerRead(read) {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < reads; i++) sink += Number(read() !== undefined);
  const ns = Number(process.hrtime.bigint() - start);
  if (sink !== reads) throw new Error("clock read returned undefined");
  return ns / reads;
}

const hrtime = () => process.hrtime.bigint();
const now = () => performance.now();
nsPerRead(hrtime); // warm-up
nsPerRead(now);
process.stdout.write(JSON.stringify({ hrtimeBigint: nsPerRead(hrtime), performanceNow: nsPerRead(now) }) + "\n");
