// A small TypeScript program to profile: `npx tsprof run examples/quickstart.ts`.
// Recursion (fib), a class with methods, closures passed to callbacks, and an async chain.

class Inventory {
  private items = new Map<string, number>();

  add(name: string, count: number): void {
    this.items.set(name, (this.items.get(name) ?? 0) + count);
  }

  total(): number {
    let sum = 0;
    for (const count of this.items.values()) sum += count;
    return sum;
  }
}

function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

const primesBelow = (limit: number): number[] =>
  Array.from({ length: limit }, (_, i) => i).filter((n) => isPrime(n));

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function fetchStock(name: string): Promise<number> {
  await sleep(5);
  return name.length * 3;
}

async function main(): Promise<void> {
  const inventory = new Inventory();
  const names = ["apple", "pear", "plum", "fig"];
  const counts = await Promise.all(names.map((name) => fetchStock(name)));
  names.forEach((name, i) => inventory.add(name, counts[i]));
  console.log(`fib(20) = ${fib(20)}`);
  console.log(`${primesBelow(2000).length} primes below 2000`);
  console.log(`${inventory.total()} items in stock`);
}

main();
