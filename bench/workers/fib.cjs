// Child process: times one fib(N) from MODULE (plain or instrumented) after a warm-up run; prints {"seconds"} as JSON.
// usage: node fib.cjs MODULE N
"use strict";

const [modulePath, nText] = process.argv.slice(2);
const n = Number(nText);
const { fib } = require(modulePath);

fib(n); // warm-up: let the JIT optimise (and, instrumented, the probes) before timing
const start = process.hrtime.bigint();
const value = fib(n);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
process.stdout.write(JSON.stringify({ seconds, value }) + "\n");
