// Reads a function's names off the Babel AST; the naming rules themselves live in @tsprof/instrument.
import { types as t, type NodePath } from "@babel/core";
import {
  ANONYMOUS,
  classMemberNames,
  freeFunctionNames,
  inferredFunctionName,
  accessorName,
  propertyKeyName,
  type FunctionNames,
  type NamingPlace,
  type PropertyKeyDescription,
} from "@tsprof/instrument";

/**
 * The name to show for an identifier that names a function, a class or the binding one is stored in: its
 * own, or the original one an input source map gives for it (instrument-program.ts). A minifier renames
 * `function fib` to `function n` and its map's `names` keeps "fib" at that position: the rows said
 * `src/math.ts:1(n)` on the right line.
 */
export type NameOf = (id: t.Identifier) => string;

const ownName: NameOf = (id) => id.name;

/** Expression wrappers that keep a function "anonymous function definition" for NamedEvaluation. */
function isTransparentWrapper(node: t.Node): boolean {
  return (
    t.isParenthesizedExpression(node) ||
    t.isTSAsExpression(node) ||
    t.isTSSatisfiesExpression(node) ||
    t.isTSNonNullExpression(node) ||
    t.isTSTypeAssertion(node) ||
    t.isTypeCastExpression(node)
  );
}

/** Source text of a node, for computed keys; falls back to a fixed marker when the node has no position. */
function sourceText(path: NodePath): string {
  const text = path.getSource();
  return text === "" ? "<computed>" : text.replace(/\s+/g, " ");
}

function describeKey(keyPath: NodePath, computed: boolean): PropertyKeyDescription {
  const key = keyPath.node;
  if (t.isPrivateName(key)) return { kind: "private", name: key.id.name };
  if (t.isStringLiteral(key)) return { kind: "string", value: key.value };
  if (t.isNumericLiteral(key)) return { kind: "number", value: key.value };
  if (t.isBigIntLiteral(key)) return { kind: "bigint", value: String(BigInt(key.value)) };
  if (!computed && t.isIdentifier(key)) return { kind: "identifier", name: key.name };
  if (t.isTemplateLiteral(key) && key.expressions.length === 0) return { kind: "string", value: key.quasis[0].value.cooked ?? "" };
  return { kind: "computed", text: sourceText(keyPath) };
}

/** Name segments of `a.b["c"]` for V8's inferred name; undefined when the target is not a plain member path. */
function memberSegments(path: NodePath): string[] | undefined {
  const node = path.node;
  if (t.isIdentifier(node)) return [node.name];
  if (t.isThisExpression(node)) return [];
  if (t.isMemberExpression(node) || t.isOptionalMemberExpression(node)) {
    const object = memberSegments(path.get("object") as NodePath);
    if (!object) return undefined;
    const key = describeKey(path.get("property") as NodePath, node.computed);
    return [...object, propertyKeyName(key)];
  }
  return undefined;
}

/**
 * The name NamedEvaluation (or V8's inferrer) gives an anonymous function or class at `path`:
 * `const f = …`, `f = …`, `a.b = …`, `{ f: … }`, `(f = …) =>`, `export default …`. Undefined otherwise.
 */
/** Where an anonymous function sits, described for the shared naming rule (`inferredFunctionName`). */
function namingPlace(path: NodePath, nameOf: NameOf): NamingPlace {
  let child: NodePath = path;
  let parent = path.parentPath;
  while (parent && isTransparentWrapper(parent.node)) {
    child = parent;
    parent = parent.parentPath;
  }
  if (!parent) return { kind: "other" };
  const node = parent.node;
  // const f = …
  if (t.isVariableDeclarator(node) && node.init === child.node) return { kind: "binding", name: t.isIdentifier(node.id) ? nameOf(node.id) : undefined };
  // f = …, a.b.c = …, x ||= …
  if (t.isAssignmentExpression(node) && node.right === child.node) {
    return { kind: "assignment", segments: t.isIdentifier(node.left) ? [nameOf(node.left)] : memberSegments(parent.get("left") as NodePath) };
  }
  // (f = …) => …, { f = … } = o
  if (t.isAssignmentPattern(node) && node.right === child.node) return { kind: "binding", name: t.isIdentifier(node.left) ? nameOf(node.left) : undefined };
  // { f: … }
  if (t.isObjectProperty(node) && node.value === child.node) return { kind: "property", key: describeKey(parent.get("key") as NodePath, node.computed) };
  if (t.isExportDefaultDeclaration(node)) return { kind: "export-default" };
  return { kind: "other" };
}

function inferredName(path: NodePath, nameOf: NameOf): string | undefined {
  return inferredFunctionName(namingPlace(path, nameOf));
}

function className(classPath: NodePath, nameOf: NameOf): string {
  const node = classPath.node as t.Class;
  if (node.id) {
    const own = nameOf(node.id);
    // esbuild writes `export class Store` as `var r = class e`, and its map names `e` "_Store" (the class's
    // inner binding, renamed) and `r` "Store": a class expression renamed by the map takes the original
    // name of the variable it is stored in, when the map gives that one too.
    let holder: NodePath = classPath;
    while (holder.parentPath && isTransparentWrapper(holder.parentPath.node)) holder = holder.parentPath;
    const declarator = holder.parent;
    if (own !== node.id.name && t.isVariableDeclarator(declarator) && declarator.init === holder.node && t.isIdentifier(declarator.id)) {
      const binding = nameOf(declarator.id);
      if (binding !== declarator.id.name) return binding;
    }
    return own;
  }
  return (t.isExportDefaultDeclaration(classPath.parent) ? "default" : inferredName(classPath, nameOf)) ?? ANONYMOUS;
}

/** Names of a function that sits directly in a class body (method, accessor, constructor) or in a class field. */
function classNames(memberPath: NodePath, isField: boolean, nameOf: NameOf): FunctionNames {
  const member = memberPath.node as t.ClassMethod | t.ClassPrivateMethod | t.ClassProperty | t.ClassPrivateProperty;
  const classPath = memberPath.parentPath!.parentPath!;
  const memberName = propertyKeyName(describeKey(memberPath.get("key") as NodePath, "computed" in member && !!member.computed));
  const kind = isField ? "field" : (member as t.ClassMethod).kind;
  return classMemberNames({ className: className(classPath, nameOf), memberName, isStatic: !!member.static, kind });
}

/** Debug name and qualified name of a function, as the site table records them. */
export function functionNames(path: NodePath<t.Function>, nameOf: NameOf = ownName): FunctionNames {
  const node = path.node;
  if (t.isClassMethod(node) || t.isClassPrivateMethod(node)) return classNames(path, false, nameOf);
  if (t.isObjectMethod(node)) {
    const name = accessorName(node.kind, propertyKeyName(describeKey(path.get("key") as NodePath, node.computed)));
    return freeFunctionNames(name);
  }
  if ((t.isFunctionDeclaration(node) || t.isFunctionExpression(node)) && node.id) return freeFunctionNames(nameOf(node.id));
  // A function stored in a class field: `handler = () => {}`, `static #make = function () {}`.
  let holder: NodePath = path;
  while (holder.parentPath && isTransparentWrapper(holder.parentPath.node)) holder = holder.parentPath;
  const field = holder.parentPath;
  if (field && (field.isClassProperty() || field.isClassPrivateProperty()) && field.node.value === holder.node) {
    return classNames(field, true, nameOf);
  }
  if (t.isFunctionDeclaration(node)) return freeFunctionNames(t.isExportDefaultDeclaration(path.parent) ? "default" : undefined);
  return freeFunctionNames(inferredName(path, nameOf));
}

/** Names of a `static { }` block of a class. */
export function staticBlockNames(path: NodePath<t.StaticBlock>, nameOf: NameOf = ownName): FunctionNames {
  const classPath = path.parentPath.parentPath!;
  return classMemberNames({ className: className(classPath, nameOf), memberName: "", isStatic: true, kind: "static-block" });
}
