// Probes for the code TypeScript writes when it lowers `using` and `await using` (its esnext transform, which
// runs after this `before` transformer, so the visitor of instrument-source-file.ts never sees it):
//
//   const env_1 = { stack: [], error: void 0, hasError: false };
//   try { const a = __addDisposableResource(env_1, …, true); … }
//   catch (e_1) { env_1.error = e_1; env_1.hasError = true; }
//   finally {
//     _tsprof$h.resume(_tsprof$t);                                   ← added
//     const result_1 = __disposeResources(env_1);
//     if (result_1) _tsprof$h.resume(_tsprof$t, await _tsprof$h.suspend(_tsprof$t, result_1));   ← wrapped
//   }
//
// The await with which the block disposes of its resources is a suspension like the user's own (design.md
// §2): without its probes the async function stayed on the stack while [Symbol.asyncDispose]() settled, and
// the wait was its tottime. The resume at the top of the finally block is the one every finally block of an
// async function or generator gets: the block may be left by a throw out of a rejected await (which skips
// that await's resume), and the first disposal is called right there, under this frame. A sync `using`
// block's finally (`__disposeResources(env_1);` alone) gets that resume too.
//
// The lowered code exists only when the file is printed, after every transform, so the rewrite is a
// substitution hook (TransformationContext.onSubstituteNode, the public hook TypeScript's own transforms use
// for late rewrites) on try statements of that shape, told by the env and result names TypeScript shares
// between the statements (one node object each, which no user code can do). Which function's probe it is
// comes from emit notifications: the innermost function being printed that got a suspendable probe from
// this transformer, looked through the functions TypeScript itself writes around a body (the generator of
// `__awaiter` and `__asyncGenerator` at targets below ES2017/ES2018, where the await became a `yield` or
// `yield __await(…)`).
import type * as ts from "typescript";
import type { ProbeIdentifiers } from "@tsprof/instrument";
import { createProbeNodes } from "./probe-nodes";

/** Hooks installed once per transformation context; `register` names each function that got a suspendable probe. */
export interface LoweredDisposalProbes {
  register(instrumented: ts.Node, ids: ProbeIdentifiers): void;
}

export function installLoweredDisposalProbes(tsApi: typeof ts, context: ts.TransformationContext): LoweredDisposalProbes {
  const { SyntaxKind, factory } = tsApi;
  // The instrumented async functions and generators, by their original node (what getOriginalNode() of any
  // later version of them gives), with their file's probe identifiers.
  const probed = new WeakMap<ts.Node, ProbeIdentifiers>();
  // The functions being printed, innermost last: the identifiers of the probe whose code it is, or null.
  const printing: (ProbeIdentifiers | null)[] = [];
  const functionKinds = [
    SyntaxKind.FunctionDeclaration,
    SyntaxKind.FunctionExpression,
    SyntaxKind.ArrowFunction,
    SyntaxKind.MethodDeclaration,
    SyntaxKind.GetAccessor,
    SyntaxKind.SetAccessor,
    SyntaxKind.Constructor,
    SyntaxKind.ClassStaticBlockDeclaration,
  ];
  for (const kind of functionKinds) context.enableEmitNotification(kind);
  context.enableSubstitution(SyntaxKind.TryStatement);

  /** Whose code a function being printed holds: its probe's, none, or (a function TypeScript made) the enclosing one's. */
  const probeOf = (node: ts.Node): ProbeIdentifiers | null => {
    const original = tsApi.getOriginalNode(node);
    const ids = probed.get(original);
    if (ids) return ids;
    const madeByTypeScript = original.pos < 0 && tsApi.getParseTreeNode(original) === undefined;
    return madeByTypeScript && printing.length > 0 ? printing[printing.length - 1] : null;
  };

  const previousOnEmitNode = context.onEmitNode;
  context.onEmitNode = (hint, node, emitCallback) => {
    if (!functionKinds.includes(node.kind)) return previousOnEmitNode(hint, node, emitCallback);
    printing.push(probeOf(node));
    try {
      previousOnEmitNode(hint, node, emitCallback);
    } finally {
      printing.pop();
    }
  };

  const previousOnSubstituteNode = context.onSubstituteNode;
  context.onSubstituteNode = (hint, node) => {
    const substituted = previousOnSubstituteNode(hint, node);
    const ids = printing.length > 0 ? printing[printing.length - 1] : null;
    if (!ids || !tsApi.isTryStatement(substituted)) return substituted;
    return probedDisposal(substituted, ids) ?? substituted;
  };

  /** The lowered block's try statement with the probes in its finally block, or undefined for any other try. */
  function probedDisposal(node: ts.TryStatement, ids: ProbeIdentifiers): ts.TryStatement | undefined {
    const env = loweredEnvironment(node);
    const finallyBlock = node.finallyBlock;
    if (!env || !finallyBlock) return undefined;
    const probes = createProbeNodes(tsApi, factory, ids);
    const [first, second] = finallyBlock.statements;
    let statements: ts.Statement[];
    if (finallyBlock.statements.length === 1 && isDisposeCall(first, env)) {
      // using: `__disposeResources(env_1);`
      statements = [probes.resumeStatement(), first];
    } else {
      // await using: `const result_1 = __disposeResources(env_1); if (result_1) await result_1;`
      const result = finallyBlock.statements.length === 2 ? disposalResult(first, env) : undefined;
      const wait = result && tsApi.isIfStatement(second) && second.expression === result && !second.elseStatement ? second.thenStatement : undefined;
      if (!wait || !tsApi.isExpressionStatement(wait)) return undefined;
      const probedWait = suspendedWait(wait.expression, result!, probes);
      if (!probedWait) return undefined;
      statements = [probes.resumeStatement(), first, factory.updateIfStatement(second as ts.IfStatement, result!, factory.updateExpressionStatement(wait, probedWait), undefined)];
    }
    const probedFinally = factory.updateBlock(finallyBlock, statements);
    // Printed as it is: the hook must not see its own output again.
    tsApi.setEmitFlags(probedFinally, tsApi.EmitFlags.NoSubstitution);
    const updated = factory.updateTryStatement(node, node.tryBlock, node.catchClause, probedFinally);
    tsApi.setEmitFlags(updated, tsApi.EmitFlags.NoSubstitution);
    return updated;
  }

  /** `catch (e_1) { env_1.error = e_1; env_1.hasError = true; }`: env_1, else undefined. */
  function loweredEnvironment(node: ts.TryStatement): ts.Identifier | undefined {
    const clause = node.catchClause;
    const binding = clause?.variableDeclaration?.name;
    if (!clause || !binding || clause.block.statements.length !== 2) return undefined;
    const [error, hasError] = clause.block.statements.map((statement) =>
      tsApi.isExpressionStatement(statement) && tsApi.isBinaryExpression(statement.expression) && statement.expression.operatorToken.kind === SyntaxKind.EqualsToken
        ? statement.expression
        : undefined,
    );
    if (!error || !hasError || error.right !== binding || hasError.right.kind !== SyntaxKind.TrueKeyword) return undefined;
    const target = (expression: ts.Expression, name: string) =>
      tsApi.isPropertyAccessExpression(expression) && tsApi.isIdentifier(expression.name) && tsApi.idText(expression.name) === name && tsApi.isIdentifier(expression.expression)
        ? expression.expression
        : undefined;
    const env = target(error.left, "error");
    return env && target(hasError.left, "hasError") === env ? env : undefined;
  }

  /** `__disposeResources(env_1)` (or tslib's), the env being the catch clause's. */
  const disposeCallOf = (expression: ts.Expression | undefined, env: ts.Identifier): boolean =>
    !!expression && tsApi.isCallExpression(expression) && expression.arguments.length === 1 && expression.arguments[0] === env;

  const isDisposeCall = (statement: ts.Statement, env: ts.Identifier): boolean => tsApi.isExpressionStatement(statement) && disposeCallOf(statement.expression, env);

  /** `const result_1 = __disposeResources(env_1);`: result_1, else undefined. */
  function disposalResult(statement: ts.Statement, env: ts.Identifier): ts.Identifier | undefined {
    if (!tsApi.isVariableStatement(statement) || statement.declarationList.declarations.length !== 1) return undefined;
    const declaration = statement.declarationList.declarations[0];
    return tsApi.isIdentifier(declaration.name) && disposeCallOf(declaration.initializer, env) ? declaration.name : undefined;
  }

  /**
   * The wait for the result, with its probes: `await result_1` (ES2017 and later), `yield result_1` (an async
   * function lowered to a generator), `yield __await(result_1)` (an async generator lowered); else undefined.
   */
  function suspendedWait(expression: ts.Expression, result: ts.Identifier, probes: ReturnType<typeof createProbeNodes>): ts.Expression | undefined {
    if (tsApi.isAwaitExpression(expression) && expression.expression === result) {
      return probes.resumeCall(factory.updateAwaitExpression(expression, probes.suspendCall(result)));
    }
    if (!tsApi.isYieldExpression(expression) || expression.asteriskToken || !expression.expression) return undefined;
    const operand = expression.expression;
    if (operand === result) return probes.resumeCall(factory.updateYieldExpression(expression, undefined, probes.suspendCall(result)));
    if (tsApi.isCallExpression(operand) && operand.arguments.length === 1 && operand.arguments[0] === result) {
      const awaited = factory.updateCallExpression(operand, operand.expression, operand.typeArguments, [probes.suspendCall(result)]);
      return probes.resumeCall(factory.updateYieldExpression(expression, undefined, awaited));
    }
    return undefined;
  }

  return { register: (instrumented, ids) => probed.set(tsApi.getOriginalNode(instrumented), ids) };
}
