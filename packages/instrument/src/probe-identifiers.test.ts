// chooseProbeIdentifiers: module-level names carry the module's tag, function-local ones do not; a taken name gets the smallest free numeric suffix.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chooseProbeIdentifiers, moduleTag, PROBE_ACCESSOR_NAME } from "./probe-identifiers";

test("module-level names carry the tag, function-local ones do not", () => {
  assert.deepEqual(chooseProbeIdentifiers(() => false, "k2x9a0bq"), {
    accessor: "_tsprof$k2x9a0bq",
    handle: "_tsprof$k2x9a0bq$m",
    localHandle: "_tsprof$h",
    token: "_tsprof$t",
    runtimeNamespace: "_tsprof$k2x9a0bq$rt",
  });
});

test("taken names get the smallest free suffix; the accessor marker still matches", () => {
  const taken = new Set(["_tsprof$k2x9a0bq", "_tsprof$k2x9a0bq2", "_tsprof$t"]);
  const ids = chooseProbeIdentifiers((name) => taken.has(name), "k2x9a0bq");
  assert.deepEqual(ids, {
    accessor: "_tsprof$k2x9a0bq3",
    handle: "_tsprof$k2x9a0bq$m",
    localHandle: "_tsprof$h",
    token: "_tsprof$t2",
    runtimeNamespace: "_tsprof$k2x9a0bq$rt",
  });
  assert.match(ids.accessor, PROBE_ACCESSOR_NAME);
  for (const other of [ids.handle, ids.runtimeNamespace, "_tsprof$m", "_tsprof$h", "_tsprof$rt"]) assert.doesNotMatch(other, PROBE_ACCESSOR_NAME);
  // Code instrumented before module tags existed is still recognised as instrumented.
  assert.match("_tsprof$", PROBE_ACCESSOR_NAME);
  assert.match("_tsprof$2", PROBE_ACCESSOR_NAME);
});

test("moduleTag: eight base-36 digits, the same for the same file, different for another path or another text", () => {
  const tag = moduleTag("src/a.js", "function alpha() {}\n");
  assert.match(tag, /^[0-9a-z]{8}$/);
  assert.equal(moduleTag("src/a.js", "function alpha() {}\n"), tag);
  assert.notEqual(moduleTag("src/b.js", "function alpha() {}\n"), tag);
  assert.notEqual(moduleTag("src/a.js", "function beta() {}\n"), tag);
  // Path and text are kept apart: moving characters from one to the other changes the tag.
  assert.notEqual(moduleTag("src/a.j", "sfunction alpha() {}\n"), tag);
  assert.match(`_tsprof$${tag}`, PROBE_ACCESSOR_NAME);
});
