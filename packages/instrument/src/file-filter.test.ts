// makeFileFilter: include/exclude globs over root-relative paths, node_modules out unless named by include.
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeFileFilter } from "./file-filter";

test("no globs: every file outside node_modules", () => {
  const accepts = makeFileFilter({});
  assert.equal(accepts("src/a.ts"), true);
  assert.equal(accepts("a.js"), true);
  assert.equal(accepts("./lib/.hidden/b.js"), true);
  assert.equal(accepts("node_modules/lodash/index.js"), false);
  assert.equal(accepts("packages/x/node_modules/y/z.js"), false);
});

test("include narrows, exclude removes", () => {
  const accepts = makeFileFilter({ include: ["src/**"], exclude: ["**/*.test.ts"] });
  assert.equal(accepts("src/deep/a.ts"), true);
  assert.equal(accepts("src/a.test.ts"), false);
  assert.equal(accepts("test/a.ts"), false);
  assert.equal(accepts("../outside/a.ts"), false);
});

test("an include glob naming node_modules opts those files back in; a catch-all include does not", () => {
  assert.equal(makeFileFilter({ include: ["node_modules/fast-lib/**"] })("node_modules/fast-lib/index.js"), true);
  assert.equal(makeFileFilter({ include: ["node_modules/fast-lib/**"] })("node_modules/other/index.js"), false);
  assert.equal(makeFileFilter({ include: ["**"] })("node_modules/other/index.js"), false);
});
