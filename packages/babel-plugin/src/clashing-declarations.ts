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
 * case of a function body that Annex B var-hoists: no lexical declaration of the name (let, const,
 * class, a function of an enclosing block, a `for (let …)` head) stands between them and the body.
 * Nested functions and class bodies excluded; generators, async functions and labelled declarations
 * are never hoisted. (Babel's own block-scoping lowering, in preset-env, also hoists a blocked one
 * once the body-level name is a var: only the hoisted ones are rewritten.)
 */
function blockFunctionNames(statements: readonly t.Statement[]): Set<string> {
  const names = new Set<string>();
  const lexicalNames = (list: readonly t.Node[], functions: boolean): string[] =>
    list.flatMap((statement) =>
      (t.isVariableDeclaration(statement) && statement.kind !== "var") || t.isClassDeclaration(statement) || (functions && t.isFunctionDeclaration(statement))
        ? Object.keys(t.getBindingIdentifiers(statement, false, true))
        : [],
    );
  const hoistable = (node: t.Node, blocked: ReadonlySet<string>): node is t.FunctionDeclaration =>
    t.isFunctionDeclaration(node) && !!node.id && !node.generator && !node.async && !blocked.has(node.id.name);
  // A block's (or a switch's case block's) statements: its functions are checked against the names
  // blocked outside and its other lexical names; what is nested deeper against all of its names.
  const visitScope = (list: readonly t.Statement[], blocked: ReadonlySet<string>): void => {
    const forOwn = new Set([...blocked, ...lexicalNames(list, false)]);
    const forNested = new Set([...blocked, ...lexicalNames(list, true)]);
    for (const statement of list) {
      if (t.isFunctionDeclaration(statement)) {
        if (hoistable(statement, forOwn)) names.add(statement.id!.name);
      } else visit(statement, forNested);
    }
  };
  const visit = (node: t.Node, blocked: ReadonlySet<string>): void => {
    if (t.isFunction(node) || t.isClass(node) || t.isStaticBlock(node)) return;
    if (t.isBlockStatement(node)) return visitScope(node.body, blocked);
    if (t.isSwitchStatement(node)) return visitScope(node.cases.flatMap((clause) => clause.consequent), blocked);
    if (t.isIfStatement(node)) {
      for (const branch of [node.consequent, node.alternate]) {
        if (branch && t.isFunctionDeclaration(branch)) {
          if (hoistable(branch, blocked)) names.add(branch.id!.name);
        } else if (branch) visit(branch, blocked);
      }
      return;
    }
    let inner = blocked;
    const head = t.isForStatement(node) ? node.init : t.isForInStatement(node) || t.isForOfStatement(node) ? node.left : undefined;
    if (head && t.isVariableDeclaration(head) && head.kind !== "var") inner = new Set([...blocked, ...lexicalNames([head], false)]);
    // catch ({ k }) blocks k; a plain `catch (k)` does not (B.3.4, VariableStatements in Catch Blocks).
    if (t.isCatchClause(node) && node.param && !t.isIdentifier(node.param)) inner = new Set([...blocked, ...Object.keys(t.getBindingIdentifiers(node.param))]);
    for (const key of t.VISITOR_KEYS[node.type] ?? []) {
      const child = (node as unknown as Record<string, t.Node | t.Node[] | null | undefined>)[key];
      if (Array.isArray(child)) for (const item of child) item && visit(item, inner);
      else if (child) visit(child, inner);
    }
  };
  // The body's own declarations are not block-level ones.
  for (const statement of statements) if (!t.isFunctionDeclaration(statement)) visit(statement, new Set());
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
