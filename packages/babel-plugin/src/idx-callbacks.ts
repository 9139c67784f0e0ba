// The arrow passed to `idx` (facebook's idx, compiled away by babel-plugin-idx) is left without a probe.
//
// babel-plugin-idx does all its work in its Program visitor, and in the same traversal as this plugin's
// Program.enter: listed after tsprof (`["@tsprof", "idx"]`), it found the arrow of `idx(props, _ =>
// _.user.name)` rebuilt as `_ => { …probe…; return _.user.name; }` and failed the build ("The body of
// the arrow function supplied to `idx` must be a single expression"). The arrow is never called: idx's
// plugin replaces the whole call with the chain of checks it spells out, and its own runtime (without the
// plugin) calls it once inside a try. So the arrow keeps its concise body and has no site, in either order.
import { types as t, type NodePath } from "@babel/core";

/** The module that exports `idx`, as babel-plugin-idx recognises it (its default `importName`). */
const IDX_MODULE = "idx";

/** Whether `path` is the arrow function given as the second argument of a call to idx. */
export function isIdxCallback(path: NodePath): boolean {
  if (!path.isArrowFunctionExpression() || path.listKey !== "arguments" || path.key !== 1) return false;
  const call = path.parentPath;
  if (!call.isCallExpression() || !t.isIdentifier(call.node.callee)) return false;
  const binding = call.scope.getBinding(call.node.callee.name);
  if (!binding) return false;
  const declaration = binding.path;
  if (declaration.isImportDefaultSpecifier() || declaration.isImportSpecifier()) {
    return (declaration.parent as t.ImportDeclaration).source.value === IDX_MODULE;
  }
  if (declaration.isVariableDeclarator()) {
    const init = declaration.node.init;
    return (
      t.isCallExpression(init) &&
      t.isIdentifier(init.callee, { name: "require" }) &&
      t.isStringLiteral(init.arguments[0], { value: IDX_MODULE })
    );
  }
  return false;
}
