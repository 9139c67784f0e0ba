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

test("a glob without glob syntax names a file or a directory, as in tsconfig: src, src/ and ./src match what is below src", () => {
  for (const include of ["src", "src/", "./src", "./src/"]) {
    const accepts = makeFileFilter({ include: [include] });
    assert.equal(accepts("src/a.ts"), true, include);
    assert.equal(accepts("src/deep/b.js"), true, include);
    assert.equal(accepts("src"), true, include);
    assert.equal(accepts("srcs/a.ts"), false, include);
    assert.equal(accepts("lib/a.ts"), false, include);
  }
  const accepts = makeFileFilter({ include: ["src/main.ts", "./tools/**"], exclude: ["src/generated"] });
  assert.equal(accepts("src/main.ts"), true);
  assert.equal(accepts("src/other.ts"), false);
  assert.equal(accepts("tools/x.js"), true);
  assert.equal(makeFileFilter({ exclude: ["src/generated/"] })("src/generated/x.ts"), false);
  assert.equal(makeFileFilter({ include: ["."] })("any/where.js"), true);
});
