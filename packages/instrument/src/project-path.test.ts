// projectRelativePath: root-relative, "/" separators, "<unknown>" without a filename.
import { test } from "node:test";
import assert from "node:assert/strict";
import { projectRelativePath, UNKNOWN_FILE } from "./project-path";

test("relative to the root with / separators", () => {
  assert.equal(projectRelativePath("/work/app", "/work/app/src/a.ts"), "src/a.ts");
  assert.equal(projectRelativePath("/work/app", "src/b.ts"), "src/b.ts");
  assert.equal(projectRelativePath("/work/app", "/work/lib/c.js"), "../lib/c.js");
  assert.equal(projectRelativePath("/work/app", undefined), UNKNOWN_FILE);
});
