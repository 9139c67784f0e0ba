// Prices looked up asynchronously, one await per item, as a remote price service would be.
import type { Catalog } from "./catalog";

const PRICE_LIST: Readonly<Record<string, number>> = { hammer: 12.5, saw: 20, seeds: 1.25 };

export async function fetchPrice(sku: string): Promise<number> {
  await Promise.resolve();
  const price = PRICE_LIST[sku];
  if (price === undefined) throw new Error(`no price for ${sku}`);
  return price;
}

export async function stockValue(catalog: Catalog): Promise<number> {
  let total = 0;
  for (const sku of catalog.skus()) total += (await fetchPrice(sku)) * catalog.quantity(sku);
  return total;
}
