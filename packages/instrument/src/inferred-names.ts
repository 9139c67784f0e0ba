// The name an anonymous function gets from where it sits (NamedEvaluation, V8's inferrer), over neutral inputs.
//
// Each transform reads the place off its own AST (looking through `( )`, `as`, `satisfies`, `!`, `<T>`)
// and describes it here; the rule of which places give which name lives in this one file.
//
// Two mechanisms name an anonymous function, and DevTools shows the first that gives one:
//   - the spec's NamedEvaluation sets `.name`, only where the function is the whole value (through
//     parentheses): `const f = …`, `f = …`, `{ f: … }`, `(f = …) =>`, `export default …`;
//   - V8's FuncNameInferrer (src/parsing/func-name-inferrer.cc) sets the "inferred name" the debugger,
//     stack traces and the CPU profiler fall back on. It runs while parsing: a function literal waits in a
//     list until the enclosing declaration, assignment or object-literal property is parsed, which names
//     every waiting function after the names collected on the way (`a.b.c`, `o.p`). So it also reaches a
//     function that is only part of the value: an operand of `||`, `&&`, `??`, `? :`, an element of a
//     comma expression or of an array literal (`var __awaiter = (this && this.__awaiter) || function …`,
//     `const handlers = [() => …]` → "__awaiter", "handlers"), and a function in an object literal gets the
//     object's own name in front (`var o = { p: x || function () {} }` → "o.p").
// These rules were read off Node 20's own output (test/v8-inferred-names.test.ts compares with it live).
// What V8 does beyond them, left out here (see the babel-plugin README, "Known differences"): a call later in
// the same value drops the waiting function (`x ? function () {} : f()` is anonymous), a call's callee is
// put in front of an object-literal argument's names (`f({ p: x || function () {} })` → "f.p"), an
// identifier operand before an object literal is too (`x || { p: … }` → "x.p"), and unary and arithmetic
// operators pass a function through as the logical ones do (nobody writes `var f = void function () {}`).
import { memberPathName, propertyKeyName, type PropertyKeyDescription } from "./function-names";

/** Where an anonymous function or class expression sits, as far as its name is concerned. */
export type NamingPlace =
  /**
   * `const f = …`, `(f = …) =>`, `{ f = … } = o`: the bound identifier, undefined for a pattern.
   * `declarator`: a variable declaration's own initializer (`var f = …`), the only binding V8's inferrer
   * names through an operator; parameter and pattern defaults it does not.
   */
  | { kind: "binding"; name: string | undefined; declarator: boolean }
  /**
   * `f = …`, `a.b.c = …`, `x ||= …`: the target's segments, undefined when it is not a plain path.
   * `compound`: `+=` and the other arithmetic operators, which name nothing (neither the spec nor V8).
   * `identifier`: the target is a plain identifier (NamedEvaluation names it; a member target only V8 does).
   */
  | { kind: "assignment"; segments: string[] | undefined; compound: boolean; identifier: boolean }
  /**
   * `{ f: … }`: the key; `computed` when written in brackets (`{ ["k"]: … }`: V8 pushes no name for it);
   * `objectName`: the name of the object literal itself (`objectLiteralName` of its own place), or undefined.
   */
  | { kind: "property"; key: PropertyKeyDescription; computed: boolean; objectName: string | undefined }
  /** `x = …` in a class body (a class field): the key, `computed` when written in brackets. */
  | { kind: "field"; key: PropertyKeyDescription; computed: boolean }
  /** `export default …` */
  | { kind: "export-default" }
  | { kind: "other" };

/** How the function reached its place. */
export interface NamingRoute {
  /**
   * Through an operator or an array: an operand of `||`, `&&`, `??`, `? :`, an element of a comma
   * expression or an array literal (spreads included). NamedEvaluation does not apply then; V8's inferrer does.
   */
  indirect: boolean;
  /**
   * A `function` expression written first inside parentheses: `(function () {})`, `(function () {} || g)`.
   * V8's parser takes `(function` for an immediately invoked function and never infers a name for it
   * (`obj.p = (function () {})` is "(anonymous)" in DevTools; arrows and classes in parentheses keep theirs).
   * NamedEvaluation is untouched: `const f = (function () {})` is still "f".
   */
  parenthesizedFunction: boolean;
}

export const DIRECT: NamingRoute = { indirect: false, parenthesizedFunction: false };

/** The inferred name, or undefined: the function stays "(anonymous)". */
export function inferredFunctionName(place: NamingPlace, route: NamingRoute = DIRECT): string | undefined {
  switch (place.kind) {
    case "binding":
      if (!route.indirect) return place.name;
      return place.declarator && !route.parenthesizedFunction ? place.name : undefined;
    case "assignment":
      if (place.compound || !place.segments || place.segments.length === 0) return undefined;
      // `f = (function () {})`: NamedEvaluation; `a.b = (function () {})`: the inferrer only, which skips it.
      if (route.parenthesizedFunction && (route.indirect || !place.identifier)) return undefined;
      // `this.x = …` → ["x"] → "x"; `Foo.prototype.bar = …` → "Foo.bar".
      return memberPathName(place.segments);
    case "property":
      if (!route.indirect) return propertyKeyName(place.key);
      if (route.parenthesizedFunction) return undefined;
      return joinNames(place.objectName, place.computed ? undefined : propertyKeyName(place.key));
    case "field":
      if (!route.indirect) return propertyKeyName(place.key);
      return route.parenthesizedFunction || place.computed ? undefined : propertyKeyName(place.key);
    case "export-default":
      // `export default x || function () {}`: no declaration or assignment infers it.
      return route.indirect ? undefined : "default";
    case "other":
      return undefined;
  }
}

/**
 * The name V8's inferrer has collected when it reaches the properties of an object literal at `place`:
 * the variable (`var o = {` → "o"), the assignment target (`a.b = {` → "a.b"), the enclosing
 * properties (`{ n: {` → "o.n"), a parameter default (`(o = {`), a class field (`table = {`); none for other places (`return {`,
 * `export default {`, a call's argument).
 */
export function objectLiteralName(place: NamingPlace): string | undefined {
  switch (place.kind) {
    case "binding":
      return place.name;
    case "assignment":
      return place.segments && place.segments.length > 0 ? memberPathName(place.segments) : undefined;
    case "property":
      return joinNames(place.objectName, place.computed ? undefined : propertyKeyName(place.key));
    case "field":
      // `static table = { entry: x || function () {} }` → "table.entry": the class's name is not in front.
      return place.computed ? undefined : propertyKeyName(place.key);
    case "export-default":
    case "other":
      return undefined;
  }
}

function joinNames(prefix: string | undefined, name: string | undefined): string | undefined {
  if (prefix === undefined || prefix === "") return name;
  return name === undefined ? prefix : `${prefix}.${name}`;
}

/**
 * Whether a function stored in a class field (`handler = …`, `static #make = …`) takes the field's
 * name: always when it is the whole value (NamedEvaluation); through an operator or an array only when
 * V8's inferrer names it, that is not under a computed key (`["k"] = x || function () {}`) and not a
 * parenthesized `function`.
 */
export function classFieldNamesFunction(route: NamingRoute, computed: boolean): boolean {
  return !route.indirect || (!route.parenthesizedFunction && !computed);
}
