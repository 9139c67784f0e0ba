// inferredFunctionName: which places name an anonymous function, and how.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inferredFunctionName } from "./inferred-names";

test("bindings, assignments to paths, property keys, export default; other places give no name", () => {
  assert.equal(inferredFunctionName({ kind: "binding", name: "f" }), "f");
  assert.equal(inferredFunctionName({ kind: "binding", name: undefined }), undefined);
  assert.equal(inferredFunctionName({ kind: "assignment", segments: ["Foo", "prototype", "bar"] }), "Foo.bar");
  assert.equal(inferredFunctionName({ kind: "assignment", segments: ["x"] }), "x");
  assert.equal(inferredFunctionName({ kind: "assignment", segments: [] }), undefined);
  assert.equal(inferredFunctionName({ kind: "assignment", segments: undefined }), undefined);
  assert.equal(inferredFunctionName({ kind: "property", key: { kind: "number", value: 1.5 } }), "1.5");
  assert.equal(inferredFunctionName({ kind: "export-default" }), "default");
  assert.equal(inferredFunctionName({ kind: "other" }), undefined);
});
