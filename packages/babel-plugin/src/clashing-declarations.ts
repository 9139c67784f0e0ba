// Body-level function declarations that cannot simply move into the probe's `try` block (design.md §3 pitfall 4).
//
// Inside `try { }` a body-level declaration becomes a block-level one. That keeps closures over
// body-level let/const/class intact, but a name that is also a parameter, a `var`, or another
// body-level function would change meaning (early error in the block, or the parameter / mapped
// `arguments` no longer updated). So would a name that a function declared in a nested block, an
// `if` branch or a `switch` case also has: in sloppy code Annex B (B.3.3) makes that inner
// declaration assign the function-level binding when it is evaluated,
//   function f() { function k() { return 1; } { function k() { return 2; } } return k(); }   // 2
// but only while no lexical `k` stands between the two, and the body-level one turned block-level
// in the try is such a `k`: k() would give 1. Only those clashing declarations are rewritten:
//   function a(x) { B }        →   var a = function (x) { B };   (first in the try block)
// which assigns the same var/parameter binding at the same moment (before any other body code),
// and keeps `.name` ("a", by NamedEvaluation), `.length`, `this`, `new.target` and hoisted order.
import { types as t } from "@babel/core";
import { atLocationOf } from "./source-locations";

/** Names bound by `var` in a function body, nested functions and class bodies excluded. */
function varDeclaredNames(statements: readonly t.Statement[]): Set<string> {
  const names = new Set<string>();
  const visit = (node: t.Node): void => {
    if (t.isFunction(node) || t.isClass(node) || t.isStaticBlock(node)) return;
    if (t.isVariableDeclaration(node) && node.kind === "var") {
      for (const declarator of node.declarations) for (const name of Object.keys(t.getBindingIdentifiers(declarator.id))) names.add(name);
    }
    for (const key of t.VISITOR_KEYS[node.type] ?? []) {
      const child = (node as unknown as Record<string, t.Node | t.Node[] | null | undefined>)[key];
      if (Array.isArray(child)) for (const item of child) item && visit(item);
      else if (child) visit(child);
    }
  };
  for (const statement of statements) visit(statement);
  return names;
}

/**
 * Names of the plain function declarations directly in a nested block, `if` branch (B.3.4) or `switch`
 * case of a function body, nested functions and class bodies excluded: those Annex B may var-hoist.
 * (Generators and async functions never are, and a labelled declaration is not "directly contained".)
 */
function blockFunctionNames(statements: readonly t.Statement[]): Set<string> {
  const names = new Set<string>();
  const visit = (node: t.Node, parent: t.Node | undefined): void => {
    if (t.isFunctionDeclaration(node)) {
      const annexB = t.isBlockStatement(parent) || t.isSwitchCase(parent) || t.isIfStatement(parent);
      if (annexB && node.id && !node.generator && !node.async) names.add(node.id.name);
      return;
    }
    if (t.isFunction(node) || t.isClass(node) || t.isStaticBlock(node)) return;
    for (const key of t.VISITOR_KEYS[node.type] ?? []) {
      const child = (node as unknown as Record<string, t.Node | t.Node[] | null | undefined>)[key];
      if (Array.isArray(child)) for (const item of child) item && visit(item, node);
      else if (child) visit(child, node);
    }
  };
  // The body's own declarations have no parent here: they are not block-level ones.
  for (const statement of statements) visit(statement, undefined);
  return names;
}

/**
 * Splits a function body into the rewritten clashing declarations (to go first in the try block)
 * and the remaining statements in their original order.
 */
export function separateClashingDeclarations(
  params: readonly t.Node[],
  statements: readonly t.Statement[],
): { hoisted: t.Statement[]; rest: t.Statement[] } {
  const declarations = statements.filter((statement): statement is t.FunctionDeclaration => t.isFunctionDeclaration(statement) && !!statement.id);
  if (declarations.length === 0) return { hoisted: [], rest: [...statements] };
  const counts = new Map<string, number>();
  for (const declaration of declarations) counts.set(declaration.id!.name, (counts.get(declaration.id!.name) ?? 0) + 1);
  // constructor(private a) binds `a` too: look through TypeScript parameter properties.
  const bound = (param: t.Node) => (t.isTSParameterProperty(param) ? param.parameter : param);
  const paramNames = new Set(params.flatMap((param) => Object.keys(t.getBindingIdentifiers(bound(param)))));
  const varNames = varDeclaredNames(statements);
  const blockNames = blockFunctionNames(statements);
  const clashes = (name: string): boolean =>
    paramNames.has(name) || varNames.has(name) || blockNames.has(name) || (counts.get(name) ?? 0) > 1;
  if (!declarations.some((declaration) => clashes(declaration.id!.name))) return { hoisted: [], rest: [...statements] };
  const hoisted: t.Statement[] = [];
  const rest: t.Statement[] = [];
  for (const statement of statements) {
    if (t.isFunctionDeclaration(statement) && statement.id && clashes(statement.id.name)) hoisted.push(asVarDeclaration(statement));
    else rest.push(statement);
  }
  return { hoisted, rest };
}

// function a(x) { B }  →  var a = function (x) { B };
function asVarDeclaration(declaration: t.FunctionDeclaration): t.VariableDeclaration {
  const expression = t.functionExpression(null, declaration.params, declaration.body, declaration.generator, declaration.async);
  expression.typeParameters = declaration.typeParameters;
  expression.returnType = declaration.returnType;
  // Keeps the position: the traversal instruments the expression like the declaration it was.
  expression.loc = declaration.loc;
  expression.start = declaration.start;
  expression.end = declaration.end;
  // The name and the statement keep theirs too, for source maps and coverage tools (source-locations.ts);
  // the declarator has none, so istanbul counts no statement the declaration did not have.
  const id = atLocationOf(t.identifier(declaration.id!.name), declaration.id!);
  const statement = atLocationOf(t.variableDeclaration("var", [t.variableDeclarator(id, expression)]), declaration);
  t.inheritsComments(statement, declaration);
  return statement;
}
