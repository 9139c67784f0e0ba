// The name an anonymous function gets from where it sits (NamedEvaluation, V8's inferrer), over neutral inputs.
//
// Each transform reads the place off its own AST (looking through `( )`, `as`, `satisfies`, `!`, `<T>`)
// and describes it here; the rule of which places give which name lives in this one file.
import { memberPathName, propertyKeyName, type PropertyKeyDescription } from "./function-names";

/** Where an anonymous function or class expression sits, as far as its name is concerned. */
export type NamingPlace =
  /** `const f = …`, `(f = …) =>`, `{ f = … } = o`: the bound identifier, undefined for a pattern. */
  | { kind: "binding"; name: string | undefined }
  /** `f = …`, `a.b.c = …`, `x ||= …` (any assignment operator): the target's segments, undefined when it is not a plain path. */
  | { kind: "assignment"; segments: string[] | undefined }
  /** `{ f: … }` */
  | { kind: "property"; key: PropertyKeyDescription }
  /** `export default …` */
  | { kind: "export-default" }
  | { kind: "other" };

/** The inferred name, or undefined: the function stays "(anonymous)". */
export function inferredFunctionName(place: NamingPlace): string | undefined {
  switch (place.kind) {
    case "binding":
      return place.name;
    case "assignment":
      // `this.x = …` → ["x"] → "x"; `Foo.prototype.bar = …` → "Foo.bar".
      return place.segments && place.segments.length > 0 ? memberPathName(place.segments) : undefined;
    case "property":
      return propertyKeyName(place.key);
    case "export-default":
      return "default";
    case "other":
      return undefined;
  }
}
