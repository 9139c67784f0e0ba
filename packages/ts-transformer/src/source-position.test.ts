// Where a function starts: Babel's loc.start, 1-based (TypeScript counts `export` / `export default` as modifiers).
import { test } from "node:test";
import assert from "node:assert/strict";
import ts from "typescript";
import { sourcePosition } from "./source-position";

function firstFunctionPosition(source: string): string {
  const sourceFile = ts.createSourceFile("f.ts", source, ts.ScriptTarget.ES2022, true);
  let found: ts.Node | undefined;
  const visit = (node: ts.Node): void => {
    if (!found && ts.isFunctionLike(node) && (node as { body?: ts.Node }).body) found = node;
    else ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  const { line, column } = sourcePosition(ts, sourceFile, found!);
  return `${line}:${column}`;
}

test("export and export default are skipped; async, decorators, static and type parameters count", () => {
  assert.equal(firstFunctionPosition("export function f() {}"), "1:8");
  assert.equal(firstFunctionPosition("export default /* c */ async function () {}"), "1:24");
  assert.equal(firstFunctionPosition("\n  async function g() {}"), "2:3");
  assert.equal(firstFunctionPosition("class A {\n  @d static m() {}\n}"), "2:3");
  assert.equal(firstFunctionPosition("const h = <T,>(x: T) => x;"), "1:11");
  assert.equal(firstFunctionPosition("/** doc */\nfunction k() {}"), "2:1");
});
