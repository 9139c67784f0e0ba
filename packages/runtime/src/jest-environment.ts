// `@tsprof/runtime/jest-environment`: a Jest test environment whose worker writes one profile of every test file it ran.
//
// Jest runs each test file in its own vm context with its own `process` object, whose "exit"
// never fires: a runtime loaded there would record, then never write. This environment loads the
// runtime in the worker's real realm (its automatic session hooks the real process's exit, and
// writes TSPROF_OUTPUT there) and hands the runtime's shared state to each test file's context,
// so the copies of the runtime that instrumented modules load register their sites there and feed
// the one recorder (and `runtime: "global"` code finds `__tsprof`). It extends
// `jest-environment-node` (an optional peer dependency: Jest ships it).
import "./probe";
import { RUNTIME_STATE_KEY } from "./runtime-state";

type NodeEnvironmentClass = new (config: unknown, context: unknown) => { global: object };

const { TestEnvironment } = require("jest-environment-node") as { TestEnvironment: NodeEnvironmentClass };
const GLOBAL_PROBE = "__tsprof";

class TsprofEnvironment extends TestEnvironment {
  constructor(config: unknown, context: unknown) {
    super(config, context);
    const realm = globalThis as unknown as Record<PropertyKey, unknown>;
    for (const key of [RUNTIME_STATE_KEY, GLOBAL_PROBE]) {
      // Set in the constructor: Jest's cleanup of globals between test files leaves these alone.
      Object.defineProperty(this.global, key, { value: realm[key], writable: true, configurable: true, enumerable: false });
    }
  }
}

export = TsprofEnvironment;
