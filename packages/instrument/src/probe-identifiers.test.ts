// chooseProbeIdentifiers: defaults unless taken, then the smallest free numeric suffix.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chooseProbeIdentifiers, DEFAULT_PROBE_IDENTIFIERS, PROBE_ACCESSOR_NAME } from "./probe-identifiers";

test("defaults when nothing is taken", () => {
  assert.deepEqual(chooseProbeIdentifiers(() => false), DEFAULT_PROBE_IDENTIFIERS);
});

test("taken names get the smallest free suffix; the accessor marker still matches", () => {
  const taken = new Set(["_tsprof$", "_tsprof$2", "_tsprof$t"]);
  const ids = chooseProbeIdentifiers((name) => taken.has(name));
  assert.deepEqual(ids, { accessor: "_tsprof$3", handle: "_tsprof$m", localHandle: "_tsprof$h", token: "_tsprof$t2", runtimeNamespace: "_tsprof$rt" });
  assert.match(ids.accessor, PROBE_ACCESSOR_NAME);
  assert.doesNotMatch("_tsprof$m", PROBE_ACCESSOR_NAME);
});
