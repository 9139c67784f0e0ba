// A category tree and a recursive walk over it.
export interface Category {
  name: string;
  children: Category[];
}

export function countLeaves(category: Category): number {
  if (category.children.length === 0) return 1;
  let leaves = 0;
  for (const child of category.children) leaves += countLeaves(child);
  return leaves;
}
