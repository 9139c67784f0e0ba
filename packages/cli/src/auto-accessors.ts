// A Babel plugin for `tsprof run` that lowers class auto-accessors (`accessor x = 1`), which Node does not
// run yet, the way TypeScript does: a private storage field plus a getter and a setter of the same name.
//
// It runs before the tsprof plugin (both in Program.enter, this one listed first), so the getter and
// setter it makes carry the accessor's source position and get probes: the table shows `get x` and
// `set x` at the accessor's line, as DevTools names them. Left to @babel/plugin-proposal-decorators
// instead: an accessor with standard decorators, whose decorators receive the accessor itself ({ get, set },
// kind "accessor"), not a getter; its getter and setter are then Babel's code and have no probe. With
// legacy decorators tsc decorates the getter/setter pair (one property descriptor), so the decorators
// move onto the getter here and legacy-decorators.ts applies them to that property.
import type { NodePath, PluginObj, types as BabelTypes } from "@babel/core";
import type { DecoratorStyle } from "./tsconfig";

export function autoAccessorsPlugin({ types: t }: { types: typeof BabelTypes }, options: { decorators: DecoratorStyle }): PluginObj {
  function lower(path: NodePath<BabelTypes.ClassAccessorProperty>): void {
    const node = path.node as BabelTypes.ClassAccessorProperty & { abstract?: boolean | null; declare?: boolean | null };
    // `abstract accessor x: T` declares a type only: tsc emits nothing for it.
    if (node.abstract || node.declare) {
      path.remove();
      return;
    }
    if (node.decorators?.length && options.decorators === "standard") return;
    const classBody = path.parentPath as NodePath<BabelTypes.ClassBody>;
    const storage = t.privateName(t.identifier(storageName(classBody.node, node)));
    const isStatic = Boolean(node.static);
    let getterKey: BabelTypes.Expression | BabelTypes.PrivateName = node.key;
    let setterKey: BabelTypes.Expression | BabelTypes.PrivateName = node.key;
    if (node.computed) {
      // The key is evaluated once, where the accessor stood in the class: the getter's key stores it for the setter.
      const temp = classBody.parentPath.scope.parent!.generateUidIdentifier("key");
      classBody.parentPath.scope.parent!.push({ id: temp });
      getterKey = t.assignmentExpression("=", t.cloneNode(temp), node.key as BabelTypes.Expression);
      setterKey = t.cloneNode(temp);
    } else {
      setterKey = t.cloneNode(node.key);
    }
    const read = () => t.memberExpression(t.thisExpression(), t.cloneNode(storage));
    const value = t.identifier("value");
    const getterBody = t.blockStatement([t.returnStatement(read())]);
    const setterBody = t.blockStatement([t.expressionStatement(t.assignmentExpression("=", read(), t.cloneNode(value)))]);
    const method = (kind: "get" | "set", key: BabelTypes.Expression | BabelTypes.PrivateName, params: BabelTypes.Identifier[], body: BabelTypes.BlockStatement) =>
      key.type === "PrivateName"
        ? t.classPrivateMethod(kind, key, params, body, isStatic)
        : t.classMethod(kind, key, params, body, node.computed, isStatic);
    const getter = method("get", getterKey, [], getterBody);
    const setter = method("set", setterKey, [value], setterBody);
    // The accessor's position, so the tsprof plugin (which skips nodes without one, as code it didn't see
    // in the source) instruments them and reports the accessor's line.
    for (const made of [getter, setter]) {
      made.loc = node.loc;
      made.start = node.start;
      made.end = node.end;
    }
    if (node.decorators?.length) getter.decorators = node.decorators;
    const field = t.classPrivateProperty(t.cloneNode(storage), node.value ?? null, null, isStatic);
    t.inheritsComments(field, node);
    path.replaceWithMultiple([field, getter, setter]);
  }

  return {
    name: "tsprof-auto-accessors",
    visitor: {
      Program(program) {
        program.traverse({ ClassAccessorProperty: lower });
      },
    },
  };
}

/** TypeScript's name for the storage (`#x_accessor_storage`), with a number added when the class already has it. */
function storageName(body: BabelTypes.ClassBody, accessor: BabelTypes.ClassAccessorProperty): string {
  const key = accessor.key;
  const base = `${key.type === "Identifier" ? key.name : key.type === "PrivateName" ? key.id.name : ""}_accessor_storage`;
  const taken = new Set<string>();
  for (const member of body.body) {
    if ((member.type === "ClassPrivateProperty" || member.type === "ClassPrivateMethod") && member.key.type === "PrivateName") taken.add(member.key.id.name);
    if (member.type === "ClassAccessorProperty" && member.key.type === "PrivateName") taken.add(member.key.id.name);
  }
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
  return name;
}
