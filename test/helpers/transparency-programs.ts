// A fast-check generator of small programs that exercise every function form tsprof instruments.
//
// A program is a chain of nested function bodies working on one number `x` and logging through
// `out()`. Each function form is a call expression of the form's literal, e.g.
//   ((x) => { S; return x; })(x)           new (class extends Base { constructor(x) { super(x); … } })(x).r
//   [...(function* (x) { S; yield x; })(x)] await (async function (x) { S; return x; })(x)
// Statements mix closures, recursion, loops, try/catch/finally, thrown errors across calls,
// generators abandoned early, awaits, Promise.all, for await over async generators, classes with
// super, private and static members and fields. `run()` returns what it computed plus the log, so
// results, thrown errors, console output and the order of async events are all observable.
import fc from "fast-check";

/** What a function body may contain: `await` only in async bodies, `yield` only in generator bodies. */
type BodyKind = "sync" | "async" | "generator" | "async-generator";

const small = fc.integer({ min: 1, max: 7 });
const MOD = 1009;

/** One statement of a body of `kind`, nesting at most `depth` more functions. */
function statement(kind: BodyKind, depth: number): fc.Arbitrary<string> {
  const leaf: fc.Arbitrary<string>[] = [
    small.map((k) => `out("s${k}:" + x);`),
    small.map((k) => `x = (x * ${k} + ${k}) % ${MOD};`),
    small.map((k) => `for (let i = 0; i < ${k}; i++) { x = (x + i) % ${MOD}; }`),
    small.map((k) => `{ let c = x; const inc = () => ++c; inc(); x = (inc() + ${k}) % ${MOD}; }`),
    small.map((k) => `if (x % ${k + 3} === 0) throw new RangeError("r" + x);`),
    small.map((k) => `x = (x + sum((function* (n) { for (let i = 0; i < n; i++) yield i + x; })(${k}))) % ${MOD};`),
    small.map((k) => `x = (x + firstOf((function* () { try { yield x + ${k}; yield 0; } finally { out("gen closed " + x); } })())) % ${MOD};`),
    small.map((k) => `{ const rec = function (n) { return n <= 0 ? 0 : 1 + rec(n - 1); }; x = (x + rec(${k})) % ${MOD}; }`),
    small.map((k) => `try { (() => { throw new TypeError("t${k}"); })(); } catch (e) { out(e.name + " " + e.message); }`),
  ];
  if (kind === "async" || kind === "async-generator") {
    leaf.push(
      small.map((k) => `await null; out("tick${k}:" + x);`),
      small.map((k) => `x = (x + await Promise.resolve(${k})) % ${MOD};`),
      small.map((k) => `try { await Promise.reject(new Error("rej${k}")); } catch (e) { out(e.message); } finally { out("fin${k}"); }`),
      small.map((k) => `x = (x + await sumAsync((async function* () { for (let i = 0; i < ${k}; i++) { await null; yield i; } })())) % ${MOD};`),
    );
  }
  if (kind === "generator" || kind === "async-generator") {
    leaf.push(small.map((k) => `out("resumed " + (yield x + ${k}));`), small.map((k) => `yield* [${k}, x];`));
  }
  if (depth <= 0) return fc.oneof(...leaf);
  const nested: fc.Arbitrary<string>[] = [
    syncCall(depth - 1).map((call) => `x = (x + ${call}) % ${MOD};`),
    fc.tuple(body("sync", depth - 1), small).map(
      ([inner, k]) => `try { ${inner} if (x % ${k + 2} === 0) throw new Error("e" + x); } catch (e) { out("caught " + e.message); x++; } finally { out("finally ${k}"); }`,
    ),
    body("sync", depth - 1).map((inner) => `{ function declared(x) { ${inner} return x; } x = (x + declared(x)) % ${MOD}; }`),
  ];
  if (kind === "async" || kind === "async-generator") {
    nested.push(
      asyncCall(depth - 1).map((call) => `x = (x + await ${call}) % ${MOD};`),
      fc.tuple(asyncCall(depth - 1), asyncCall(depth - 1)).map(([a, b]) => `x = (x + sum(await Promise.all([${a}, ${b}]))) % ${MOD};`),
    );
  }
  return fc.oneof({ arbitrary: fc.oneof(...leaf), weight: 3 }, { arbitrary: fc.oneof(...nested), weight: 2 });
}

function body(kind: BodyKind, depth: number): fc.Arbitrary<string> {
  return fc.array(statement(kind, depth), { minLength: 0, maxLength: 4 }).map((statements) => statements.join(" "));
}

/** A call of a synchronous form; evaluates to a number. */
function syncCall(depth: number): fc.Arbitrary<string> {
  const forms: ((b: string) => string)[] = [
    (b) => `(function (x) { ${b} return x; })(x)`,
    (b) => `(function named(x, y = x + 1) { ${b} return x + y; })(x)`,
    (b) => `((x) => { ${b} return x; })(x)`,
    () => `((y) => y * 2 + 1)(x)`,
    (b) => `({ m(x) { ${b} return x; } }).m(x)`,
    (b) => `({ v: x, get g() { let x = this.v; ${b} return x; } }).g`,
    (b) => `new (class { #p = 1; m(x) { ${b} return x + this.#p; } })().m(x)`,
    (b) => `(class { static s(x) { ${b} return x; } }).s(x)`,
    (b) => `new (class { f = (x) => { ${b} return x; }; })().f(x)`,
    (b) => `new (class extends Base { constructor(x) { super(x); ${b} this.r = x + this.base; } m(x) { return super.m(x) + 1; } })(x).r`,
    (b) => `new (class extends Base { m(x) { ${b} return super.m(x) * 2; } })(x).m(x)`,
    (b) => `(function (x) { ${b} return x; }).call(null, x)`,
    (b) => `(function countdown(x, d) { if (d > 0) return countdown(x + 1, d - 1); ${b} return x; })(x, 3)`,
    (b) => `sum((function* (x) { ${b} yield x; })(x))`,
    (b) => `firstOf((function* (x) { try { ${b} yield x; yield x + 1; } finally { out("abandoned " + x); } })(x))`,
    (b) => `(() => { try { return (function (x) { ${b} return x; })(x); } catch (e) { out("inner " + e.name); return -1; } })()`,
  ];
  const bodyKinds: BodyKind[] = ["sync", "sync", "sync", "sync", "sync", "sync", "sync", "sync", "sync", "sync", "sync", "sync", "sync", "generator", "generator", "sync"];
  return fc.integer({ min: 0, max: forms.length - 1 }).chain((index) => body(bodyKinds[index], depth).map((b) => forms[index](b)));
}

/** A call of an asynchronous form; evaluates to a promise of a number. */
function asyncCall(depth: number): fc.Arbitrary<string> {
  const forms: [BodyKind, (b: string) => string][] = [
    ["async", (b) => `(async function (x) { ${b} return x; })(x)`],
    ["async", (b) => `(async (x) => { ${b} return x; })(x)`],
    ["async", (b) => `({ async m(x) { ${b} return x; } }).m(x)`],
    ["async", (b) => `new (class extends Base { async m(x) { ${b} return super.m(x); } })(x).m(x)`],
    ["async-generator", (b) => `sumAsync((async function* (x) { ${b} yield x; })(x))`],
    ["sync", () => `Promise.resolve(x).then((v) => v + 1)`],
  ];
  return fc.integer({ min: 0, max: forms.length - 1 }).chain((index) => body(forms[index][0], depth).map((b) => forms[index][1](b)));
}

const PRELUDE = `
function out(value) { console.log("out " + value); }
function sum(values) { let total = 0; for (const value of values) total += value; return total % ${MOD}; }
function firstOf(iterable) { for (const value of iterable) return value; return -1; }
async function sumAsync(iterable) { let total = 0; for await (const value of iterable) total += value; return total % ${MOD}; }
class Base {
  static count = 0;
  constructor(x) { this.base = x; Base.count++; }
  m(x) { return x + 1; }
}
`;

/** A whole program (CommonJS-shaped: `exports.run`), strict or sloppy. */
export const programArbitrary: fc.Arbitrary<string> = fc
  .tuple(fc.boolean(), fc.integer({ min: 0, max: 100 }), syncCall(2), asyncCall(2), asyncCall(1))
  .map(
    ([strict, seed, sync, asyncA, asyncB]) => `${strict ? '"use strict";' : ""}
${PRELUDE}
exports.run = async function () {
  const results = [];
  let x = ${seed};
  try { results.push(${sync}); } catch (e) { results.push("threw " + e.name + ": " + e.message); }
  const settled = await Promise.allSettled([${asyncA}, ${asyncB}]);
  for (const outcome of settled) results.push(outcome.status === "fulfilled" ? outcome.value : "rejected " + outcome.reason);
  return { results, bases: Base.count };
};
`,
  );
