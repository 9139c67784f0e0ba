// Body-level function declarations that cannot simply move into the probe's `try` block (design.md §3 pitfall 4).
//
// Same rule as packages/babel-plugin/src/clashing-declarations.ts: inside `try { }` a body-level declaration
// becomes a block-level one, which is right unless its name is also a parameter, a `var`, another
// body-level function, or a function declared in a nested block, `if` branch or `switch` case (which
// Annex B lets assign the body-level binding in sloppy code, unless a lexical declaration of the name,
// such as the body-level one in the try, stands between them). Only those are rewritten, and go first
// in the try block:
//   function a(x) { B }        →   var a = function (x) { B };
// Overload signatures (no body) are dropped with them: TypeScript erases them anyway.
import type * as ts from "typescript";

export function createClashingDeclarations(tsApi: typeof ts, factory: ts.NodeFactory) {
  const bindingNames = (name: ts.BindingName, into: Set<string>): void => {
    if (tsApi.isIdentifier(name)) into.add(name.text);
    else for (const element of name.elements) if (!tsApi.isOmittedExpression(element)) bindingNames(element.name, into);
  };

  /** Names bound by `var` in a function body, nested functions and class bodies excluded. */
  function varDeclaredNames(statements: readonly ts.Statement[]): Set<string> {
    const names = new Set<string>();
    const visit = (node: ts.Node): void => {
      if (tsApi.isFunctionLike(node) || tsApi.isClassLike(node) || tsApi.isClassStaticBlockDeclaration(node)) return;
      if (tsApi.isVariableDeclarationList(node) && (node.flags & tsApi.NodeFlags.BlockScoped) === 0) {
        for (const declaration of node.declarations) bindingNames(declaration.name, names);
      }
      tsApi.forEachChild(node, visit);
    };
    for (const statement of statements) visit(statement);
    return names;
  }

  /**
   * Names of the plain function declarations directly in a nested block, `if` branch (B.3.4) or `switch`
   * case of a function body, nested functions and class bodies excluded: those Annex B may var-hoist.
   * (Generators and async functions never are, and a labelled declaration is not "directly contained".)
   */
  function blockFunctionNames(statements: readonly ts.Statement[]): Set<string> {
    const names = new Set<string>();
    const visit = (node: ts.Node, parent: ts.Node | undefined): void => {
      if (tsApi.isFunctionDeclaration(node)) {
        const annexB = parent !== undefined && (tsApi.isBlock(parent) || tsApi.isCaseOrDefaultClause(parent) || tsApi.isIfStatement(parent));
        const async = (tsApi.getModifiers(node) ?? []).some((modifier) => modifier.kind === tsApi.SyntaxKind.AsyncKeyword);
        if (annexB && node.name && node.body && !node.asteriskToken && !async) names.add(node.name.text);
        return;
      }
      if (tsApi.isFunctionLike(node) || tsApi.isClassLike(node) || tsApi.isClassStaticBlockDeclaration(node)) return;
      tsApi.forEachChild(node, (child) => visit(child, node));
    };
    // The body's own declarations have no parent here: they are not block-level ones.
    for (const statement of statements) visit(statement, undefined);
    return names;
  }

  const isNamedDeclaration = (statement: ts.Statement): statement is ts.FunctionDeclaration & { name: ts.Identifier } =>
    tsApi.isFunctionDeclaration(statement) && !!statement.name && !!statement.body;

  // function a(x) { B }  →  var a = function (x) { B };
  function asVarDeclaration(declaration: ts.FunctionDeclaration & { name: ts.Identifier }): ts.VariableStatement {
    const asterisk = declaration.asteriskToken;
    const modifiers = (tsApi.getModifiers(declaration) ?? []).filter((modifier) => modifier.kind === tsApi.SyntaxKind.AsyncKeyword);
    const expression = factory.createFunctionExpression(modifiers, asterisk, undefined, declaration.typeParameters, declaration.parameters, declaration.type, declaration.body!);
    // Keeps the position: the visitor instruments (and names, and places) it like the declaration it was.
    tsApi.setTextRange(expression, declaration);
    tsApi.setOriginalNode(expression, declaration);
    const variable = factory.createVariableDeclaration(factory.createIdentifier(declaration.name.text), undefined, undefined, expression);
    const statement = factory.createVariableStatement(undefined, factory.createVariableDeclarationList([variable], tsApi.NodeFlags.None));
    tsApi.setTextRange(statement, declaration);
    return statement;
  }

  /**
   * Splits a function body into the rewritten clashing declarations (to go first in the try block)
   * and the remaining statements in their original order.
   */
  return function separateClashingDeclarations(
    parameters: readonly ts.ParameterDeclaration[],
    statements: readonly ts.Statement[],
  ): { hoisted: ts.Statement[]; rest: ts.Statement[]; rewritten: Map<ts.Node, ts.Node> } {
    const rewritten = new Map<ts.Node, ts.Node>();
    const declarations = statements.filter(isNamedDeclaration);
    if (declarations.length === 0) return { hoisted: [], rest: [...statements], rewritten };
    const counts = new Map<string, number>();
    for (const declaration of declarations) counts.set(declaration.name.text, (counts.get(declaration.name.text) ?? 0) + 1);
    const parameterNames = new Set<string>();
    for (const parameter of parameters) bindingNames(parameter.name, parameterNames);
    const varNames = varDeclaredNames(statements);
    const blockNames = blockFunctionNames(statements);
    const clashes = (name: string): boolean =>
      parameterNames.has(name) || varNames.has(name) || blockNames.has(name) || (counts.get(name) ?? 0) > 1;
    if (!declarations.some((declaration) => clashes(declaration.name.text))) return { hoisted: [], rest: [...statements], rewritten };
    const hoisted: ts.Statement[] = [];
    const rest: ts.Statement[] = [];
    for (const statement of statements) {
      const isClashing = tsApi.isFunctionDeclaration(statement) && !!statement.name && clashes(statement.name.text);
      if (!isClashing) rest.push(statement);
      else if (isNamedDeclaration(statement)) {
        const replacement = asVarDeclaration(statement);
        rewritten.set((replacement.declarationList.declarations[0].initializer as ts.Node), statement);
        hoisted.push(replacement);
      }
    }
    return { hoisted, rest, rewritten };
  };
}
