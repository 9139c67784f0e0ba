// A naive recorder behind the same probe protocol: performance.now() at every enter and exit, flat per-function
// counters, no edges, no call tree. The bench runs it beside tsprof's runtime as an in-run baseline for the probe cost.
"use strict";

const { performance } = require("node:perf_hooks");

const MAX_DEPTH = 1 << 16;
const stackSite = new Int32Array(MAX_DEPTH);
const stackStart = new Float64Array(MAX_DEPTH);
const stackChildTime = new Float64Array(MAX_DEPTH);
const calls = [];
const selfTime = [];
let depth = 0;

/** Registers a module's sites; the handle's token is the stack depth after entering. */
function registerModule(file, sites) {
  const base = calls.length;
  for (let i = 0; i < sites.length; i++) {
    calls.push(0);
    selfTime.push(0);
  }
  return {
    enter(localSite) {
      if (depth >= MAX_DEPTH) return 0;
      const site = base + localSite;
      stackSite[depth] = site;
      stackChildTime[depth] = 0;
      calls[site]++;
      stackStart[depth] = performance.now();
      return ++depth;
    },
    exit(token) {
      if (token === 0) return;
      const now = performance.now();
      while (depth >= token) {
        const frame = --depth;
        const elapsed = now - stackStart[frame];
        selfTime[stackSite[frame]] += elapsed - stackChildTime[frame];
        if (frame > 0) stackChildTime[frame - 1] += elapsed;
      }
    },
    suspend(token, value) {
      return value;
    },
    resume(token, value) {
      return value;
    },
  };
}

module.exports = { module: registerModule };
