// A profile of one call of one function (2 s, tick clock), for the tests of writing a profile file.
import type { Profile } from "./types";

export const ONE_CALL_PROFILE: Profile = {
  format: "tsprof-profile",
  version: 1,
  timeUnit: "s",
  meta: { tool: "test", clock: "tick" },
  duration: 2,
  functions: [{ name: "work", qualifiedName: "work", file: "a.js", line: 1, column: 0, kind: "function" }],
  stats: [{ function: 0, calls: 1, primitiveCalls: 1, selfTime: 2, totalTime: 2 }],
  edges: [],
  callTree: [{ function: 0, calls: 1, selfTime: 2, totalTime: 2, children: [] }],
};
