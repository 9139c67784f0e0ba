// Instruments one source file: every function gets the probe of protocol.ts, the module gets its header and site table.
//
// Runs as a `before` transformer, so it sees the TypeScript source before TypeScript itself lowers
// anything (enums and namespaces are not functions yet, async/generators not lowered yet); TypeScript
// lowers the probes with the code they wrap. Nodes without a position were made by an earlier
// transformer and are left alone. The site order is Babel's traversal order (the parity suite checks it).
import { resolve } from "node:path";
import type * as ts from "typescript";
import {
  buildSiteTuple,
  chooseProbeIdentifiers,
  hasIgnoreFile,
  hasIgnoreNext,
  isRuntimePackageFile,
  moduleTag,
  projectRelativePath,
  type ModuleSites,
  type NormalizedOptions,
  type ProbeIdentifiers,
  type SiteTuple,
} from "@tsprof/instrument";
import { createSiteNamer, type InstrumentedFunction } from "./site-names";
import { createProbeNodes } from "./probe-nodes";
import { createClashingDeclarations } from "./clashing-declarations";
import { commentValue, isAlreadyInstrumented, scanFile } from "./file-scan";
import { runtimeAccess } from "./runtime-access";
import { sourcePosition } from "./source-position";

/** Why a file was left as it is. */
export type SkipReason = "excluded" | "ignore-file" | "already-instrumented";

export interface InstrumentResult {
  sourceFile: ts.SourceFile;
  /** The site table, or why the file was skipped. */
  table: ModuleSites | SkipReason;
}

/** The function whose own code is being visited: whether its await/yield/catch/finally get probes. */
interface Owner {
  suspendable: boolean;
  /** An async generator: its `return x` awaits x (see the ReturnStatement case in visit()). */
  asyncGenerator?: boolean;
}

const OUTSIDE_FUNCTIONS: Owner = { suspendable: false };

export function instrumentSourceFile(
  tsApi: typeof ts,
  context: ts.TransformationContext,
  sourceFile: ts.SourceFile,
  options: NormalizedOptions,
  accepts: (relativePath: string) => boolean,
  /** Told each async function and generator that got a probe (as visited), with the file's probe identifiers. */
  onSuspendable?: (instrumented: ts.Node, ids: ProbeIdentifiers) => void,
): InstrumentResult {
  const { factory } = context;
  const file = projectRelativePath(options.root, sourceFile.fileName);
  // The runtime's own files never (a linked @tsprof/runtime is outside node_modules; see isRuntimePackageFile).
  if (isRuntimePackageFile(resolve(options.root, sourceFile.fileName)) || !accepts(file)) return { sourceFile, table: "excluded" };
  const scan = scanFile(tsApi, sourceFile);
  if (hasIgnoreFile(scan.comments)) return { sourceFile, table: "ignore-file" };
  if (isAlreadyInstrumented(tsApi, sourceFile)) return { sourceFile, table: "already-instrumented" };

  const ids = chooseProbeIdentifiers((name) => scan.usedNames.has(name), moduleTag(file, sourceFile.text));
  const probes = createProbeNodes(tsApi, factory, ids);
  const names = createSiteNamer(tsApi, sourceFile);
  const separateClashingDeclarations = createClashingDeclarations(tsApi, factory);
  const text = sourceFile.text;
  const sites: SiteTuple[] = [];
  // Clashing declarations rewritten to `var a = function …`: the expression stands for its declaration.
  const originalOf = new Map<ts.Node, ts.Node>();
  const { SyntaxKind } = tsApi;

  const addSite = (node: ts.Node, siteNames: { name: string; qualifiedName: string }, async: boolean, generator: boolean): number => {
    const { line, column } = sourcePosition(tsApi, sourceFile, node);
    sites.push(buildSiteTuple({ ...siteNames, line, column, async, generator }));
    return sites.length - 1;
  };

  // Every comment between the previous token and the node (Babel's `leadingComments`): TypeScript calls the
  // ones on the previous token's line "trailing" and the rest "leading".
  const leadingComments = (node: ts.Node) =>
    [...(tsApi.getTrailingCommentRanges(text, node.pos) ?? []), ...(tsApi.getLeadingCommentRanges(text, node.pos) ?? [])].map((range) => ({
      value: commentValue(text, range),
    }));

  /** `/* tsprof ignore next *\/` on the node or a node around it, or `with`/direct `eval` in or around it. */
  const isSkipped = (node: ts.Node): boolean => {
    for (let current: ts.Node | undefined = node; current && !tsApi.isSourceFile(current); current = current.parent) {
      if (hasIgnoreNext(leadingComments(current))) return true;
      if (scan.hasWithOrEval && (scan.containsWithOrEval.has(current) || tsApi.isWithStatement(current))) return true;
    }
    return false;
  };

  /** The node a function stands for (its declaration when it was rewritten), or undefined when it was made by someone else. */
  const sourceNode = (node: ts.Node): ts.Node | undefined => {
    const original = originalOf.get(node) ?? node;
    return original.pos >= 0 && original.end >= original.pos ? original : undefined;
  };

  const isInstrumentable = (node: ts.Node): node is InstrumentedFunction =>
    (tsApi.isFunctionDeclaration(node) ||
      tsApi.isFunctionExpression(node) ||
      tsApi.isArrowFunction(node) ||
      tsApi.isMethodDeclaration(node) ||
      tsApi.isConstructorDeclaration(node) ||
      tsApi.isGetAccessorDeclaration(node) ||
      tsApi.isSetAccessorDeclaration(node)) &&
    node.body !== undefined;

  const hasModifier = (node: ts.Node, kind: ts.SyntaxKind): boolean =>
    tsApi.canHaveModifiers(node) && (tsApi.getModifiers(node) ?? []).some((modifier) => modifier.kind === kind);

  const isDirective = (statement: ts.Statement): boolean => tsApi.isExpressionStatement(statement) && tsApi.isStringLiteral(statement.expression);

  /** The directive prologue ("use strict", …) stays first; the rest goes into the probe's try block. */
  const splitPrologue = (statements: readonly ts.Statement[]): [ts.Statement[], ts.Statement[]] => {
    let count = 0;
    while (count < statements.length && isDirective(statements[count])) count++;
    return [statements.slice(0, count), statements.slice(count)];
  };

  /** The instrumented body of a function whose other parts were visited already. */
  function probedFunctionBody(node: InstrumentedFunction, site: number, inner: Owner): ts.Block {
    const body = node.body!;
    if (!tsApi.isBlock(body)) {
      // (x) => expr   →   (x) => { const _tsprof$t = …; try { return expr; } finally { … } }
      const returned = factory.createReturnStatement(visit(body, inner) as ts.Expression);
      tsApi.setTextRange(returned, body);
      return tsApi.setTextRange(factory.createBlock(probes.probedBody(site, [returned], inner.suspendable, body), true), body);
    }
    const [prologue, statements] = splitPrologue(body.statements);
    const { hoisted, rest, rewritten } = separateClashingDeclarations(node.parameters, statements);
    for (const [expression, declaration] of rewritten) originalOf.set(expression, declaration);
    const visited = [...hoisted, ...rest].map((statement) => visit(statement, inner) as ts.Statement);
    return tsApi.setTextRange(factory.createBlock([...prologue, ...probes.probedBody(site, visited, inner.suspendable, body.statements)], true), body);
  }

  /** Visits a function's parts: decorators and a computed key run in the outer function, the rest in the function. */
  function visitFunctionParts<T extends ts.Node>(node: T, outer: Owner, inner: Owner, body: (block: ts.Node) => ts.Node): T {
    const name = (node as { name?: ts.Node }).name;
    const ownBody = (node as { body?: ts.Node }).body;
    return tsApi.visitEachChild(
      node,
      (child) => {
        if (child === ownBody) return body(child);
        if (child === name || tsApi.isDecorator(child)) return visit(child, outer);
        return visit(child, inner);
      },
      context,
    );
  }

  function visitFunction(node: InstrumentedFunction, outer: Owner): ts.Node {
    const original = sourceNode(node);
    const async = hasModifier(node, SyntaxKind.AsyncKeyword);
    const generator = !!(node as { asteriskToken?: ts.Node }).asteriskToken;
    if (!original || isSkipped(original)) {
      return visitFunctionParts(node, outer, OUTSIDE_FUNCTIONS, (body) => visit(body, OUTSIDE_FUNCTIONS));
    }
    const site = addSite(original, names.functionNames(original as InstrumentedFunction), async, generator);
    const inner: Owner = { suspendable: async || generator, asyncGenerator: async && generator };
    const instrumented = visitFunctionParts(node, outer, inner, () => probedFunctionBody(node, site, inner));
    if (inner.suspendable) onSuspendable?.(instrumented, ids);
    return instrumented;
  }

  function visitStaticBlock(node: ts.ClassStaticBlockDeclaration): ts.Node {
    if (!sourceNode(node) || isSkipped(node)) return tsApi.visitEachChild(node, (child) => visit(child, OUTSIDE_FUNCTIONS), context);
    const site = addSite(node, names.staticBlockNames(node), false, false);
    // A static block's body is var-scoped like a function body: the same clashes to handle.
    const { hoisted, rest, rewritten } = separateClashingDeclarations([], node.body.statements);
    for (const [expression, declaration] of rewritten) originalOf.set(expression, declaration);
    const statements = [...hoisted, ...rest].map((statement) => visit(statement, OUTSIDE_FUNCTIONS) as ts.Statement);
    const body = tsApi.setTextRange(factory.createBlock(probes.probedBody(site, statements, false, node.body.statements), true), node.body);
    return factory.updateClassStaticBlockDeclaration(node, body);
  }

  /** The loop itself, or the outermost label around it: what gets wrapped in `try { … } finally { resume }`. */
  const innermostStatement = (node: ts.Statement): ts.Statement => (tsApi.isLabeledStatement(node) ? innermostStatement(node.statement) : node);
  const isForAwait = (node: ts.Node): node is ts.ForOfStatement => tsApi.isForOfStatement(node) && !!node.awaitModifier;

  /**
   * Whether `node` (of the source) holds a `yield`, `yield*` or `await` of the function whose code it is in:
   * a nested function's body is its own, its decorators and computed key are not (as visitFunctionParts splits them).
   */
  const suspendsIn = (node: ts.Node): boolean => {
    if (tsApi.isAwaitExpression(node) || tsApi.isYieldExpression(node)) return true;
    if (tsApi.isFunctionLike(node) || tsApi.isClassStaticBlockDeclaration(node)) {
      const name = (node as { name?: ts.Node }).name;
      return !!tsApi.forEachChild(node, (child) => ((child === name || tsApi.isDecorator(child)) && suspendsIn(child)) || undefined);
    }
    return !!tsApi.forEachChild(node, (child) => suspendsIn(child) || undefined);
  };

  function visit(node: ts.Node, owner: Owner): ts.Node {
    // Types hold no code (`extends mixin(() => …)` is an expression with type arguments: it does).
    if (tsApi.isTypeNode(node) && !tsApi.isExpressionWithTypeArguments(node)) return node;
    if (isInstrumentable(node)) return visitFunction(node, owner);
    if (tsApi.isClassStaticBlockDeclaration(node)) return visitStaticBlock(node);
    // A function without a body (overload, abstract, declare) has no code of its own.
    if (tsApi.isFunctionLike(node)) return tsApi.visitEachChild(node, (child) => visit(child, OUTSIDE_FUNCTIONS), context);
    const visited = tsApi.visitEachChild(node, (child) => visit(child, owner), context);
    if (!owner.suspendable) return visited;

    // await x  →  _tsprof$h.resume(_tsprof$t, await _tsprof$h.suspend(_tsprof$t, x))
    if (tsApi.isAwaitExpression(visited)) {
      return probes.resumeCall(factory.updateAwaitExpression(visited, probes.suspendCall(visited.expression)));
    }
    // yield x   →  _tsprof$h.resume(_tsprof$t, yield _tsprof$h.suspend(_tsprof$t, x))
    // yield* x  →  _tsprof$h.resume(_tsprof$t, yield* _tsprof$h.delegate(_tsprof$t, x))
    if (tsApi.isYieldExpression(visited)) {
      const argument = visited.asteriskToken ? probes.delegateCall(visited.expression!) : probes.suspendCall(visited.expression);
      return probes.resumeCall(factory.updateYieldExpression(visited, visited.asteriskToken, argument));
    }
    // return x (async generator)  →  return _tsprof$h.suspend(_tsprof$t, x)
    // The return statement of an async generator awaits its value itself, before any finally block runs
    // (ECMA-262 ReturnStatement: `? Await(exprValue)` when the generator kind is async): the frame leaves
    // the stack there, or the wait would be its own time and whatever runs meanwhile its callees. No
    // resume follows: the user's finally blocks re-activate it, the exit probe closes it. `return;` awaits nothing.
    if (owner.asyncGenerator && tsApi.isReturnStatement(visited) && visited.expression) {
      return factory.updateReturnStatement(visited, probes.suspendCall(visited.expression));
    }
    // for await (h of x) B  →  try { for await (h of suspend(x, 1)) { resume(); try { B } finally { suspend(void 0, 1); } } } finally { resume(); }
    if (isForAwait(visited)) {
      const loop = factory.updateForOfStatement(visited, visited.awaitModifier, visited.initializer, probes.forAwaitSuspendCall(visited.expression), probes.forAwaitBody(visited.statement));
      // A labelled loop keeps its labels (`continue outer` must still name a loop): the outermost label is wrapped.
      return tsApi.isLabeledStatement(node.parent) ? loop : probes.resumeAfterLoop(loop);
    }
    if (tsApi.isLabeledStatement(visited) && !tsApi.isLabeledStatement(node.parent) && isForAwait(innermostStatement(node as ts.LabeledStatement))) {
      return probes.resumeAfterLoop(visited);
    }
    // for (h of x) B  →  for (h of x) { try { B } finally { resume(); } }   (only when B yields or awaits)
    // A return or throw resumption out of a yield/await in B skips that expression's resume probe and leaves
    // the loop, which calls the iterator's return(): a generator's finally then runs, and it must run under
    // this frame (design.md §2: under whoever drives it), so put it back first.
    if (tsApi.isForOfStatement(visited) && tsApi.isForOfStatement(node) && suspendsIn(node.statement)) {
      return factory.updateForOfStatement(visited, visited.awaitModifier, visited.initializer, visited.expression, probes.closeIteratorUnderFrame(visited.statement));
    }
    // catch (e) { B }  →  catch (e) { _tsprof$h.resume(_tsprof$t); B }   (gen.throw() and rejections land here)
    if (tsApi.isCatchClause(visited)) {
      const block = factory.updateBlock(visited.block, [probes.resumeStatement(), ...visited.block.statements]);
      return factory.updateCatchClause(visited, visited.variableDeclaration, block);
    }
    // finally { B }  →  finally { _tsprof$h.resume(_tsprof$t); B }   (gen.return() lands here)
    if (tsApi.isTryStatement(visited) && visited.finallyBlock) {
      const finallyBlock = factory.updateBlock(visited.finallyBlock, [probes.resumeStatement(), ...visited.finallyBlock.statements]);
      return factory.updateTryStatement(visited, visited.tryBlock, visited.catchClause, finallyBlock);
    }
    return visited;
  }

  const [prologue, statements] = splitPrologue(sourceFile.statements);
  const visited = statements.map((statement) => visit(statement, OUTSIDE_FUNCTIONS) as ts.Statement);
  if (sites.length === 0) return { sourceFile, table: { file, sites } };
  const header = probes.moduleHeader(runtimeAccess(tsApi, options, sourceFile, context.getCompilerOptions()), file, sites);
  return {
    sourceFile: factory.updateSourceFile(sourceFile, tsApi.setTextRange(factory.createNodeArray([...prologue, ...header, ...visited]), sourceFile.statements)),
    table: { file, sites },
  };
}
