// Entry point of the bundle: builds a catalog, values it, walks the category tree.
import { Catalog } from "./catalog";
import { stockValue } from "./prices";
import { countLeaves, type Category } from "./tree";

const categories: Category = {
  name: "shop",
  children: [
    { name: "tools", children: [{ name: "hammers", children: [] }, { name: "saws", children: [] }] },
    { name: "garden", children: [{ name: "seeds", children: [] }] },
  ],
};

async function main(): Promise<void> {
  const catalog = new Catalog().add("hammer", 2).add("saw", 1).add("seeds", 10);
  const value = await stockValue(catalog);
  console.log(`${catalog.size} items in ${countLeaves(categories)} categories, worth ${value.toFixed(2)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
