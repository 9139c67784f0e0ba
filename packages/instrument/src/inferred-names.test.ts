// inferredFunctionName: which places name an anonymous function, and how.
import { test } from "node:test";
import assert from "node:assert/strict";
import { classFieldNamesFunction, inferredFunctionName, objectLiteralName, type NamingPlace } from "./inferred-names";

const assignment = (segments: string[] | undefined, more: { compound?: boolean; identifier?: boolean } = {}): NamingPlace => ({
  kind: "assignment",
  segments,
  compound: more.compound ?? false,
  identifier: more.identifier ?? false,
});
const property = (name: string, objectName?: string, computed = false): NamingPlace => ({
  kind: "property",
  key: computed ? { kind: "computed", text: name } : { kind: "identifier", name },
  computed,
  objectName,
});
const indirect = { indirect: true, parenthesizedFunction: false };
const parenthesized = { indirect: false, parenthesizedFunction: true };

test("bindings, assignments to paths, property keys, export default; other places give no name", () => {
  assert.equal(inferredFunctionName({ kind: "binding", name: "f", declarator: true }), "f");
  assert.equal(inferredFunctionName({ kind: "binding", name: undefined, declarator: true }), undefined);
  assert.equal(inferredFunctionName(assignment(["Foo", "prototype", "bar"])), "Foo.bar");
  assert.equal(inferredFunctionName(assignment(["x"], { identifier: true })), "x");
  assert.equal(inferredFunctionName(assignment([])), undefined);
  assert.equal(inferredFunctionName(assignment(undefined)), undefined);
  assert.equal(inferredFunctionName({ kind: "property", key: { kind: "number", value: 1.5 }, computed: false, objectName: "o" }), "1.5");
  assert.equal(inferredFunctionName({ kind: "export-default" }), "default");
  assert.equal(inferredFunctionName({ kind: "other" }), undefined);
});

test("compound assignments (`+=`) name nothing", () => {
  assert.equal(inferredFunctionName(assignment(["a"], { identifier: true, compound: true })), undefined);
});

test("through an operator or an array: declarations and assignments name, parameter defaults and export default do not, properties get the object's name in front", () => {
  assert.equal(inferredFunctionName({ kind: "binding", name: "orFn", declarator: true }, indirect), "orFn");
  assert.equal(inferredFunctionName({ kind: "binding", name: "p", declarator: false }, indirect), undefined);
  assert.equal(inferredFunctionName(assignment(["exports", "exp"]), indirect), "exports.exp");
  assert.equal(inferredFunctionName(property("p", "obj2.nested"), indirect), "obj2.nested.p");
  assert.equal(inferredFunctionName(property("p"), indirect), "p");
  assert.equal(inferredFunctionName(property('"k"', "o", true), indirect), "o");
  assert.equal(inferredFunctionName(property('"k"', undefined, true), indirect), undefined);
  assert.equal(inferredFunctionName({ kind: "export-default" }, indirect), undefined);
});

test("a parenthesized `function` keeps only what NamedEvaluation gives it", () => {
  assert.equal(inferredFunctionName({ kind: "binding", name: "f", declarator: true }, parenthesized), "f");
  assert.equal(inferredFunctionName(assignment(["f"], { identifier: true }), parenthesized), "f");
  assert.equal(inferredFunctionName(assignment(["obj", "p"]), parenthesized), undefined);
  assert.equal(inferredFunctionName(property("p", "o"), parenthesized), "p");
  const both = { indirect: true, parenthesizedFunction: true };
  assert.equal(inferredFunctionName({ kind: "binding", name: "f", declarator: true }, both), undefined);
  assert.equal(inferredFunctionName(property("p", "o"), both), undefined);
  assert.equal(classFieldNamesFunction(parenthesized, false), true);
  assert.equal(classFieldNamesFunction(both, false), false);
  assert.equal(classFieldNamesFunction(indirect, true), false);
});

test("an object literal's own name: variable, assignment target, enclosing properties", () => {
  assert.equal(objectLiteralName({ kind: "binding", name: "o", declarator: false }), "o");
  assert.equal(objectLiteralName(assignment(["module", "exports"])), "module.exports");
  assert.equal(objectLiteralName(property("n", "o2")), "o2.n");
  assert.equal(objectLiteralName(property("[k]", "o2", true)), "o2");
  assert.equal(objectLiteralName({ kind: "other" }), undefined);
});
