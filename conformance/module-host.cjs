// Preloaded (`node --require`) into every test module-run.mjs runs: the host functions test262's harness expects, as eshost's node runtime gives scripts.
//
// `print` (the harness's $DONE reports through it) and a `$262` with what a single-realm host can
// offer: `global`, `evalScript` (a script in this realm), `gc` when node runs with --expose-gc,
// `detachArrayBuffer` through structuredClone's transfer. createRealm and agent are absent, so
// tests needing them fail in both copies alike.
"use strict";
const vm = require("node:vm");

globalThis.print = (...values) => console.log(...values);
globalThis.$262 = {
  global: globalThis,
  evalScript(code) {
    return vm.runInThisContext(code);
  },
  gc() {
    if (typeof globalThis.gc !== "function") throw new Error("gc() needs node --expose-gc");
    return globalThis.gc();
  },
  detachArrayBuffer(buffer) {
    structuredClone(buffer, { transfer: [buffer] });
  },
  getGlobal(name) {
    return globalThis[name];
  },
  setGlobal(name, value) {
    globalThis[name] = value;
  },
};
