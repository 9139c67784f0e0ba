// makeFileFilter: include/exclude globs over root-relative paths (absolute globs over absolute paths), node_modules out unless named by include;
// makeOriginalSourceFilter: the same rules but include for the original source of a function in a bundle.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isRuntimeSource, makeFileFilter, makeOriginalSourceFilter, originalSourcePath } from "./file-filter";

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

test("an absolute glob is matched against the file's absolute path (root + relative path), inside the root or outside it", () => {
  const accepts = makeFileFilter({ root: "/project", include: ["/project/src"], exclude: ["/project/src/generated/**"] });
  assert.equal(accepts("src/a.ts"), true);
  assert.equal(accepts("./src/deep/b.js"), true);
  assert.equal(accepts("src/generated/x.ts"), false);
  assert.equal(accepts("lib/a.ts"), false);
  assert.equal(accepts("srcs/a.ts"), false);
  const outside = makeFileFilter({ root: "/project", include: ["/shared/lib/**/*.js", "src/**"] });
  assert.equal(outside("../shared/lib/x/a.js"), true);
  assert.equal(outside("../shared/lib/a.ts"), false);
  assert.equal(outside("src/a.ts"), true);
  assert.equal(makeFileFilter({ root: "/project", exclude: ["/project/src/a.ts"] })("src/a.ts"), false);
  assert.equal(makeFileFilter({ root: "/project", exclude: ["/project/src/a.ts"] })("src/b.ts"), true);
  // node_modules stays out unless an (absolute) include names it.
  assert.equal(makeFileFilter({ root: "/project", include: ["/project"] })("node_modules/dep/a.js"), false);
  assert.equal(makeFileFilter({ root: "/project", include: ["/project/node_modules/dep"] })("node_modules/dep/a.js"), true);
});

test("an absolute path to an existing folder is taken literally, even with characters picomatch reads as glob syntax", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-filter-"));
  try {
    const root = join(dir, "proj (copy) [1]");
    mkdirSync(join(root, "src"), { recursive: true });
    const accepts = makeFileFilter({ root, include: [join(root, "src")] });
    assert.equal(accepts("src/a.ts"), true);
    assert.equal(accepts("lib/a.ts"), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a glob written through a symlinked folder names the files below it, by the linked path or the real one", () => {
  const root = mkdtempSync(join(tmpdir(), "tsprof-filter-"));
  try {
    mkdirSync(join(root, "proj", "src"), { recursive: true });
    writeFileSync(join(root, "proj", "src", "main.ts"), "");
    writeFileSync(join(root, "proj", "src", "lib.ts"), "");
    symlinkSync("proj", join(root, "projlink"));
    // Node's loaders and tsc hand the filter real paths (proj/…), the Babel CLI the typed ones (projlink/…).
    for (const file of ["proj/src/main.ts", "projlink/src/main.ts"]) {
      assert.equal(makeFileFilter({ root, include: ["projlink/**"] })(file), true, file);
      assert.equal(makeFileFilter({ root, include: ["./projlink/src/*.ts"] })(file), true, file);
      assert.equal(makeFileFilter({ root, include: ["projlink/src"] })(file), true, file);
      assert.equal(makeFileFilter({ root, include: [join(root, "projlink")] })(file), true, file);
      assert.equal(makeFileFilter({ root, include: [`${join(root, "projlink")}/**/main.ts`] })(file), true, file);
      assert.equal(makeFileFilter({ root, include: ["projlink/lib/**"] })(file), false, file);
      // A glob on the real path names the file reached through the link, too.
      assert.equal(makeFileFilter({ root, include: ["proj/**"] })(file), true, file);
      assert.equal(makeFileFilter({ root, exclude: ["proj/src/main.ts"] })(file), false, file);
    }
    for (const file of ["proj/src/lib.ts", "projlink/src/lib.ts"]) {
      assert.equal(makeFileFilter({ root, exclude: ["projlink/src/lib.ts"] })(file), false, file);
      assert.equal(makeFileFilter({ root, exclude: [join(root, "projlink", "src", "lib.ts")] })(file), false, file);
      assert.equal(makeFileFilter({ root, exclude: ["projlink/src/main.ts"] })(file), true, file);
    }
    // A file that does not exist yet (a glob over a folder created later) is matched on its path alone.
    assert.equal(makeFileFilter({ root, include: ["projlink/gen/**"] })("proj/gen/a.ts"), true);
    // The root itself reached through a link (Babel's cwd as the shell gave it): relative globs still name the real files.
    const linkedRoot = join(root, "projlink");
    assert.equal(makeFileFilter({ root: linkedRoot, include: ["src/**"] })("../proj/src/main.ts"), true);
    assert.equal(makeFileFilter({ root: linkedRoot, include: ["lib/**"] })("../proj/src/main.ts"), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a glob through a link to a folder outside the root names the files there, also when paths are taken from another root (globRoot)", () => {
  const top = mkdtempSync(join(tmpdir(), "tsprof-filter-"));
  try {
    mkdirSync(join(top, "mylib"), { recursive: true });
    writeFileSync(join(top, "mylib", "index.js"), "");
    mkdirSync(join(top, "app", "node_modules"), { recursive: true });
    symlinkSync(join("..", "..", "mylib"), join(top, "app", "node_modules", "mylib"));
    const root = join(top, "app");
    assert.equal(makeFileFilter({ root, include: ["node_modules/mylib/**"] })("../mylib/index.js"), true);
    assert.equal(makeFileFilter({ root, exclude: ["node_modules/mylib/**"] })("../mylib/index.js"), false);
    // tsprof run matches a file outside its root by its absolute path, from "/": the glob's folder is still the root's.
    const absolute = join(top, "mylib", "index.js").replace(/^\/+/, "");
    assert.equal(makeFileFilter({ root: "/", globRoot: root, include: ["node_modules/mylib/**"] })(absolute), true);
    assert.equal(makeFileFilter({ root: "/", globRoot: root, exclude: ["node_modules/mylib/**"] })(absolute), false);
    assert.equal(makeFileFilter({ root: "/", include: ["node_modules/mylib/**"] })(absolute), false, "without globRoot the folder is /node_modules/mylib");
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
});

test("a function's original source (a bundle's module) is held to exclude and the node_modules rule, not to include", () => {
  const keeps = (options: Parameters<typeof makeOriginalSourceFilter>[0], source: string, file = "dist/main.js") => makeOriginalSourceFilter({ root: "/project", ...options })(source, file);
  assert.equal(keeps({}, "src/a.ts"), true);
  // include names the files a build hands over: a bundle's sources are elsewhere.
  assert.equal(keeps({ include: ["dist/**"] }, "src/a.ts"), true);
  assert.equal(keeps({ exclude: ["src/generated/**"] }, "src/generated/a.ts"), false);
  // Vendor code stays out as unbundled, unless an include naming node_modules matches it.
  assert.equal(keeps({}, "node_modules/dep/index.js"), false);
  assert.equal(keeps({ include: ["dist/**", "node_modules/dep/**"] }, "node_modules/dep/index.js"), true);
  assert.equal(keeps({ include: ["dist/**", "node_modules/other/**"] }, "node_modules/dep/index.js"), false);
  // A file Babel was given from node_modules was named by an include: its sources are that package's.
  assert.equal(keeps({}, "node_modules/cli/src/main.ts", "node_modules/cli/dist/main.js"), true);
  assert.equal(keeps({ exclude: ["**/src/main.ts"] }, "node_modules/cli/src/main.ts", "node_modules/cli/dist/main.js"), false);
  // Vendor code above the root (a monorepo's hoisted node_modules) and in a URL no rule resolves.
  assert.equal(keeps({}, "../../node_modules/dep/index.js"), false);
  assert.equal(keeps({}, "../../src/a.ts"), true);
  assert.equal(keeps({}, "vite://app/node_modules/dep/index.js"), false);
  assert.equal(keeps({}, "vite://app/src/a.ts"), true);
});

test("a map's webpack:// source is judged by its path from the build's context; an unknown URL by its segments", () => {
  assert.equal(originalSourcePath("webpack://app/./src/x.js", "/project"), "/project/src/x.js");
  assert.equal(originalSourcePath("webpack://app/../../node_modules/dep/x.js", "/mono/packages/app"), "/mono/node_modules/dep/x.js");
  assert.equal(originalSourcePath("webpack:///./src/x.js", "/project"), "/project/src/x.js");
  assert.equal(originalSourcePath("webpack:///abs/path/x.js", "/project"), "/abs/path/x.js");
  assert.equal(originalSourcePath("webpack://app//abs/path/x.js", "/project"), "/abs/path/x.js");
  assert.equal(originalSourcePath("/abs/x.js", "/project"), "/abs/x.js");
  assert.equal(originalSourcePath("vite://app/x.js", "/project"), "vite://app/x.js");
  assert.equal(isRuntimeSource("vite://app/node_modules/@tsprof/runtime/dist/recorder.js"), true);
  assert.equal(isRuntimeSource("vite://app/node_modules/dep/index.js"), false);
});
