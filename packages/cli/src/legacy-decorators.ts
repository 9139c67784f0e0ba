// A Babel plugin for `tsprof run` on files whose tsconfig sets experimentalDecorators: it applies the
// decorators of class members and of parameters the way tsc does, which Babel's legacy transform does not
// (a decorated field there needs Babel's class-properties transform after it, and would otherwise throw
// "Decorating class property failed"; parameter decorators it leaves in the output, a syntax error).
//
// tsc emits, after the class, `__decorate([decorators], C.prototype, "name", desc)` per decorated member,
// instance members first and then static ones, each group in source order: desc is null for methods and
// accessors (the decorator gets the property descriptor) and undefined for fields (it gets none); a
// parameter decorator becomes `__param(index, decorator)` in its method's list. Here the same calls go in
// a `static { }` block at the end of the class body, which runs when tsc's calls would: after every
// static field, before the class decorators, which Babel's legacy transform still applies (a constructor's
// parameter decorators joining them as `__param(index, decorator)`, as in tsc).
//
// Nothing made here has a source position, so the tsprof plugin gives it no probe; the decorator
// expressions keep theirs, and a decorator written as a function is profiled as usual.
import type { NodePath, PluginObj, types as BabelTypes } from "@babel/core";

type Class = BabelTypes.ClassDeclaration | BabelTypes.ClassExpression;

export function legacyDecoratorsPlugin({ types: t, template }: { types: typeof BabelTypes; template: typeof import("@babel/core").template }): PluginObj {
  return {
    name: "tsprof-legacy-decorators",
    visitor: {
      Program(program) {
        let helpers: { decorate: BabelTypes.Identifier; param: BabelTypes.Identifier } | undefined;
        const need = () => {
          if (helpers) return helpers;
          helpers = { decorate: program.scope.generateUidIdentifier("decorate"), param: program.scope.generateUidIdentifier("param") };
          // tsc's __decorate for the four-argument call (a member), and its __param.
          const declarations = template.statements.ast(`
            function ${helpers.decorate.name}(decorators, target, key, desc) {
              var r = desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc;
              if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
              else for (var i = decorators.length - 1; i >= 0; i--) r = decorators[i](target, key, r) || r;
              if (r) Object.defineProperty(target, key, r);
            }
            function ${helpers.param.name}(index, decorator) {
              return function (target, key) { decorator(target, key, index); };
            }`);
          program.unshiftContainer("body", declarations);
          return helpers;
        };
        program.traverse({
          Class(path: NodePath<Class>) {
            aliasOwnName(path);
            lowerClass(path, need);
          },
        });
      },
    },
  };

  /**
   * A decorated class's own name, inside its body, is the class its decorators returned, as in tsc's output:
   *
   *   @Wrap class Svc { static create() { return new Svc(); } }
   *   // tsc: var Svc_1; let Svc = Svc_1 = class Svc { static create() { return new Svc_1(); } }; Svc = Svc_1 = __decorate([Wrap], Svc);
   *   // here: var _Svc; @Wrap class Svc { static { _Svc = this; } static create() { return new _Svc(); } } _Svc = Svc;
   *
   * Babel's legacy transform leaves the name to the class's inner binding, the undecorated class, so `new Svc()`
   * there made an instance without what `Wrap` added. The static block first in the body sets the alias to the
   * undecorated class for the static initialisers and the decorators, as tsc's does (it writes that block itself
   * when the class has static fields); the statement after the class sets it once the class decorators have run.
   * A constructor parameter's decorator is one of the class's (lowerClass), so it counts too. Like tsc, a shorthand
   * property (`{ Svc }`) keeps the inner binding.
   */
  function aliasOwnName(path: NodePath<Class>): void {
    const node = path.node;
    if (!path.isClassDeclaration() || !node.id) return;
    const constructor = node.body.body.find((member) => member.type === "ClassMethod" && member.kind === "constructor") as BabelTypes.ClassMethod | undefined;
    const decoratedParameter = constructor?.params.some((param) => ((param as { decorators?: unknown[] | null }).decorators ?? []).length > 0);
    if (!node.decorators?.length && !decoratedParameter) return;
    const name = node.id.name;
    const binding = path.scope.getBinding(name);
    const inside = (binding?.referencePaths ?? []).filter((reference) => reference.findParent((parent) => parent.node === node.body) !== null);
    if (binding?.path.node !== node || inside.length === 0) return;
    const alias = path.scope.parent!.generateUidIdentifier(name);
    path.scope.parent!.push({ id: alias });
    for (const reference of inside) {
      if (reference.parentPath?.isObjectProperty({ shorthand: true })) continue;
      reference.replaceWith(reference.isJSXIdentifier() ? t.jsxIdentifier(alias.name) : t.cloneNode(alias));
    }
    node.body.body.unshift(t.staticBlock([t.expressionStatement(t.assignmentExpression("=", t.cloneNode(alias), t.thisExpression()))]));
    const statement = path.parentPath.isExportDeclaration() ? path.parentPath : path;
    statement.insertAfter(t.expressionStatement(t.assignmentExpression("=", t.cloneNode(alias), t.identifier(name))));
  }

  function lowerClass(path: NodePath<Class>, need: () => { decorate: BabelTypes.Identifier; param: BabelTypes.Identifier }): void {
    const instance: BabelTypes.Statement[] = [];
    const statics: BabelTypes.Statement[] = [];
    for (const member of path.get("body.body") as NodePath[]) {
      const node = member.node;
      if (node.type !== "ClassMethod" && node.type !== "ClassProperty") continue;
      const decorators = (node.decorators ?? []).map((d) => d.expression);
      const params: BabelTypes.Expression[] = [];
      if (node.type === "ClassMethod") {
        node.params.forEach((param, index) => {
          const own = (param as { decorators?: BabelTypes.Decorator[] | null }).decorators;
          if (!own?.length) return;
          for (const d of own) params.push(t.callExpression(t.cloneNode(need().param), [t.numericLiteral(index), d.expression]));
          (param as { decorators?: BabelTypes.Decorator[] | null }).decorators = null;
        });
        if (node.kind === "constructor") {
          // The constructor's parameters: decorators of the class, after its own (tsc's order).
          if (params.length) path.node.decorators = [...(path.node.decorators ?? []), ...params.map((e) => t.decorator(e))];
          continue;
        }
      }
      if (!decorators.length && !params.length) continue;
      node.decorators = null;
      const helpers = need();
      let key: BabelTypes.Expression;
      if (node.computed) {
        // Evaluated once, where the member stands; the static block reads it back.
        const temp = path.scope.parent!.generateUidIdentifier("key");
        path.scope.parent!.push({ id: temp });
        node.key = t.assignmentExpression("=", t.cloneNode(temp), node.key as BabelTypes.Expression);
        key = t.cloneNode(temp);
      } else if (node.key.type === "Identifier") {
        key = t.stringLiteral(node.key.name);
      } else {
        key = t.cloneNode(node.key as BabelTypes.Expression);
      }
      const target = node.static ? t.thisExpression() : t.memberExpression(t.thisExpression(), t.identifier("prototype"));
      const call = t.callExpression(t.cloneNode(helpers.decorate), [
        t.arrayExpression([...decorators, ...params]),
        target,
        key,
        node.type === "ClassMethod" ? t.nullLiteral() : t.unaryExpression("void", t.numericLiteral(0)),
      ]);
      (node.static ? statics : instance).push(t.expressionStatement(call));
    }
    const calls = [...instance, ...statics];
    if (calls.length) (path.get("body") as NodePath<BabelTypes.ClassBody>).pushContainer("body", t.staticBlock(calls));
  }
}
