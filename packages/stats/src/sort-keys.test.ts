// Sort keys: pstats' table, unique prefixes, legacy numbers, and the errors a user sees.
import { test } from "node:test";
import assert from "node:assert/strict";
import { resolveSortKeys, SortKey, sortKeyAbbreviations, SortKeyError } from "./sort-keys";

test("full keys and their descriptions, joined as 'Ordered by' prints them", () => {
  assert.equal(resolveSortKeys(["cumulative", "name"]).description, "cumulative time, function name");
  assert.equal(resolveSortKeys(["tottime"]).description, "internal time");
  assert.equal(resolveSortKeys(["nfl"]).fields.length, 3);
  assert.equal(resolveSortKeys(["tottime-percall"]).description, "internal time per call");
});

test("unique prefixes as pstats computes them; ambiguous ones are refused", () => {
  const table = sortKeyAbbreviations();
  assert.equal(table.get("cu")?.description, "cumulative time"); // survives: "cum" collides, "cu" was claimed first
  assert.equal(table.get("cum"), undefined);
  assert.equal(table.get("c"), undefined);
  assert.equal(table.get("t"), undefined); // time / tottime
  assert.equal(table.get("fil")?.key, "filename");
  assert.equal(table.get("p")?.key, "pcalls");
  assert.equal(table.get("tottime")?.key, "tottime"); // a full key survives its longer sibling "tottime-percall"
  assert.equal(table.get("cumtime-p")?.key, "cumtime-percall");
  assert.throws(() => resolveSortKeys(["cum"]), SortKeyError);
});

test("legacy numbers alone; never mixed with names", () => {
  assert.equal(resolveSortKeys([-1]).description, "standard name");
  assert.equal(resolveSortKeys([2]).description, "cumulative time");
  assert.throws(() => resolveSortKeys([3]), /unknown legacy sort key 3/);
  assert.throws(() => resolveSortKeys([1, "name"]), /cannot mix/);
  assert.throws(() => resolveSortKeys([1, 2]), /must be the only key/);
});

test("an unknown key lists the valid ones on one line", () => {
  assert.throws(
    () => resolveSortKeys(["speed"]),
    (error: Error) =>
      error instanceof SortKeyError &&
      !error.message.includes("\n") &&
      error.message.startsWith("unknown sort key 'speed' (valid keys, or unique prefixes: calls, ncalls, cumtime,"),
  );
});

test("a list is not a sort key, nor is null: each is said as such, in one line", () => {
  assert.throws(() => resolveSortKeys([["calls"] as never]), (error: Error) => error instanceof SortKeyError && error.message === 'a list is not a sort key: pass the keys as separate arguments, sortStats("calls") or sortStats(...keys)');
  assert.throws(() => resolveSortKeys([null as never]), (error: Error) => error instanceof SortKeyError && /^null is not a sort key \(valid keys, or unique prefixes: calls,/.test(error.message) && !error.message.includes("\n"));
});

test("SortKey members sort as their names; mixing them with strings is an error, as in pstats", () => {
  assert.deepEqual(resolveSortKeys([SortKey.CUMULATIVE, SortKey.NAME]), resolveSortKeys(["cumulative", "name"]));
  assert.equal(resolveSortKeys([SortKey.TIME]).description, "internal time");
  assert.throws(() => resolveSortKeys([SortKey.CALLS, "name"]), /Can't have mixed argument type/);
  assert.throws(() => resolveSortKeys(["name", SortKey.CALLS]), /Can't have mixed argument type/);
  assert.equal(Object.isFrozen(SortKey), true);
});
