// What the recorder may learn of a value a `for await` head or a `yield*` hands it, without running user code: shared by the recorder and its reference model (reference-recorder.test-helper.ts).

import { nodeBuiltin } from "@tsprof/format";

// Read at load, like the builtins of safe-builtins.ts (design.md pitfall 8): the checks below run at every
// `for await` and `yield*`, and a program may have replaced or wrapped these by then (a spy counting its
// calls, a lockdown that throws); it must not see the runtime's lookups.
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const getPrototypeOf = Object.getPrototypeOf;

/** Node's util.types, read once (format's nodeBuiltin(): no require() in an ES module bundle); a page has none and gets the fallbacks below. */
const types: { isGeneratorObject(value: unknown): boolean; isProxy(value: unknown): boolean } | undefined = (() => {
  const found = nodeBuiltin("util")?.types;
  return found !== undefined && typeof found.isGeneratorObject === "function" && typeof found.isProxy === "function" ? found : undefined;
})();

/**
 * Whether `value` (an object, not a proxy) is the generator object of a down-levelling helper that
 * keeps `next` on its prototype: regenerator's (Babel's inline `_regenerator` and `_regeneratorRuntime`
 * helpers, the regenerator-runtime package: what @babel/preset-env makes of a generator, and of an
 * async generator for targets without native generators) and Babel's `AsyncGenerator` wrapper
 * (`_wrapAsyncGenerator`, what preset-env makes of an async generator for targets with generators but
 * without async generators, node 8 say). All of them keep the generator's state machine in an own
 * `_invoke` function, which the inherited next(), throw() and return() call; a plain iterable or an
 * iterator class has no such own property, so its methods are not mistaken for a generator's steps.
 * The inherited `next` must be a data property holding a function, found without passing a proxy.
 */
function isHelperGeneratorObject(value: object, isProxy: (value: unknown) => boolean): boolean {
  const invoke = getOwnPropertyDescriptor(value, "_invoke");
  if (invoke === undefined || typeof invoke.value !== "function") return false;
  for (let object = getPrototypeOf(value) as object | null; object !== null; object = getPrototypeOf(object) as object | null) {
    if (isProxy(object)) return false;
    const next = getOwnPropertyDescriptor(object, "next");
    if (next !== undefined) return typeof next.value === "function";
  }
  return false;
}

/**
 * Whether the value of a `for await` head may be iterated by a generator's own steps, which the loop
 * then runs directly: a generator object (sync or async), an iterator with its own `next` (what
 * TypeScript's down-levelled generators are), a down-levelling helper's generator object with an
 * inherited `next` (regenerator's, Babel's AsyncGenerator: isHelperGeneratorObject()), or anything
 * with a [Symbol.asyncIterator] (an async generator however lowered, a class whose method returns
 * one). Not an array, a Map or a plain sync iterable, whose native iterators run nothing
 * instrumented. Looked up without running user code (Node's util.types, property descriptors, no
 * getter called; a proxy counts as yes). Outside Node: always yes.
 */
export const mayDriveGenerator: (value: unknown) => boolean = (() => {
  if (types === undefined) return () => true;
  const { isGeneratorObject, isProxy } = types;
  const asyncIterator = Symbol.asyncIterator;
  return (value: unknown): boolean => {
    if (value === null || (typeof value !== "object" && typeof value !== "function")) return false;
    if (isGeneratorObject(value)) return true;
    if (isProxy(value)) return true;
    const next = getOwnPropertyDescriptor(value, "next");
    if (next !== undefined && typeof next.value === "function") return true;
    if (isHelperGeneratorObject(value, isProxy)) return true;
    for (let object: object | null = value as object; object !== null; object = getPrototypeOf(object) as object | null) {
      if (isProxy(object)) return true;
      const method = getOwnPropertyDescriptor(object, asyncIterator);
      if (method !== undefined) return method.get !== undefined || typeof method.value === "function";
    }
    return false;
  };
})();

/**
 * Whether `yield* value` runs an iterator whose first step may be an instrumented generator's
 * entry: a generator object (native, or a down-levelling helper's: an iterator object with its own
 * `next`, as TypeScript's __generator and __asyncGenerator make, or one with an own `_invoke` behind
 * an inherited `next`, as regenerator and Babel's AsyncGenerator wrapper make). Not a plain iterable
 * or iterator class: the delegator would stay on the stack until the next probe event, and a
 * generator the consumer resumes next, after an uninstrumented next() yielded, would be charged to
 * it. Checked without running user code: Node's util.types, and data properties of objects that are
 * not proxies (no getter is called). Outside Node: never (delegation is then eager, as before the
 * inner's entry could be awaited).
 */
export const isDelegableIterator: (value: unknown) => boolean = (() => {
  if (types === undefined) return () => false;
  const { isGeneratorObject, isProxy } = types;
  return (value: unknown): boolean => {
    if (value === null || typeof value !== "object") return false;
    if (isGeneratorObject(value)) return true;
    if (isProxy(value)) return false;
    const next = getOwnPropertyDescriptor(value, "next");
    return (next !== undefined && typeof next.value === "function") || (next === undefined && isHelperGeneratorObject(value, isProxy));
  };
})();
