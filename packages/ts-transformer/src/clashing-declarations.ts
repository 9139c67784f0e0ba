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
import { spanningCode } from "./probe-nodes";

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
   * case of a function body that Annex B var-hoists: no lexical declaration of the name (let, const,
   * class, a function of an enclosing block, a `for (let …)` head) stands between them and the body.
   * Nested functions and class bodies excluded; generators, async functions and labelled declarations
   * are never hoisted. Same rule as the Babel plugin's blockFunctionNames().
   */
  function blockFunctionNames(statements: readonly ts.Statement[]): Set<string> {
    const names = new Set<string>();
    const isLexicalList = (list: ts.VariableDeclarationList) => (list.flags & tsApi.NodeFlags.BlockScoped) !== 0;
    const lexicalNames = (list: readonly ts.Node[], functions: boolean): string[] => {
      const found = new Set<string>();
      for (const statement of list) {
        if (tsApi.isVariableStatement(statement) && isLexicalList(statement.declarationList)) {
          for (const declaration of statement.declarationList.declarations) bindingNames(declaration.name, found);
        } else if (tsApi.isClassDeclaration(statement) && statement.name) found.add(statement.name.text);
        else if (functions && tsApi.isFunctionDeclaration(statement) && statement.name) found.add(statement.name.text);
      }
      return [...found];
    };
    const hoistable = (node: ts.Node, blocked: ReadonlySet<string>): node is ts.FunctionDeclaration & { name: ts.Identifier } => {
      if (!tsApi.isFunctionDeclaration(node) || !node.name || !node.body || node.asteriskToken) return false;
      const async = (tsApi.getModifiers(node) ?? []).some((modifier) => modifier.kind === tsApi.SyntaxKind.AsyncKeyword);
      return !async && !blocked.has(node.name.text);
    };
    // A block's (or a switch's case block's) statements: its functions are checked against the names
    // blocked outside and its other lexical names; what is nested deeper against all of its names.
    const visitScope = (list: readonly ts.Statement[], blocked: ReadonlySet<string>): void => {
      const forOwn = new Set([...blocked, ...lexicalNames(list, false)]);
      const forNested = new Set([...blocked, ...lexicalNames(list, true)]);
      for (const statement of list) {
        if (tsApi.isFunctionDeclaration(statement)) {
          if (hoistable(statement, forOwn)) names.add(statement.name.text);
        } else visit(statement, forNested);
      }
    };
    const visit = (node: ts.Node, blocked: ReadonlySet<string>): void => {
      if (tsApi.isFunctionLike(node) || tsApi.isClassLike(node) || tsApi.isClassStaticBlockDeclaration(node)) return;
      if (tsApi.isBlock(node)) return visitScope(node.statements, blocked);
      if (tsApi.isSwitchStatement(node)) return visitScope(node.caseBlock.clauses.flatMap((clause) => [...clause.statements]), blocked);
      if (tsApi.isIfStatement(node)) {
        for (const branch of [node.thenStatement, node.elseStatement]) {
          if (branch && tsApi.isFunctionDeclaration(branch)) {
            if (hoistable(branch, blocked)) names.add(branch.name.text);
          } else if (branch) visit(branch, blocked);
        }
        return;
      }
      let inner = blocked;
      const head = tsApi.isForStatement(node) ? node.initializer : tsApi.isForInStatement(node) || tsApi.isForOfStatement(node) ? node.initializer : undefined;
      if (head && tsApi.isVariableDeclarationList(head) && isLexicalList(head)) {
        const found = new Set(blocked);
        for (const declaration of head.declarations) bindingNames(declaration.name, found);
        inner = found;
      }
      // catch ({ k }) blocks k; a plain `catch (k)` does not (B.3.4, VariableStatements in Catch Blocks).
      const caught = tsApi.isCatchClause(node) ? node.variableDeclaration?.name : undefined;
      if (caught && !tsApi.isIdentifier(caught)) {
        const found = new Set(blocked);
        bindingNames(caught, found);
        inner = found;
      }
      tsApi.forEachChild(node, (child) => visit(child, inner));
    };
    // The body's own declarations are not block-level ones.
    for (const statement of statements) if (!tsApi.isFunctionDeclaration(statement)) visit(statement, new Set());
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
    // The declaration and its list span the function too, for TypeScript's steps that find code by its
    // place in the text (an import() in the body: see spanningCode()).
    const variable = spanningCode(tsApi, factory.createVariableDeclaration(factory.createIdentifier(declaration.name.text), undefined, undefined, expression), declaration);
    const list = spanningCode(tsApi, factory.createVariableDeclarationList([variable], tsApi.NodeFlags.None), declaration);
    const statement = factory.createVariableStatement(undefined, list);
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
