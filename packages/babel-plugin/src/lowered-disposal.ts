// The shape in which @babel/plugin-transform-explicit-resource-management lowers a `using` or `await using`
// block, after Program.enter (as its 7.29 writes it, the version `tsprof run` lowers TypeScript's with; a block
// lowered in any other shape is left without these probes):
//
//   try {
//     var _usingCtx = _usingCtx2();
//     const a = _usingCtx.a(…);   (`.u(…)` for `using`)
//     …
//   } catch (_) {
//     _usingCtx.e = _;
//   } finally {
//     await _usingCtx.d();        (`_usingCtx.d();` when every declaration of the block is a `using`)
//   }
import { types as t } from "@babel/core";

/** The finally block's statement of a lowered block (`await _usingCtx.d();` or `_usingCtx.d();`), else undefined. */
export function loweredDisposal(node: t.TryStatement): t.ExpressionStatement | undefined {
  const handler = node.handler;
  const [assignment] = handler?.body.body ?? [];
  if (!handler || handler.body.body.length !== 1 || !t.isIdentifier(handler.param) || !t.isExpressionStatement(assignment)) return undefined;
  // _usingCtx.e = _
  const error = assignment.expression;
  if (!t.isAssignmentExpression(error, { operator: "=" }) || !t.isIdentifier(error.right, { name: handler.param.name })) return undefined;
  if (!t.isMemberExpression(error.left, { computed: false }) || !t.isIdentifier(error.left.property, { name: "e" }) || !t.isIdentifier(error.left.object)) return undefined;
  const context = error.left.object.name;
  // [await] _usingCtx.d()
  const [disposal] = node.finalizer?.body ?? [];
  if (node.finalizer?.body.length !== 1 || !t.isExpressionStatement(disposal)) return undefined;
  const call = t.isAwaitExpression(disposal.expression) ? disposal.expression.argument : disposal.expression;
  const isDisposeCall =
    t.isCallExpression(call) &&
    call.arguments.length === 0 &&
    t.isMemberExpression(call.callee, { computed: false }) &&
    t.isIdentifier(call.callee.object, { name: context }) &&
    t.isIdentifier(call.callee.property, { name: "d" });
  return isDisposeCall ? disposal : undefined;
}
