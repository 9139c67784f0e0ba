// Where a function starts in the TypeScript source, as Babel's `loc.start` places it (1-based line and column).
//
// TypeScript counts `export` / `export default` as modifiers of the function; Babel starts the function
// after them (`export async function f` starts at `async`). Decorators and other modifiers count in both.
import type * as ts from "typescript";
import type { SourcePosition } from "@tsprof/instrument";

/** The first position at or after `pos` that is not whitespace or a comment. */
function skipTrivia(text: string, pos: number): number {
  let at = pos;
  for (;;) {
    while (at < text.length && /\s/.test(text[at])) at++;
    if (text.startsWith("//", at)) {
      const end = text.indexOf("\n", at);
      at = end < 0 ? text.length : end;
    } else if (text.startsWith("/*", at)) {
      const end = text.indexOf("*/", at + 2);
      at = end < 0 ? text.length : end + 2;
    } else return at;
  }
}

export function sourcePosition(tsApi: typeof ts, sourceFile: ts.SourceFile, node: ts.Node): SourcePosition {
  let start = node.getStart(sourceFile);
  if (tsApi.isFunctionDeclaration(node)) {
    let skipped: ts.Node | undefined;
    for (const modifier of tsApi.getModifiers(node) ?? []) {
      if (modifier.kind !== tsApi.SyntaxKind.ExportKeyword && modifier.kind !== tsApi.SyntaxKind.DefaultKeyword) break;
      skipped = modifier;
    }
    if (skipped) start = skipTrivia(sourceFile.text, skipped.end);
  }
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(start);
  return { line: line + 1, column: character + 1 };
}
