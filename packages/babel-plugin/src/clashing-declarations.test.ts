// separateClashingDeclarations: only declarations named like a parameter, a var, another declaration or a block-level function move.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseSync, types as t } from "@babel/core";
import generate from "@babel/generator";
import { separateClashingDeclarations } from "./clashing-declarations";

function split(source: string, typescript = false) {
  const file = parseSync(source, { babelrc: false, configFile: false, sourceType: "script", filename: typescript ? "f.ts" : "f.js", parserOpts: { plugins: typescript ? ["typescript"] : [] } })!;
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

test("a declaration named like a function in a nested block, if branch or switch case becomes a var (Annex B updates it)", () => {
  assert.deepEqual(split("function f() { function k() {} { function k() {} } }"), { hoisted: ["var k = function () {};"], rest: ["{ function k() {} }"] });
  assert.deepEqual(split("function f(x) { function* k() {} if (x) function k() {} }").hoisted, ["var k = function* () {};"]);
  assert.deepEqual(split("function f(x) { function k() {} switch (x) { default: { function k() {} } } }").hoisted, ["var k = function () {};"]);
  // Never var-hoisted: a generator or async function in a block, a labelled one, one in a nested function.
  assert.deepEqual(split("function f() { function k() {} { function* k() {} async function k2() {} } }").hoisted, []);
  assert.deepEqual(split("function f() { function k() {} { l: function k() {} } }").hoisted, []);
  assert.deepEqual(split("function f() { function k() {} function g() { { function k() {} } } }").hoisted, []);
  // Nor one behind a lexical declaration of its name: let, an enclosing block's function, a for (let …) head, catch ({ … }).
  assert.deepEqual(split("function f() { function k() {} { let k; { function k() {} } } }").hoisted, []);
  assert.deepEqual(split("function f() { function k() {} { function k() {} { function k() {} } } }").hoisted, ["var k = function () {};"]);
  assert.deepEqual(split("function f(x) { function k() {} for (let k of x) { function k() {} } }").hoisted, []);
  assert.deepEqual(split("function f() { function k() {} try {} catch ({ k }) { { function k() {} } } }").hoisted, []);
  assert.deepEqual(split("function f() { function k() {} try {} catch (k) { { function k() {} } } }").hoisted, ["var k = function () {};"]);
});
