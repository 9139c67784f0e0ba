// Reads a function's names off the TypeScript AST; the naming rules themselves live in @tsprof/instrument.
// Mirrors packages/babel-plugin/src/site-names.ts node for node (the parity suite holds them equal).
import type * as ts from "typescript";
import {
  ANONYMOUS,
  accessorName,
  classMemberNames,
  freeFunctionNames,
  inferredFunctionName,
  objectLiteralName,
  classFieldNamesFunction,
  propertyKeyName,
  type ClassMemberKind,
  type FunctionNames,
  type NamingPlace,
  type NamingRoute,
  type PropertyKeyDescription,
} from "@tsprof/instrument";

/** A function-like node tsprof instruments (the ones that have a body). */
export type InstrumentedFunction =
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction
  | ts.MethodDeclaration
  | ts.ConstructorDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration;

export function createSiteNamer(tsApi: typeof ts, sourceFile: ts.SourceFile) {
  const { SyntaxKind } = tsApi;

  /** Expression wrappers that keep a function "anonymous function definition" for NamedEvaluation. */
  const isTransparentWrapper = (node: ts.Node): boolean =>
    tsApi.isParenthesizedExpression(node) ||
    tsApi.isAsExpression(node) ||
    tsApi.isSatisfiesExpression(node) ||
    tsApi.isNonNullExpression(node) ||
    tsApi.isTypeAssertionExpression(node);

  /** Source text of a computed key, whitespace collapsed (Babel's `path.getSource()`). */
  const sourceText = (node: ts.Node): string => {
    const text = node.pos >= 0 ? node.getText(sourceFile) : "";
    return text === "" ? "<computed>" : text.replace(/\s+/g, " ");
  };

  const numericValue = (node: ts.NumericLiteral): number => Number(node.getText(sourceFile).replace(/_/g, ""));

  function describeKey(key: ts.Node, computed: boolean): PropertyKeyDescription {
    if (tsApi.isComputedPropertyName(key)) return describeKey(key.expression, true);
    if (tsApi.isPrivateIdentifier(key)) return { kind: "private", name: key.text.slice(1) };
    if (tsApi.isStringLiteral(key)) return { kind: "string", value: key.text };
    if (tsApi.isNumericLiteral(key)) return { kind: "number", value: numericValue(key) };
    if (tsApi.isBigIntLiteral(key)) return { kind: "bigint", value: String(BigInt(key.text.replace(/_/g, "").slice(0, -1))) };
    if (!computed && tsApi.isIdentifier(key)) return { kind: "identifier", name: key.text };
    if (tsApi.isNoSubstitutionTemplateLiteral(key)) return { kind: "string", value: key.text };
    return { kind: "computed", text: sourceText(key) };
  }

  const skipParentheses = (node: ts.Expression): ts.Expression => (tsApi.isParenthesizedExpression(node) ? skipParentheses(node.expression) : node);

  /** Name segments of `a.b["c"]` for V8's inferred name; undefined when the target is not a plain member path. */
  function memberSegments(expression: ts.Expression): string[] | undefined {
    const node = skipParentheses(expression);
    if (tsApi.isIdentifier(node)) return [node.text];
    if (node.kind === SyntaxKind.ThisKeyword) return [];
    if (tsApi.isPropertyAccessExpression(node)) {
      const object = memberSegments(node.expression);
      return object && [...object, propertyKeyName(describeKey(node.name, false))];
    }
    if (tsApi.isElementAccessExpression(node)) {
      const object = memberSegments(node.expression);
      return object && [...object, propertyKeyName(describeKey(node.argumentExpression, true))];
    }
    return undefined;
  }

  const isAssignment = (node: ts.Node): node is ts.BinaryExpression =>
    tsApi.isBinaryExpression(node) && node.operatorToken.kind >= SyntaxKind.FirstAssignment && node.operatorToken.kind <= SyntaxKind.LastAssignment;

  const NAMING_ASSIGNMENTS = new Set<ts.SyntaxKind>([
    SyntaxKind.EqualsToken,
    SyntaxKind.BarBarEqualsToken,
    SyntaxKind.AmpersandAmpersandEqualsToken,
    SyntaxKind.QuestionQuestionEqualsToken,
  ]);
  const PASS_THROUGH_OPERATORS = new Set<ts.SyntaxKind>([
    SyntaxKind.BarBarToken,
    SyntaxKind.AmpersandAmpersandToken,
    SyntaxKind.QuestionQuestionToken,
    SyntaxKind.CommaToken,
  ]);

  /**
   * Whether `parent` hands an anonymous function (or class) in it on to the place where `parent` itself
   * sits, for V8's inferrer: an operand of `||`, `&&`, `??`, `? :`, an element of a comma expression or of
   * an array literal, a spread in an array literal. The spec's NamedEvaluation stops at all of these.
   */
  const isPassThrough = (parent: ts.Node): boolean =>
    (tsApi.isBinaryExpression(parent) && PASS_THROUGH_OPERATORS.has(parent.operatorToken.kind)) ||
    tsApi.isConditionalExpression(parent) ||
    tsApi.isArrayLiteralExpression(parent) ||
    (tsApi.isSpreadElement(parent) && tsApi.isArrayLiteralExpression(parent.parent));

  const startOf = (node: ts.Node): number => (node.pos >= 0 ? node.getStart(sourceFile) : -1);

  /** `(function`: a function expression that is the first thing inside parentheses (NamingRoute.parenthesizedFunction). */
  function isParenthesizedFunction(node: ts.Node): boolean {
    if (!tsApi.isFunctionExpression(node)) return false;
    const start = startOf(node);
    if (start < 0) return false;
    // Up through every node that starts where the function does: `(function () {} || g)` counts too.
    for (let current = node.parent; current; current = current.parent) {
      if (tsApi.isParenthesizedExpression(current)) return true;
      if (startOf(current) !== start) return false;
    }
    return false;
  }

  /** Where an expression ends up once wrappers and pass-through operators are looked through, and how it got there. */
  interface Placement {
    /** The outermost expression on the way: the one `parent` holds. */
    child: ts.Node;
    parent: ts.Node | undefined;
    route: NamingRoute;
  }

  function placement(node: ts.Node): Placement {
    let child = node;
    let parent = node.parent;
    let indirect = false;
    while (parent && (isTransparentWrapper(parent) || isPassThrough(parent))) {
      if (!isTransparentWrapper(parent)) indirect = true;
      child = parent;
      parent = parent.parent;
    }
    return { child, parent, route: { indirect, parenthesizedFunction: isParenthesizedFunction(node) } };
  }

  /**
   * Where an anonymous function, class or object literal sits, for `inferredFunctionName`.
   * `withObjectName`: also name the object literal a property sits in (only an indirect route uses it).
   */
  function namingPlace({ child, parent }: Placement, withObjectName: boolean): NamingPlace {
    if (!parent) return { kind: "other" };
    // const f = …   (also `(f = …) =>` and `const { f = … } = o`)
    if ((tsApi.isVariableDeclaration(parent) || tsApi.isParameter(parent) || tsApi.isBindingElement(parent)) && parent.initializer === child) {
      return { kind: "binding", name: tsApi.isIdentifier(parent.name) ? parent.name.text : undefined, declarator: tsApi.isVariableDeclaration(parent) };
    }
    // ({ f = … } = o)
    if (tsApi.isShorthandPropertyAssignment(parent) && parent.objectAssignmentInitializer === child) {
      return { kind: "binding", name: parent.name.text, declarator: false };
    }
    // f = …, a.b.c = …, Foo.prototype.bar = …, x ||= …
    if (isAssignment(parent) && parent.right === child) {
      return {
        kind: "assignment",
        segments: memberSegments(parent.left),
        compound: !NAMING_ASSIGNMENTS.has(parent.operatorToken.kind),
        identifier: tsApi.isIdentifier(skipParentheses(parent.left)),
      };
    }
    // { f: … }
    if (tsApi.isPropertyAssignment(parent) && parent.initializer === child) {
      const objectName = withObjectName ? objectLiteralName(namingPlace(placement(parent.parent), true)) : undefined;
      return { kind: "property", key: describeKey(parent.name, false), computed: tsApi.isComputedPropertyName(parent.name), objectName };
    }
    // class { x = … }   (functions there are named as class members; this names objects and classes)
    if (tsApi.isPropertyDeclaration(parent) && parent.initializer === child && tsApi.isClassLike(parent.parent)) {
      return { kind: "field", key: describeKey(parent.name, false), computed: tsApi.isComputedPropertyName(parent.name) };
    }
    // export default …   (not `export = …`)
    if (tsApi.isExportAssignment(parent) && !parent.isExportEquals) return { kind: "export-default" };
    return { kind: "other" };
  }

  const inferredName = (node: ts.Node): string | undefined => {
    const where = placement(node);
    return inferredFunctionName(namingPlace(where, where.route.indirect), where.route);
  };

  const hasModifier = (node: ts.Node, kind: ts.SyntaxKind): boolean =>
    tsApi.canHaveModifiers(node) && (tsApi.getModifiers(node) ?? []).some((modifier) => modifier.kind === kind);

  function className(node: ts.ClassLikeDeclaration): string {
    if (node.name) return node.name.text;
    if (hasModifier(node, SyntaxKind.DefaultKeyword)) return "default";
    return inferredName(node) ?? ANONYMOUS;
  }

  /** Names of a member that sits directly in a class body (method, accessor, constructor) or of a class field's function. */
  function classNames(member: ts.ClassElement, kind: ClassMemberKind): FunctionNames {
    const classNode = member.parent as ts.ClassLikeDeclaration;
    const memberName = member.name ? propertyKeyName(describeKey(member.name, false)) : "";
    return classMemberNames({ className: className(classNode), memberName, isStatic: hasModifier(member, SyntaxKind.StaticKeyword), kind });
  }

  function memberKind(node: ts.Node): "method" | "get" | "set" {
    if (tsApi.isGetAccessorDeclaration(node)) return "get";
    if (tsApi.isSetAccessorDeclaration(node)) return "set";
    return "method";
  }

  /** Debug name and qualified name of a function, as the site table records them. */
  function functionNames(node: InstrumentedFunction): FunctionNames {
    const inClass = tsApi.isClassLike(node.parent);
    if (tsApi.isConstructorDeclaration(node)) return classNames(node, "constructor");
    if (tsApi.isMethodDeclaration(node) || tsApi.isGetAccessorDeclaration(node) || tsApi.isSetAccessorDeclaration(node)) {
      if (inClass) return classNames(node, memberKind(node));
      return freeFunctionNames(accessorName(memberKind(node), propertyKeyName(describeKey(node.name, false))));
    }
    if ((tsApi.isFunctionDeclaration(node) || tsApi.isFunctionExpression(node)) && node.name) return freeFunctionNames(node.name.text);
    // A function stored in a class field: `handler = () => {}`, `static #make = function () {}`,
    // `fallback = x || function () {}`.
    const { child, parent: field, route } = placement(node);
    if (field && tsApi.isPropertyDeclaration(field) && field.initializer === child && tsApi.isClassLike(field.parent)) {
      return classFieldNamesFunction(route, tsApi.isComputedPropertyName(field.name)) ? classNames(field, "field") : freeFunctionNames(undefined);
    }
    if (tsApi.isFunctionDeclaration(node)) return freeFunctionNames(hasModifier(node, SyntaxKind.DefaultKeyword) ? "default" : undefined);
    return freeFunctionNames(inferredName(node));
  }

  /** Names of a `static { }` block of a class. */
  function staticBlockNames(node: ts.ClassStaticBlockDeclaration): FunctionNames {
    return classMemberNames({ className: className(node.parent as ts.ClassLikeDeclaration), memberName: "", isStatic: true, kind: "static-block" });
  }

  return { functionNames, staticBlockNames };
}
