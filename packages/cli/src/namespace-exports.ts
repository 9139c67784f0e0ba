// A Babel plugin for `tsprof run` that lowers the `export var` and `export let` of TypeScript namespaces as tsc
// does, which Babel's TypeScript transform refuses ("Namespaces exporting non-const are not supported by Babel"):
//
//   namespace Cfg { export var level = 1; export function bump() { level++; } }
//   // tsc (and now tsprof run):
//   var Cfg; (function (Cfg) { Cfg.level = 1; function bump() { Cfg.level++; } Cfg.bump = bump; })(Cfg || (Cfg = {}));
//
// The exported variable lives only on the namespace object: every reference to it inside the namespace's
// block (reads, writes, `++`, destructuring targets, in nested functions too) becomes `Cfg.level`, and the
// declaration becomes an assignment to it (none when it has no initializer; a destructuring one assigns
// through the same pattern). What is left is a namespace Babel's transform compiles itself. `Cfg` there is
// the namespace's own name, which Babel's output binds to the namespace object in the scope around its
// function (the `var`, or the `let` of an enclosing namespace); where a nested function declares that name
// too, an alias declared first in the block. A namespace that declares its own name at its top level
// (nothing there can reach the object by name) is refused in one line naming the construct.
// Like Babel's transform, only references in the declaring block are the namespace's: another block of a
// merged namespace does not see the export by its bare name.
//
// It runs in Program.enter after the tsprof plugin, so the functions it touches are named and instrumented as written.
import type { NodePath, PluginObj, types as BabelTypes } from "@babel/core";

export function namespaceExportsPlugin({ types: t }: { types: typeof BabelTypes }): PluginObj {
  function lower(path: NodePath<BabelTypes.TSModuleDeclaration>): void {
    const node = path.node;
    if (node.declare || node.id.type !== "Identifier" || node.body.type !== "TSModuleBlock") return;
    const namespace = node.id.name;
    const block = path.get("body") as NodePath<BabelTypes.TSModuleBlock>;
    const exported = block.get("body").filter((statement): statement is NodePath<BabelTypes.ExportNamedDeclaration> => {
      const declaration = statement.isExportNamedDeclaration() ? statement.node.declaration : null;
      return declaration?.type === "VariableDeclaration" && declaration.kind !== "const" && !declaration.declare;
    });
    if (exported.length === 0) return;
    // The bindings the exports make, by name: a reference is the export's when it resolves to one of them.
    const bindings = new Map<string, unknown>();
    for (const statement of exported) {
      const declaration = statement.get("declaration") as NodePath<BabelTypes.VariableDeclaration>;
      for (const name of Object.keys(declaration.getBindingIdentifiers())) bindings.set(name, declaration.scope.getBinding(name));
    }
    const declaredInside = (scope: NodePath["scope"]) => scope.getBinding(namespace)?.path.findParent((parent) => parent === path) != null;
    // Where a nested function declares the namespace's name too (`function f(Cfg) { level }`), the references go
    // through an alias made at the top of the block (tsc renames its parameter instead): `const _Cfg = Cfg;`.
    let alias: BabelTypes.Identifier | undefined;
    const member = (name: string, at: BabelTypes.Node, object: BabelTypes.Identifier = t.identifier(namespace)) => {
      const made = t.memberExpression(object, t.identifier(name));
      made.loc = at.loc;
      return made;
    };
    block.traverse({
      Identifier(reference) {
        const name = reference.node.name;
        const binding = bindings.get(name);
        if (binding === undefined || reference.scope.getBinding(name) !== binding || !isValueUse(reference)) return;
        let object: BabelTypes.Identifier | undefined;
        if (declaredInside(reference.scope)) {
          // Declared at the block's own level, the name is not the namespace object anywhere in it: no alias reaches it.
          if (declaredInside(block.scope)) {
            throw reference.buildCodeFrameError(
              `tsprof run cannot compile this namespace: it exports '${name}' with var or let and declares '${namespace}', its own name, inside; rename that, or make the export a const`,
            );
          }
          alias ??= block.scope.generateUidIdentifier(namespace);
          object = t.cloneNode(alias);
        }
        const parent = reference.parentPath;
        if (parent.isObjectProperty() && parent.node.shorthand) parent.node.shorthand = false;
        reference.replaceWith(member(name, reference.node, object));
        reference.skip();
      },
    });
    if (alias !== undefined) block.unshiftContainer("body", t.variableDeclaration("const", [t.variableDeclarator(alias, t.identifier(namespace))]));
    for (const statement of exported) {
      const declaration = statement.node.declaration as BabelTypes.VariableDeclaration;
      const assignments = declaration.declarations
        .filter((declarator) => declarator.init != null)
        .map((declarator) => {
          const assignment = t.expressionStatement(t.assignmentExpression("=", toTarget(declarator.id, member), declarator.init!));
          assignment.loc = declarator.loc;
          return assignment;
        });
      if (assignments.length === 0) statement.remove();
      else statement.replaceWithMultiple(assignments);
    }
  }

  /** A declarator's binding pattern as the assignment target that stores each name on the namespace. */
  function toTarget(pattern: BabelTypes.LVal | BabelTypes.VoidPattern, member: (name: string, at: BabelTypes.Node) => BabelTypes.MemberExpression): BabelTypes.LVal {
    switch (pattern.type) {
      case "Identifier":
        return member(pattern.name, pattern);
      case "ObjectPattern":
        for (const property of pattern.properties) {
          if (property.type === "RestElement") property.argument = toTarget(property.argument, member) as BabelTypes.RestElement["argument"];
          else {
            property.shorthand = false;
            property.value = toTarget(property.value as BabelTypes.LVal, member) as BabelTypes.PatternLike;
          }
        }
        return pattern;
      case "ArrayPattern":
        pattern.elements = pattern.elements.map((element) => (element === null ? null : (toTarget(element, member) as BabelTypes.PatternLike)));
        return pattern;
      case "AssignmentPattern":
        pattern.left = toTarget(pattern.left, member) as BabelTypes.AssignmentPattern["left"];
        return pattern;
      case "RestElement":
        pattern.argument = toTarget(pattern.argument, member) as BabelTypes.RestElement["argument"];
        return pattern;
      default:
        return pattern as BabelTypes.LVal;
    }
  }

  /** An identifier that reads or writes the variable: not a declaration's own name, a property key or a member's property. */
  function isValueUse(reference: NodePath<BabelTypes.Identifier>): boolean {
    if (reference.isReferencedIdentifier()) return true;
    // Assignment targets (`level = 2`, `[level] = …`, `for (level of …)`): in the pattern of an assignment, not of a declaration.
    let child = reference as NodePath;
    for (let parent = child.parentPath; parent !== null; child = parent, parent = parent.parentPath) {
      if (parent.isAssignmentExpression() || parent.isForInStatement() || parent.isForOfStatement()) return child.key === "left";
      if (parent.isObjectProperty()) {
        if (child.key !== "value") return false;
      } else if (!(parent.isObjectPattern() || parent.isArrayPattern() || parent.isAssignmentPattern() || parent.isRestElement())) return false;
      if (parent.isAssignmentPattern() && child.key !== "left") return false;
    }
    return false;
  }

  /**
   * The namespaces among `statements`, outer ones first, then those inside them: namespaces are declared only at a
   * module's top level and in other namespaces, so no walk of the whole file (this runs on every TypeScript file).
   */
  function lowerAll(statements: NodePath<BabelTypes.Statement>[]): void {
    for (const statement of statements) {
      const declaration = statement.isExportNamedDeclaration() ? statement.get("declaration") : statement;
      // `declare namespace`: types only, removed whole by Babel's transform.
      if (!declaration.isTSModuleDeclaration() || declaration.node.declare) continue;
      // `namespace A.B { … }`: A's body is the declaration of B, whose body is the block.
      let innermost: NodePath<BabelTypes.TSModuleDeclaration> = declaration;
      for (let body = innermost.get("body"); body.isTSModuleDeclaration(); body = body.get("body")) innermost = body;
      lower(innermost);
      const block = innermost.get("body");
      if (block.isTSModuleBlock()) lowerAll(block.get("body"));
    }
  }

  return {
    name: "tsprof-namespace-exports",
    visitor: {
      Program(program) {
        lowerAll(program.get("body"));
      },
    },
  };
}
