// One pass over a source file before instrumenting it: names in use, comments, `with`/direct `eval`, the "already instrumented" marker.
import type * as ts from "typescript";
import { PROBE_ACCESSOR_NAME } from "@tsprof/instrument";

export interface FileScan {
  /** Identifier names the file mentions (also probe-like names spelled in strings: code in strings may reach eval). */
  usedNames: Set<string>;
  /** Every comment of the file, without its delimiters (for `tsprof ignore file`). */
  comments: { value: string }[];
  /** Functions (and static blocks) containing a `with` statement or a direct `eval(…)` call, at any depth. */
  containsWithOrEval: Set<ts.Node>;
  hasWithOrEval: boolean;
}

const PROBE_NAME_IN_TEXT = /_tsprof\$[\w$]*/g;

/** `// x` → " x", `/* x *\/` → " x " (Babel's `comment.value`). */
export function commentValue(text: string, range: ts.CommentRange): string {
  const raw = text.slice(range.pos, range.end);
  return raw.startsWith("//") ? raw.slice(2) : raw.slice(2, -2);
}

export function scanFile(tsApi: typeof ts, sourceFile: ts.SourceFile): FileScan {
  const text = sourceFile.text;
  const usedNames = new Set<string>();
  const containsWithOrEval = new Set<ts.Node>();
  const commentStarts = new Set<number>();
  const comments: { value: string }[] = [];
  let hasWithOrEval = false;

  const collectComments = (ranges: ts.CommentRange[] | undefined): void => {
    for (const range of ranges ?? []) {
      if (commentStarts.has(range.pos)) continue;
      commentStarts.add(range.pos);
      comments.push({ value: commentValue(text, range) });
    }
  };

  const visit = (node: ts.Node): void => {
    collectComments(tsApi.getLeadingCommentRanges(text, node.pos));
    collectComments(tsApi.getTrailingCommentRanges(text, node.end));
    if (tsApi.isIdentifier(node)) usedNames.add(node.text);
    else if (tsApi.isPrivateIdentifier(node)) usedNames.add(node.text.slice(1));
    else if (tsApi.isStringLiteralLike(node) || tsApi.isTemplateHead(node) || tsApi.isTemplateMiddle(node) || tsApi.isTemplateTail(node)) {
      for (const name of node.text.match(PROBE_NAME_IN_TEXT) ?? []) usedNames.add(name);
    }
    const isDirectEval =
      tsApi.isCallExpression(node) && !node.questionDotToken && tsApi.isIdentifier(node.expression) && node.expression.text === "eval";
    if (isDirectEval || tsApi.isWithStatement(node)) {
      hasWithOrEval = true;
      for (let ancestor = node.parent; ancestor; ancestor = ancestor.parent) {
        if (tsApi.isFunctionLike(ancestor) || tsApi.isClassStaticBlockDeclaration(ancestor)) containsWithOrEval.add(ancestor);
      }
    }
    tsApi.forEachChild(node, visit);
  };
  visit(sourceFile);
  collectComments(tsApi.getLeadingCommentRanges(text, sourceFile.endOfFileToken.pos));
  return { usedNames, comments, containsWithOrEval, hasWithOrEval };
}

/**
 * A module tsprof instrumented has, at top level, `function _tsprof$<tag>() { … .module("file", [sites]) … }`
 * (design.md §3 pitfall 11): finding that shape means a second pass must leave the file alone.
 */
export function isAlreadyInstrumented(tsApi: typeof ts, sourceFile: ts.SourceFile): boolean {
  const callsModuleWithSites = (node: ts.Node): boolean => {
    if (tsApi.isCallExpression(node)) {
      const [file, sites] = node.arguments;
      const callee = node.expression;
      if (tsApi.isPropertyAccessExpression(callee) && callee.name.text === "module" && file && tsApi.isStringLiteral(file) && sites && tsApi.isArrayLiteralExpression(sites)) {
        return true;
      }
    }
    return !!tsApi.forEachChild(node, (child) => callsModuleWithSites(child) || undefined);
  };
  return sourceFile.statements.some(
    (statement) => tsApi.isFunctionDeclaration(statement) && !!statement.name && PROBE_ACCESSOR_NAME.test(statement.name.text) && !!statement.body && callsModuleWithSites(statement.body),
  );
}
