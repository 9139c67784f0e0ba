// Entry point: recursion, a namespace, an enum, an async chain and a generator, all instrumented by tspc.
import { Rect, Shape } from "./shapes";
import { lookup } from "./generated/table";

enum Unit {
  Cm = "cm",
}

namespace Maths {
  export function fact(n: number): number {
    return n <= 1 ? 1 : n * fact(n - 1);
  }
}

function* evens(limit: number): Generator<number> {
  for (let n = 0; n < limit; n += 2) yield n;
}

async function delayed(value: number): Promise<number> {
  await null;
  return value;
}

async function main(): Promise<void> {
  const shapes: Shape[] = [new Rect(2, 3), Rect.square(2)];
  const described = shapes.map((shape) => shape.describe());
  let sum = 0;
  for (const n of evens(6)) sum += await delayed(n);
  console.log(described.join(", "), Unit.Cm, Maths.fact(4), lookup(3), sum);
}

main();
