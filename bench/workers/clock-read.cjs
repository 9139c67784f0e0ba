// Child process: the cost of clock reads in ns, loop included: one process.hrtime.bigint(), one performance.now(), and the pair of process.hrtime() reads (with the runtime's arithmetic) that one exact-mode call needs; prints JSON.
// usage: node clock-read.cjs READS
"use strict";

const { performance } = require("node:perf_hooks");

const reads = Number(process.argv[2]);

/** ns per call of `read`, best of 5 passes over `reads` calls; the sink keeps the JIT from dropping the reads. */
function nsPerRead(read) {
  let best = Infinity;
  for (let pass = 0; pass < 5; pass++) {
    let sink = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < reads; i++) sink += Number(read() !== undefined);
    const ns = Number(process.hrtime.bigint() - start);
    if (sink !== reads) throw new Error("clock read returned undefined");
    best = Math.min(best, ns / reads);
  }
  return best;
}

const hrtime = process.hrtime;
const originSeconds = hrtime()[0];
/** The default clock's now() (packages/runtime/src/clock.ts). */
const hrtimeNow = () => {
  const t = hrtime();
  return (t[0] - originSeconds) * 1e9 + t[1];
};
const hrtimeBigint = () => process.hrtime.bigint();
const now = () => performance.now();
const hrtimePair = () => -hrtimeNow() + hrtimeNow();
process.stdout.write(
  JSON.stringify({ hrtimeBigint: nsPerRead(hrtimeBigint), performanceNow: nsPerRead(now), hrtimePair: nsPerRead(hrtimePair) }) + "\n",
);
