// A stock catalog: a class with a chained method, a getter and a private field.
export class Catalog {
  readonly #stock = new Map<string, number>();

  add(sku: string, quantity: number): this {
    this.#stock.set(sku, (this.#stock.get(sku) ?? 0) + quantity);
    return this;
  }

  quantity(sku: string): number {
    return this.#stock.get(sku) ?? 0;
  }

  get size(): number {
    return this.#stock.size;
  }

  skus(): string[] {
    return [...this.#stock.keys()];
  }
}
