// separateClashingDeclarations: only declarations named like a parameter, a var or another declaration move.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseSync, types as t } from "@babel/core";
import generate from "@babel/generator";
import { separateClashingDeclarations } from "./clashing-declarations";

function split(source: string, typescript = false) {
  const file = parseSync(source, { babelrc: false, configFile: false, filename: typescript ? "f.ts" : "f.js", parserOpts: { plugins: typescript ? ["typescript"] : [] } })!;
  const first = file.program.body[0];
  const fn = (t.isClassDeclaration(first) ? first.body.body[0] : first) as t.Function;
  const { hoisted, rest } = separateClashingDeclarations(fn.params, (fn.body as t.BlockStatement).body);
  const print = (statements: t.Statement[]) => statements.map((statement) => generate(statement).code.replace(/\s+/g, " "));
  return { hoisted: print(hoisted), rest: print(rest) };
}

test("no clash: nothing moves", () => {
  assert.deepEqual(split("function f(a) { let x = 1; function g() { return x; } return g(); }").hoisted, []);
});

test("a declaration named like a parameter, a var (even in a nested block) or another declaration becomes a var", () => {
  assert.deepEqual(split("function f(a) { function a() {} }").hoisted, ["var a = function () {};"]);
  assert.deepEqual(split("function f({ a }, ...b) { function b() {} }").hoisted, ["var b = function () {};"]);
  assert.deepEqual(split("function f() { if (x) { var c; } function c() {} }"), { hoisted: ["var c = function () {};"], rest: ["if (x) { var c; }"] });
  assert.deepEqual(split("function f() { function d() { return 1; } g(); function d() { return 2; } }"), {
    hoisted: ["var d = function () { return 1; };", "var d = function () { return 2; };"],
    rest: ["g();"],
  });
});

test("vars of nested functions do not count; generators and async keep their kind", () => {
  assert.deepEqual(split("function f() { function e() { var g; } function* g() {} }").hoisted, []);
  assert.deepEqual(split("function f(h) { async function* h() {} }").hoisted, ["var h = async function* () {};"]);
});

test("TypeScript parameter properties bind their name", () => {
  assert.deepEqual(split("class A { constructor(private a: number) { function a() {} } }", true).hoisted, ["var a = function () {};"]);
});
