// Names read off the TypeScript AST: debug names and qualified names as the Babel plugin gives them.
import { test } from "node:test";
import assert from "node:assert/strict";
import ts from "typescript";
import { createSiteNamer, type InstrumentedFunction } from "./site-names";

/** `name|qualifiedName` of every function with a body, in source order. */
function namesIn(source: string): string[] {
  const sourceFile = ts.createSourceFile("f.ts", source, ts.ScriptTarget.ES2022, true);
  const namer = createSiteNamer(ts, sourceFile);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isClassStaticBlockDeclaration(node)) out.push(Object.values(namer.staticBlockNames(node)).join("|"));
    else if (ts.isFunctionLike(node) && (node as { body?: ts.Node }).body) out.push(Object.values(namer.functionNames(node as InstrumentedFunction)).join("|"));
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return out;
}

test("declarations, inferred names through TypeScript wrappers, default exports", () => {
  assert.deepEqual(namesIn("function a() {} const b = () => {}; const c = (function () {}) as F; const d = (<G>(() => {}))!;"), ["a|a", "b|b", "c|c", "d|d"]);
  assert.deepEqual(namesIn("export default function () {}"), ["default|default"]);
  assert.deepEqual(namesIn("export default () => {};"), ["default|default"]);
  assert.deepEqual(namesIn("export = () => {};"), ["(anonymous)|(anonymous)"]);
});

test("assignments, member paths, binding defaults, object literals", () => {
  assert.deepEqual(namesIn("x ||= () => {}; a.b.c = function () {}; Foo.prototype.bar = () => {}; this.#p = () => {};"), ["x|x", "a.b.c|a.b.c", "Foo.bar|Foo.bar", "#p|#p"]);
  assert.deepEqual(namesIn("function f(g = () => {}) {} const { h = () => {} } = o; ({ i = () => {} } = o);"), ["f|f", "g|g", "h|h", "i|i"]);
  assert.deepEqual(namesIn("({ m() {}, get v() { return 1; }, 'k': () => {}, 1.50: () => {}, [Symbol.iterator]: function* () {} })"), [
    "m|m",
    "get v|get v",
    "k|k",
    "1.5|1.5",
    "[Symbol.iterator]|[Symbol.iterator]",
  ]);
});

test("class members: constructors, static, accessors, private, computed, fields, static blocks, anonymous classes", () => {
  assert.deepEqual(
    namesIn("class A { constructor(private x: number) {} static make() {} get v() { return 1; } #p() {} [k]() {} h = () => {}; static { } }"),
    ["A|A.constructor", "make|static A.make", "get v|get A.v", "#p|A.#p", "[k]|A[k]", "h|A.h", "<static_initializer>|A.<static_initializer>"],
  );
  assert.deepEqual(namesIn("const B = class { m() {} }; export default class { n() {} }"), ["m|B.m", "n|default.n"]);
});
