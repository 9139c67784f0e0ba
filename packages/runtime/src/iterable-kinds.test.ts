// What isDelegableIterator() and mayDriveGenerator() take for a generator object, on real objects: the
// engine's, the down-levelling helpers' (@babel/preset-env's regenerator and AsyncGenerator wrapper,
// TypeScript's __generator and __asyncGenerator), and the iterables and iterators that are none.
import { test } from "node:test";
import assert from "node:assert/strict";
import { transformSync } from "@babel/core";
import * as ts from "typescript";
import { isDelegableIterator, mayDriveGenerator } from "./iterable-kinds";

const source = `
function* gen() { yield 1; }
async function* agen() { yield 1; }
module.exports = { gen: gen(), agen: agen() };
`;

/** Runs CommonJS `code` (no require): its module.exports. */
function run(code: string): Record<string, object> {
  const module = { exports: {} as Record<string, object> };
  new Function("module", "exports", code)(module, module.exports);
  return module.exports;
}

/** `source` lowered by @babel/preset-env for `targets`. */
function babel(targets: Record<string, string>): Record<string, object> {
  return run(transformSync(source, { babelrc: false, configFile: false, sourceType: "script", presets: [[require.resolve("@babel/preset-env"), { targets }]] })!.code!);
}

/** `source` lowered by TypeScript to `target`. */
function typescript(target: ts.ScriptTarget): Record<string, object> {
  return run(ts.transpileModule(source, { compilerOptions: { target, module: ts.ModuleKind.CommonJS } }).outputText);
}

test("generator objects, native and lowered, are iterators a yield* and a for await run", () => {
  const cases: [string, object][] = [
    ["native generator", run(source).gen],
    ["native async generator", run(source).agen],
    // regenerator: next() on the prototype, the state machine in an own _invoke
    ["preset-env ie 11 generator", babel({ ie: "11" }).gen],
    ["preset-env ie 11 async generator", babel({ ie: "11" }).agen],
    // Babel's AsyncGenerator wrapper over a native generator
    ["preset-env node 8 async generator", babel({ node: "8" }).agen],
    // an own next()
    ["TypeScript ES5 generator", typescript(ts.ScriptTarget.ES5).gen],
    ["TypeScript ES2017 async generator", typescript(ts.ScriptTarget.ES2017).agen],
  ];
  for (const [label, value] of cases) {
    assert.equal(isDelegableIterator(value), true, label);
    assert.equal(mayDriveGenerator(value), true, label);
  }
  // The lowered objects really are the helpers' (a native one would prove nothing).
  assert.equal(Object.getOwnPropertyDescriptor(babel({ ie: "11" }).gen, "next"), undefined);
  assert.equal(typeof Object.getOwnPropertyDescriptor(babel({ node: "8" }).agen, "_invoke")?.value, "function");
});

test("iterables and iterators that are no generator are not taken for one, and nothing of theirs runs", () => {
  class Counter {
    i = 0;
    [Symbol.iterator]() {
      return this;
    }
    next() {
      return { value: this.i++, done: this.i > 2 };
    }
  }
  let ran = 0;
  const withGetter = Object.create(Counter.prototype, { _invoke: { get: () => (ran++, () => undefined) } });
  const behindProxy = Object.create(new Proxy(Counter.prototype, { getOwnPropertyDescriptor: () => (ran++, undefined), get: () => (ran++, undefined) }), {
    _invoke: { value: () => undefined },
  });
  const cases: [string, object][] = [
    ["array", [1, 2]],
    ["array iterator", [1, 2].values()],
    ["Map iterator", new Map([[1, 2]]).entries()],
    ["iterator class", new Counter()],
    ["own _invoke, no next", { _invoke: () => undefined }],
    ["_invoke behind a getter", withGetter],
    ["a proxy in the prototype chain", behindProxy],
  ];
  for (const [label, value] of cases) {
    assert.equal(isDelegableIterator(value), false, label);
    // (mayDriveGenerator() takes a proxy for a yes, whatever it hides.)
    if (value !== behindProxy) assert.equal(mayDriveGenerator(value), false, label);
  }
  assert.equal(ran, 0);
});

test("the program's own Object.getOwnPropertyDescriptor and Object.getPrototypeOf are never called (read at load)", () => {
  // A program that spies on them, or forbids them after setup (a lockdown), must see no call from the
  // runtime at its `for await` and `yield*` over an array, an iterator class, or a helper-like object.
  const { getOwnPropertyDescriptor, getPrototypeOf } = Object;
  let calls = 0;
  Object.getOwnPropertyDescriptor = () => {
    calls++;
    throw new Error("getOwnPropertyDescriptor is disabled");
  };
  Object.getPrototypeOf = () => {
    calls++;
    throw new Error("getPrototypeOf is disabled");
  };
  try {
    const helperLike = Object.create({ next: () => ({ done: true, value: undefined }) }, { _invoke: { value: () => undefined } });
    for (const value of [[1, 2], new Map([[1, 2]]).values(), helperLike, { [Symbol.asyncIterator]: () => undefined }]) {
      isDelegableIterator(value);
      mayDriveGenerator(value);
    }
    assert.equal(isDelegableIterator(helperLike), true);
  } finally {
    Object.getOwnPropertyDescriptor = getOwnPropertyDescriptor;
    Object.getPrototypeOf = getPrototypeOf;
  }
  assert.equal(calls, 0);
});
