// The naming rules: property keys, member paths (prototype dropped), class members, free functions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { accessorName, classMemberNames, freeFunctionNames, memberPathName, propertyKeyName } from "./function-names";

test("property keys name functions as V8 does; computed keys keep their source in brackets", () => {
  assert.equal(propertyKeyName({ kind: "identifier", name: "m" }), "m");
  assert.equal(propertyKeyName({ kind: "string", value: "x y" }), "x y");
  assert.equal(propertyKeyName({ kind: "number", value: 1.5 }), "1.5");
  assert.equal(propertyKeyName({ kind: "number", value: 0x10 }), "16");
  assert.equal(propertyKeyName({ kind: "bigint", value: "10" }), "10");
  assert.equal(propertyKeyName({ kind: "private", name: "secret" }), "#secret");
  assert.equal(propertyKeyName({ kind: "computed", text: "Symbol.iterator" }), "[Symbol.iterator]");
});

test("member assignment paths drop prototype and join computed segments without a dot", () => {
  assert.equal(memberPathName(["a", "b", "c"]), "a.b.c");
  assert.equal(memberPathName(["Foo", "prototype", "bar"]), "Foo.bar");
  assert.equal(memberPathName(["prototype", "x"]), "prototype.x");
  assert.equal(memberPathName(["handlers", "[key]"]), "handlers[key]");
});

test("accessors are prefixed", () => {
  assert.equal(accessorName("get", "x"), "get x");
  assert.equal(accessorName("set", "x"), "set x");
  assert.equal(accessorName("method", "x"), "x");
});

test("class members: [static ][get |set ]Class.member, constructor and static block", () => {
  const member = (memberName: string, kind: Parameters<typeof classMemberNames>[0]["kind"], isStatic = false) =>
    classMemberNames({ className: "Foo", memberName, isStatic, kind });
  assert.deepEqual(member("bar", "method"), { name: "bar", qualifiedName: "Foo.bar" });
  assert.deepEqual(member("make", "method", true), { name: "make", qualifiedName: "static Foo.make" });
  assert.deepEqual(member("x", "get"), { name: "get x", qualifiedName: "get Foo.x" });
  assert.deepEqual(member("x", "set", true), { name: "set x", qualifiedName: "static set Foo.x" });
  assert.deepEqual(member("#priv", "method"), { name: "#priv", qualifiedName: "Foo.#priv" });
  assert.deepEqual(member("[Symbol.iterator]", "method"), { name: "[Symbol.iterator]", qualifiedName: "Foo[Symbol.iterator]" });
  assert.deepEqual(member("handler", "field"), { name: "handler", qualifiedName: "Foo.handler" });
  assert.deepEqual(member("", "constructor"), { name: "Foo", qualifiedName: "Foo.constructor" });
  assert.deepEqual(member("", "static-block", true), { name: "<static_initializer>", qualifiedName: "Foo.<static_initializer>" });
});

test("free functions: their name, or (anonymous)", () => {
  assert.deepEqual(freeFunctionNames("f"), { name: "f", qualifiedName: "f" });
  assert.deepEqual(freeFunctionNames(undefined), { name: "(anonymous)", qualifiedName: "(anonymous)" });
  assert.deepEqual(freeFunctionNames(""), { name: "(anonymous)", qualifiedName: "(anonymous)" });
});
