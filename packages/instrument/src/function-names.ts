// Function names as Chrome DevTools shows them (V8 debug names) and tsprof's qualified names for class members.
//
// Debug name: the function's own or spec-inferred `name` (NamedEvaluation: `const f = () => {}` → "f",
// `{ m() {} }` → "m", `export default function () {}` → "default"), else V8's inferred name for
// member assignments (`a.b.c = function () {}` → "a.b.c", `Foo.prototype.bar = …` → "Foo.bar"),
// else "(anonymous)". Accessors are "get x" / "set x", static blocks "<static_initializer>",
// constructors the class name.
//
// Qualified name (class members only; free functions keep their debug name):
//   [static ][get |set ]Class.member      e.g. "Foo.bar", "static Foo.make", "get Foo.x", "Foo.#priv"
//   Class[computed]                       e.g. "Foo[Symbol.iterator]"
//   Class.constructor                     the constructor (its debug name is "Class")
//   Class.<static_initializer>            a `static { }` block

export const ANONYMOUS = "(anonymous)";
export const STATIC_INITIALIZER = "<static_initializer>";

/** A property key as the source spells it. */
export type PropertyKeyDescription =
  | { kind: "identifier"; name: string } // { x() {} }
  | { kind: "string"; value: string } // { "x": () => {} }
  | { kind: "number"; value: number } // { 1.50: () => {} } → "1.5"
  | { kind: "bigint"; value: string } // { 10n: () => {} } → "10"
  | { kind: "private"; name: string } // #x() {}   (name without "#")
  | { kind: "computed"; text: string }; // [Symbol.iterator]() {} → "[Symbol.iterator]"

/** The name a property key gives a function defined under it (computed keys: their source in brackets). */
export function propertyKeyName(key: PropertyKeyDescription): string {
  switch (key.kind) {
    case "identifier":
      return key.name;
    case "string":
      return key.value;
    case "number":
      return String(key.value);
    case "bigint":
      return key.value;
    case "private":
      return `#${key.name}`;
    case "computed":
      return `[${key.text}]`;
  }
}

/** "get x" / "set x" for accessors, the name itself otherwise. */
export function accessorName(kind: "get" | "set" | "method", name: string): string {
  return kind === "method" ? name : `${kind} ${name}`;
}

/**
 * V8's inferred name for an anonymous function assigned to a member path: segments joined by ".",
 * "prototype" dropped (`Foo.prototype.bar` → "Foo.bar"). Computed segments come as "[text]".
 */
export function memberPathName(segments: readonly string[]): string {
  const kept = segments.filter((segment, index) => !(segment === "prototype" && index > 0));
  let out = "";
  for (const segment of kept) out += out === "" || segment.startsWith("[") ? segment : `.${segment}`;
  return out;
}

/** What a class member is, for naming. */
export type ClassMemberKind = "method" | "get" | "set" | "constructor" | "static-block" | "field";

export interface ClassMemberDescription {
  /** Class name ("(anonymous)" when the class has none). */
  className: string;
  /** Member name from propertyKeyName (ignored for constructors and static blocks). */
  memberName: string;
  isStatic: boolean;
  kind: ClassMemberKind;
}

export interface FunctionNames {
  name: string;
  qualifiedName: string;
}

/** Debug name and qualified name of a class member (or of a function stored in a class field). */
export function classMemberNames(member: ClassMemberDescription): FunctionNames {
  const { className, memberName, isStatic, kind } = member;
  if (kind === "constructor") return { name: className, qualifiedName: `${className}.constructor` };
  if (kind === "static-block") return { name: STATIC_INITIALIZER, qualifiedName: `${className}.${STATIC_INITIALIZER}` };
  const accessor = kind === "get" || kind === "set" ? kind : "method";
  const path = memberName.startsWith("[") ? `${className}${memberName}` : `${className}.${memberName}`;
  return {
    name: accessorName(accessor, memberName),
    qualifiedName: `${isStatic ? "static " : ""}${accessorName(accessor, path)}`,
  };
}

/** Names of a function that is not a class member: the debug name is also the qualified name. */
export function freeFunctionNames(name: string | undefined): FunctionNames {
  const debugName = name === undefined || name === "" ? ANONYMOUS : name;
  return { name: debugName, qualifiedName: debugName };
}
