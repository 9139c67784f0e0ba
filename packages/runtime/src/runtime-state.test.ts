// The process-wide state: site registration (dedupe, defaults for malformed tuples) and handles that never throw.
import { test } from "node:test";
import assert from "node:assert/strict";
import { getRuntimeState } from "./runtime-state";
import type { SiteTuple } from "./probe-types";

test("the state is one object per process, under Symbol.for(\"tsprof.recorder\")", () => {
  const state = getRuntimeState();
  assert.equal((globalThis as unknown as Record<symbol, unknown>)[Symbol.for("tsprof.recorder")], state);
  assert.equal(getRuntimeState(), state);
});

test("the same site registered twice (a module loaded twice) gets one function id", () => {
  const state = getRuntimeState();
  const before = state.functions.length;
  state.module("dedupe.js", [["f", "", 1, 1, 0], ["g", "C.g", 2, 3, 2]]);
  state.module("dedupe.js", [["g", "C.g", 2, 3, 2], ["f", "", 1, 1, 0]]);
  assert.equal(state.functions.length, before + 2);
  assert.deepEqual(state.functions.slice(before), [
    { name: "f", qualifiedName: "f", file: "dedupe.js", line: 1, column: 1, kind: "function" },
    { name: "g", qualifiedName: "C.g", file: "dedupe.js", line: 2, column: 3, kind: "async" },
  ]);
  assert.equal(state.kinds[before + 1], 2);
});

test("a site that names its own file (a module compiled from several sources) is in that file", () => {
  const state = getRuntimeState();
  const before = state.functions.length;
  state.module("dist/all.js", [["aa", "", 1, 1, 0, "src/a.ts"], ["bb", "", 1, 1, 0, "src/b.ts"], ["cc", "", 8, 1, 0], ["dd", "", 9, 1, 0, 7] as unknown as SiteTuple]);
  assert.deepEqual(
    state.functions.slice(before).map((fn) => `${fn.file}:${fn.line}(${fn.name})`),
    ["src/a.ts:1(aa)", "src/b.ts:1(bb)", "dist/all.js:8(cc)", "dist/all.js:9(dd)"],
  );
});

test("malformed site tuples get defaults instead of throwing", () => {
  const state = getRuntimeState();
  const before = state.functions.length;
  state.module("odd.js", [null, ["", "", "x", -1, 9]] as unknown as SiteTuple[]);
  assert.deepEqual(state.functions.slice(before), [
    { name: "(anonymous)", qualifiedName: "(anonymous)", file: "odd.js", line: 0, column: 0, kind: "function" },
  ]);
});

test("handles never throw: hostile site tables, unknown sites, bogus tokens, a recorder that throws", () => {
  const state = getRuntimeState();
  const hostile = {
    get length(): number {
      throw new Error("hostile");
    },
  };
  const dead = state.module("hostile.js", hostile as unknown as SiteTuple[]);
  assert.equal(dead.enter(0), 0);
  const handle = state.module("ok.js", [["f", "", 1, 1, 0]]);
  const saved = state.active;
  state.active = {
    enter: () => {
      throw new Error("broken recorder");
    },
    exit: () => {
      throw new Error("broken recorder");
    },
    suspend: () => {
      throw new Error("broken recorder");
    },
    resume: () => {
      throw new Error("broken recorder");
    },
    delegate: () => {
      throw new Error("broken recorder");
    },
  };
  try {
    assert.equal(handle.enter(0), 0);
    assert.equal(handle.enter(7), 0, "unknown local site");
    assert.equal(handle.exit(12345), undefined);
    assert.equal(handle.suspend(12345, "v"), "v");
    assert.equal(handle.resume(12345, "w"), "w");
    assert.equal(handle.delegate(12345, "x"), "x");
  } finally {
    state.active = saved;
  }
});
