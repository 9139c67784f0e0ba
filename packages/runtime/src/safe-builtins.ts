// Builtins captured when the runtime loads, so user patches made later never reach the recorder (design.md pitfall 8).
//
// User code may patch Object.prototype (even with a setter on `Object.prototype[0]`),
// Array.prototype.push, Function.prototype.call/apply/bind, Promise.prototype.then and
// Map.prototype.get. The runtime therefore never calls a prototype method it did not
// capture here, and never writes into a hole of an ordinary array (a hole write walks
// the prototype chain and would run a user's index setter).

const reflectApply = Reflect.apply;
const arrayFrom = Array.from;
export const defineProperty = Object.defineProperty;
const typedArraySet = Object.getPrototypeOf(Int8Array.prototype).set as (this: unknown, source: ArrayLike<number>) => void;
export const objectCreate = Object.create;
const createNullObject = (): object => objectCreate(null) as object;
const hasOwn = Object.hasOwn;
const functionApply = Function.prototype.apply;
const functionCall = Function.prototype.call;

/**
 * Math functions for the code that runs at exit and at snapshots (building the profile, the
 * recorder's growth and copies): a program that sets `Math.max = () => 0` at top level must not
 * turn the profile's times into NaN (written as null) or its arrays into empty ones.
 */
export const mathMax = Math.max;
export const mathMin = Math.min;
export const mathRound = Math.round;
export const mathAbs = Math.abs;
export const objectKeys = Object.keys;
export const isTypedArrayView = ArrayBuffer.isView;
export const numberIsFinite = Number.isFinite;

/** `fn` called with `thisArg` and `args` by the Reflect.apply captured at load (no patched call/apply). */
export function callWith<R>(fn: (...args: never[]) => R, thisArg: unknown, args: readonly unknown[]): R {
  return reflectApply(fn as (...args: unknown[]) => R, thisArg, args as unknown[]);
}

/** `[f(0), ..., f(length - 1)]`, its elements defined (Array.from on an array-like: no iterator, no prototype setter, no `push`). */
export function buildArray<T>(length: number, f: (index: number) => T): T[] {
  return reflectApply(arrayFrom, Array, [{ length }, (_: unknown, index: number) => f(index)]) as T[];
}

/** Appends `value` to `array` by defining the element: no prototype setter, no `push`. */
export function append<T>(array: T[], value: T): void {
  defineProperty(array, array.length, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * The first `length` elements of `source` (all of them by default) in a new array of its type,
 * copied one by one: slice() and subarray() are prototype methods that user code may patch.
 */
export function copyTyped<T extends Float64Array | Int32Array | Uint8Array>(source: T, length: number = source.length): T {
  const copy = (source instanceof Float64Array ? new Float64Array(length) : source instanceof Int32Array ? new Int32Array(length) : new Uint8Array(length)) as T;
  for (let i = 0; i < length; i++) copy[i] = source[i];
  return copy;
}

/** A Float64Array `length` long holding `source`'s elements first. */
export function growFloat64(source: Float64Array, length: number): Float64Array<ArrayBuffer> {
  const grown = new Float64Array(length);
  reflectApply(typedArraySet, grown, [source]);
  return grown;
}

/** An Int32Array `length` long holding `source`'s elements first. */
export function growInt32(source: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(length);
  reflectApply(typedArraySet, grown, [source]);
  return grown;
}

/** A Uint8Array `length` long holding `source`'s elements first. */
export function growUint8(source: Uint8Array, length: number): Uint8Array<ArrayBuffer> {
  const grown = new Uint8Array(length);
  reflectApply(typedArraySet, grown, [source]);
  return grown;
}

/** A string-keyed dictionary with no prototype: no Map methods, nothing inherited a patch could reach. */
export interface SafeMap<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
}

export function createSafeMap<V>(): SafeMap<V> {
  const entries = createNullObject() as Record<string, V>;
  return {
    get: (key) => (hasOwn(entries, key) ? entries[key] : undefined),
    set: (key, value) => {
      entries[key] = value;
    },
  };
}

/**
 * Gives `listener` own `apply`/`call` properties holding the original builtins. Node's
 * EventEmitter invokes listeners as `handler.apply(this, args)`, which would otherwise run a
 * user's patched Function.prototype.apply for the runtime's own 'exit' and signal listeners.
 */
export function shieldListener<F extends (...args: never[]) => unknown>(listener: F): F {
  defineProperty(listener, "apply", { value: functionApply, writable: true, configurable: true });
  defineProperty(listener, "call", { value: functionCall, writable: true, configurable: true });
  return listener;
}
