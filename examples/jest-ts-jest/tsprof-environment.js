// A Jest test environment that profiles every test file of a worker into one recorder, written when the worker exits.
//
// Jest runs each test file in its own vm context with its own `process` object, whose "exit" never
// fires: a runtime loaded there would record, then never write. This environment loads the runtime
// in the worker's real realm (its automatic session hooks the real process's exit) and hands its
// state to each test file's context, so the copies of the runtime that test files load register
// their sites there and feed the one recorder (and `runtime: "global"` code finds `__tsprof`).
const { TestEnvironment } = require("jest-environment-node");
require("@tsprof/runtime/probe");

// runtime-state.ts of @tsprof/runtime: every copy of the runtime shares the state under this symbol.
const RUNTIME_STATE = Symbol.for("tsprof.recorder");
const GLOBAL_PROBE = "__tsprof";

class TsprofEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const key of [RUNTIME_STATE, GLOBAL_PROBE]) {
      Object.defineProperty(this.global, key, { value: globalThis[key], writable: true, configurable: true, enumerable: false });
    }
  }
}

module.exports = TsprofEnvironment;
