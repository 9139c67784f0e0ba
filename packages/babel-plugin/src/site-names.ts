// Reads a function's names off the Babel AST; the naming rules themselves live in @tsprof/instrument.
import { types as t, type NodePath } from "@babel/core";
import {
  ANONYMOUS,
  classMemberNames,
  freeFunctionNames,
  inferredFunctionName,
  objectLiteralName,
  classFieldNamesFunction,
  accessorName,
  propertyKeyName,
  type FunctionNames,
  type NamingPlace,
  type NamingRoute,
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
 * Whether `parent` hands an anonymous function (or class) in it on to the place where `parent` itself sits,
 * for V8's inferrer: an operand of `||`, `&&`, `??`, `? :`, an element of a comma expression or of an array
 * literal, a spread in an array literal. The spec's NamedEvaluation stops at all of these.
 */
function isPassThrough(parent: NodePath): boolean {
  const node = parent.node;
  if (t.isLogicalExpression(node) || t.isConditionalExpression(node) || t.isSequenceExpression(node) || t.isArrayExpression(node)) return true;
  return t.isSpreadElement(node) && t.isArrayExpression(parent.parent);
}

/** Where an expression ends up once wrappers and pass-through operators are looked through, and how it got there. */
interface Placement {
  /** The outermost expression on the way: the one `parent` holds. */
  child: NodePath;
  parent: NodePath | null;
  route: NamingRoute;
}

/** `(function`: a function expression that is the first thing inside parentheses (NamingRoute.parenthesizedFunction). */
function isParenthesizedFunction(path: NodePath): boolean {
  if (!t.isFunctionExpression(path.node)) return false;
  const start = path.node.start;
  let current: NodePath | null = path;
  // Up through every node that starts where the function does: `(function () {} || g)` counts too.
  while (current) {
    if ((current.node.extra as { parenthesized?: boolean } | undefined)?.parenthesized) return true;
    const parent: NodePath | null = current.parentPath;
    if (!parent) return false;
    if (t.isParenthesizedExpression(parent.node)) return true;
    if (start == null || parent.node.start !== start) return false;
    current = parent;
  }
  return false;
}

function placement(path: NodePath): Placement {
  let child: NodePath = path;
  let parent = path.parentPath;
  let indirect = false;
  while (parent && (isTransparentWrapper(parent.node) || isPassThrough(parent))) {
    if (!isTransparentWrapper(parent.node)) indirect = true;
    child = parent;
    parent = parent.parentPath;
  }
  return { child, parent, route: { indirect, parenthesizedFunction: isParenthesizedFunction(path) } };
}

const NAMING_ASSIGNMENTS = new Set(["=", "||=", "&&=", "??="]);

/**
 * Where an anonymous function, class or object literal sits, described for the shared naming rule
 * (`inferredFunctionName`): `const f = …`, `f = …`, `a.b = …`, `{ f: … }`, `(f = …) =>`, `export default …`.
 * `withObjectName`: also name the object literal a property sits in (only an indirect route uses it).
 */
function namingPlace({ child, parent }: Placement, nameOf: NameOf, withObjectName: boolean): NamingPlace {
  if (!parent) return { kind: "other" };
  const node = parent.node;
  // const f = …
  if (t.isVariableDeclarator(node) && node.init === child.node) {
    return { kind: "binding", name: t.isIdentifier(node.id) ? nameOf(node.id) : undefined, declarator: true };
  }
  // f = …, a.b.c = …, x ||= …
  if (t.isAssignmentExpression(node) && node.right === child.node) {
    const identifier = t.isIdentifier(node.left);
    const segments = identifier ? [nameOf(node.left as t.Identifier)] : memberSegments(parent.get("left") as NodePath);
    return { kind: "assignment", segments, compound: !NAMING_ASSIGNMENTS.has(node.operator), identifier };
  }
  // (f = …) => …, { f = … } = o
  if (t.isAssignmentPattern(node) && node.right === child.node) {
    return { kind: "binding", name: t.isIdentifier(node.left) ? nameOf(node.left) : undefined, declarator: false };
  }
  // { f: … }
  if (t.isObjectProperty(node) && node.value === child.node) {
    const objectName = withObjectName ? objectLiteralName(namingPlace(placement(parent.parentPath!), nameOf, true)) : undefined;
    return { kind: "property", key: describeKey(parent.get("key") as NodePath, node.computed), computed: node.computed, objectName };
  }
  // class { x = … }   (functions there are named as class members; this names objects and classes)
  if ((t.isClassProperty(node) || t.isClassPrivateProperty(node)) && node.value === child.node) {
    const computed = t.isClassProperty(node) && node.computed;
    return { kind: "field", key: describeKey(parent.get("key") as NodePath, computed), computed };
  }
  if (t.isExportDefaultDeclaration(node)) return { kind: "export-default" };
  return { kind: "other" };
}

function inferredName(path: NodePath, nameOf: NameOf): string | undefined {
  const where = placement(path);
  return inferredFunctionName(namingPlace(where, nameOf, where.route.indirect), where.route);
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
  // A function stored in a class field: `handler = () => {}`, `static #make = function () {}`,
  // `fallback = x || function () {}`.
  const { child, parent: field, route } = placement(path);
  if (field && (field.isClassProperty() || field.isClassPrivateProperty()) && field.node.value === child.node) {
    const computed = field.isClassProperty() && field.node.computed;
    return classFieldNamesFunction(route, computed) ? classNames(field, true, nameOf) : freeFunctionNames(undefined);
  }
  if (t.isFunctionDeclaration(node)) return freeFunctionNames(t.isExportDefaultDeclaration(path.parent) ? "default" : undefined);
  return freeFunctionNames(inferredName(path, nameOf));
}

/** Names of a `static { }` block of a class. */
export function staticBlockNames(path: NodePath<t.StaticBlock>, nameOf: NameOf = ownName): FunctionNames {
  const classPath = path.parentPath.parentPath!;
  return classMemberNames({ className: className(classPath, nameOf), memberName: "", isStatic: true, kind: "static-block" });
}
