// A Babel plugin for `tsprof run` on TypeScript files: class fields and parameter properties initialised
// as tsc 5.9 initialises them under the governing tsconfig (tsconfig.ts picks the style), which Babel's
// TypeScript preset does not do on its own. It leaves every field where it is and puts parameter
// properties (`constructor(private base: number)`) in the constructor, so a field initialiser that reads
// `this.base` runs before `this.base` is set. tsc's output differs in each of its three modes:
//
// - "assign" (useDefineForClassFields false, the default below target ES2022): tsc removes the fields and
//   assigns them in the constructor, after super() and after the parameter properties: `this.x = init`,
//   which calls an inherited setter and makes no property for a field without an initialiser
//   (`Object.keys` shows it). A private field keeps its declaration and is assigned there in turn; a
//   static one becomes `static { this.x = init; }` where it stood.
// - "define-lowered" (useDefineForClassFields true below ES2022): the same order, each property made with
//   Object.defineProperty (a field without an initialiser gets undefined); static fields keep native
//   [[Define]] semantics, which is what tsc's defineProperty after the class amounts to. In both modes a
//   static field without an initialiser makes no property.
// - "define" (ES2022 and later, useDefineForClassFields unset or true): native fields, but tsc declares the
//   parameter properties as fields (`base;`) ahead of the others, so they come first in `Object.keys`,
//   while the constructor still assigns them after the initialisers have run.
//
// The plugin visits classes (Class, on entry) after the tsprof plugin has instrumented the file in
// Program.enter, and before the TypeScript preset's own Class visitor, which then finds no parameter
// properties left to handle. An initialiser keeps its probes wherever it goes. In the two modes that
// move fields, a class whose members still carry decorators (standard ones: legacy-decorators.ts has
// taken the legacy ones off by now) is left to the decorators transform, whose fields are native ones
// (README's known differences). tsc's own errors (TS2301, TS2401: an initialiser naming a constructor
// parameter, a super() call that is not a statement of the constructor's body) get code that does what
// the source says rather than tsc's output.
import type { NodePath, PluginObj, types as BabelTypes } from "@babel/core";
import type { ClassFieldStyle } from "./tsconfig";

type Class = BabelTypes.ClassDeclaration | BabelTypes.ClassExpression;
type Expression = BabelTypes.Expression;

export function classFieldsPlugin({ types: t }: { types: typeof BabelTypes }, options: { style: ClassFieldStyle }): PluginObj {
  const style = options.style;

  /** `this.<key>` for a field key: an identifier, a literal, a private name or a computed key's temporary. */
  function member(key: Expression | BabelTypes.PrivateName, computed: boolean): BabelTypes.MemberExpression {
    return t.memberExpression(t.thisExpression(), t.cloneNode(key, true, true), computed);
  }

  /** The statement that initialises one property: an assignment, or tsc's Object.defineProperty for [[Define]] below ES2022. */
  function initialise(key: Expression | BabelTypes.PrivateName, computed: boolean, value: Expression, define: boolean): Expression {
    if (!define || key.type === "PrivateName") return t.assignmentExpression("=", member(key, computed), value);
    const name = key.type === "Identifier" && !computed ? t.stringLiteral(key.name) : t.cloneNode(key as Expression, true, true);
    const descriptor = t.objectExpression([
      t.objectProperty(t.identifier("enumerable"), t.booleanLiteral(true)),
      t.objectProperty(t.identifier("configurable"), t.booleanLiteral(true)),
      t.objectProperty(t.identifier("writable"), t.booleanLiteral(true)),
      t.objectProperty(t.identifier("value"), value),
    ]);
    return t.callExpression(t.memberExpression(t.identifier("Object"), t.identifier("defineProperty")), [t.thisExpression(), name, descriptor]);
  }

  function lowerClass(path: NodePath<Class>): void {
    const body = path.get("body") as NodePath<BabelTypes.ClassBody>;
    const members = body.get("body") as NodePath[];
    const constructor = members.find((m) => m.isClassMethod({ kind: "constructor" })) as NodePath<BabelTypes.ClassMethod> | undefined;
    const parameterProperties = constructor ? (constructor.get("params") as NodePath[]).filter((p) => p.isTSParameterProperty()) : [];

    if (style === "define") {
      // `base;` per parameter property, first in the class: the TypeScript preset assigns them as usual.
      const declarations = parameterProperties.map((p) => t.classProperty(t.identifier(propertyName(p as NodePath<BabelTypes.TSParameterProperty>))));
      if (declarations.length) body.unshiftContainer("body", declarations);
      return;
    }

    if (members.some((m) => (m.node as { decorators?: unknown[] | null }).decorators?.length)) return;
    const define = style === "define-lowered";
    // Temporaries for computed keys, evaluated (as tsc does) in a static block ahead of the other static members.
    const keyTemporaries: BabelTypes.Statement[] = [];
    const computedKey = (node: BabelTypes.ClassProperty): { key: Expression; computed: boolean } => {
      const key = node.key as Expression;
      if (!node.computed) return { key, computed: false };
      if (t.isStringLiteral(key) || t.isNumericLiteral(key)) return { key, computed: true };
      const temp = path.scope.parent!.generateUidIdentifier("key");
      path.scope.parent!.push({ id: temp });
      keyTemporaries.push(t.expressionStatement(t.assignmentExpression("=", t.cloneNode(temp), key)));
      return { key: temp, computed: true };
    };

    // Instance fields in source order; each moves into the constructor (a private one leaves its declaration).
    const fields: { key: Expression | BabelTypes.PrivateName; computed: boolean; value: NodePath<Expression> | undefined }[] = [];
    const moved: NodePath[] = [];
    for (const m of members) {
      if (m.isClassProperty()) {
        const node = m.node as BabelTypes.ClassProperty & { declare?: boolean | null; abstract?: boolean | null };
        // `declare` and `abstract` fields are types only: the TypeScript preset removes them.
        if (node.declare || node.abstract) continue;
        if (node.static) {
          // tsc makes no property for a static field without an initialiser in either mode.
          if (!node.value) {
            m.remove();
            continue;
          }
          if (define) continue;
          const { key, computed } = computedKey(node);
          m.replaceWith(t.staticBlock([t.expressionStatement(t.assignmentExpression("=", member(key, computed), node.value))]));
          continue;
        }
        if (!node.value && !define) {
          m.remove();
          continue;
        }
        const { key, computed } = computedKey(node);
        fields.push({ key, computed, value: node.value ? (m.get("value") as NodePath<Expression>) : undefined });
        moved.push(m);
      } else if (m.isClassPrivateProperty() && !m.node.static && m.node.value) {
        fields.push({ key: m.node.key, computed: false, value: m.get("value") as NodePath<Expression> });
        moved.push(m);
      }
    }
    if (keyTemporaries.length) body.unshiftContainer("body", t.staticBlock(keyTemporaries));
    if (!fields.length && !parameterProperties.length) return;

    const ctor = constructor ?? createConstructor(path, body);
    const parameters: { name: string; binding: BabelTypes.Identifier }[] = [];
    for (const p of parameterProperties) {
      const property = p as NodePath<BabelTypes.TSParameterProperty>;
      const name = propertyName(property);
      const parameter = property.node.parameter;
      parameters.push({ name, binding: parameter.type === "AssignmentPattern" ? (parameter.left as BabelTypes.Identifier) : (parameter as BabelTypes.Identifier) });
      property.replaceWith(parameter);
      ctor.scope.registerBinding("param", property);
    }
    // The constructor's own bindings that an initialiser's free names would meet there are renamed (tsc
    // renames the parameter too): `x = base` beside `constructor(base)` still reads the outer `base`.
    const free = new Set<string>();
    for (const field of fields) if (field.value) collectFreeNames(field.value, free);
    for (const name of free) if (ctor.scope.hasOwnBinding(name)) ctor.scope.rename(name);
    ctor.traverse({
      Scopable(p) {
        for (const name of free) if (p.scope.hasOwnBinding(name)) p.scope.rename(name);
      },
    });

    // After the renaming: a parameter's identifier node carries its new name.
    const statements: Expression[] = parameters.map(({ name, binding }) => initialise(t.identifier(name), false, t.cloneNode(binding), define));
    const superCalls = path.node.superClass ? findSuperCalls(ctor) : undefined;
    const barrier = firstLineAfter(ctor, superCalls, new Set(moved.map((m) => m.node)));
    for (const field of fields) {
      const value = field.value ? field.value.node : t.unaryExpression("void", t.numericLiteral(0));
      // Printed with retainLines, an initialiser keeps its line unless that would push code printed after
      // it (and the stack traces there) down the file: written below the constructor's first statement or
      // a method that follows, it goes without positions and takes the line where it lands.
      if (field.value && (value.loc?.end.line ?? Infinity) > barrier) forgetPositions(value);
      statements.push(initialise(field.key, field.computed, value, define));
    }
    for (const m of moved) {
      if (m.isClassPrivateProperty()) m.node.value = null;
      else m.remove();
    }
    inject(ctor, superCalls, statements);
  }

  /** `constructor() {}`, or `constructor(...args) { super(...args); }` in a derived class, as tsc writes it. */
  function createConstructor(path: NodePath<Class>, body: NodePath<BabelTypes.ClassBody>): NodePath<BabelTypes.ClassMethod> {
    const statements: BabelTypes.Statement[] = [];
    const params: BabelTypes.RestElement[] = [];
    if (path.node.superClass) {
      const args = path.scope.generateUidIdentifier("args");
      params.push(t.restElement(args));
      statements.push(t.expressionStatement(t.callExpression(t.super(), [t.spreadElement(t.cloneNode(args))])));
    }
    const [made] = body.unshiftContainer("body", t.classMethod("constructor", t.identifier("constructor"), params, t.blockStatement(statements)));
    return made as NodePath<BabelTypes.ClassMethod>;
  }

  /** Every `super(...)` of a derived class's constructor: one in an arrow function is the constructor's, one in another function or class is not. */
  function findSuperCalls(ctor: NodePath<BabelTypes.ClassMethod>): NodePath<BabelTypes.CallExpression>[] {
    const calls: NodePath<BabelTypes.CallExpression>[] = [];
    ctor.traverse({
      Function(p) {
        if (!p.isArrowFunctionExpression()) p.skip();
      },
      Class(p) {
        p.skip();
      },
      CallExpression(p) {
        if (p.get("callee").isSuper()) calls.push(p);
      },
    });
    return calls;
  }

  /** The initialisers go after every super(...) call of a derived class, else first in the constructor's body (as tsc puts them). */
  function inject(ctor: NodePath<BabelTypes.ClassMethod>, superCalls: NodePath<BabelTypes.CallExpression>[] | undefined, statements: Expression[]): void {
    if (!superCalls) {
      (ctor.get("body") as NodePath<BabelTypes.BlockStatement>).unshiftContainer("body", statements.map((e) => t.expressionStatement(e)));
      return;
    }
    superCalls.forEach((call, i) => {
      const copy = (e: Expression) => (i === 0 ? e : t.cloneNode(e, true, true));
      if (call.parentPath.isExpressionStatement()) call.parentPath.insertAfter(statements.map((e) => t.expressionStatement(copy(e))));
      // super(...) inside an expression returns `this`: the initialisers run, and the expression still gets `this`.
      else call.replaceWith(t.sequenceExpression([call.node, ...statements.map(copy), t.thisExpression()]));
    });
  }

  /**
   * The first source line of what gets printed after the moved initialisers: the constructor's code after
   * the first super(...) (all of it in a base class), and the class members after the constructor that
   * stay where they are. Searched through the whole body: the tsprof plugin has wrapped it in a try.
   */
  function firstLineAfter(ctor: NodePath<BabelTypes.ClassMethod>, superCalls: NodePath<BabelTypes.CallExpression>[] | undefined, moved: Set<BabelTypes.Node>): number {
    let line = Infinity;
    const from = superCalls?.length ? Math.min(...superCalls.map((c) => c.node.end ?? Infinity)) : -Infinity;
    t.traverseFast(ctor.node.body, (n) => {
      if (n !== ctor.node.body && n.loc && n.start != null && n.start >= from && n.loc.start.line < line) line = n.loc.start.line;
    });
    const members = (ctor.parentPath as NodePath<BabelTypes.ClassBody>).node.body;
    for (const m of members.slice(members.indexOf(ctor.node) + 1)) {
      if (!moved.has(m) && m.loc && m.loc.start.line < line) line = m.loc.start.line;
    }
    return line;
  }

  function forgetPositions(node: BabelTypes.Node): void {
    t.traverseFast(node, (n) => {
      n.loc = null;
      n.start = null;
      n.end = null;
    });
  }

  function collectFreeNames(value: NodePath<Expression>, into: Set<string>): void {
    const visit = (p: NodePath<BabelTypes.Identifier | BabelTypes.JSXIdentifier>) => {
      const name = (p.node as BabelTypes.Identifier).name;
      const binding = p.scope.getBinding(name);
      if (!binding || !binding.path.isDescendant(value)) into.add(name);
    };
    if (value.isIdentifier()) visit(value as NodePath<BabelTypes.Identifier>);
    value.traverse({ ReferencedIdentifier: visit });
  }

  return {
    name: "tsprof-class-fields",
    visitor: {
      Class(path) {
        lowerClass(path as NodePath<Class>);
      },
    },
  };
}

/** The property a parameter property makes: `private base` and `private base = 1` both make `base`. */
function propertyName(p: NodePath<BabelTypes.TSParameterProperty>): string {
  const parameter = p.node.parameter;
  const id = parameter.type === "AssignmentPattern" ? parameter.left : parameter;
  // tsc refuses a destructuring pattern here; the TypeScript preset reports it as an error.
  if (id.type !== "Identifier") throw p.buildCodeFrameError("Parameter properties can not be destructuring patterns.");
  return id.name;
}

