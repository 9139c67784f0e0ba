// Canonical order of a profile: identical runs give byte-identical files apart from times.
//
// Functions are sorted by (file, line, column, qualifiedName, name, kind) and every index is
// remapped; stats are ordered by function, edges by (callee, caller), call-tree children by
// function index (then calls, for the rare equal paths produced by merges).
// The runtime calls this at exit, inside user code whose builtins may be patched (test262 replaces
// Array.prototype[Symbol.iterator]; others patch push, sort or set Object.prototype[0]): arrays are
// built by `Array.from({ length }, f)` (array-like path: no iterator; defines elements, so no
// prototype setter runs) and sorted with the `sort` captured when this module loaded.
import type { CallTreeNode, EdgeStats, FunctionInfo, FunctionStats, Profile } from "./types";

const arraySort = Array.prototype.sort;
const apply = Reflect.apply;
const arrayFrom = Array.from;

/** `[f(0), ..., f(length - 1)]` without iterators, push or index writes. */
function build<T>(length: number, f: (index: number) => T): T[] {
  return apply(arrayFrom, Array, [{ length }, (_: unknown, index: number) => f(index)]) as T[];
}

function sorted<T>(array: T[], compare: (a: T, b: T) => number): T[] {
  return apply(arraySort, array, [compare]) as T[];
}

/** Where each function of `functions` goes in canonical order (compareFunctions): the new index by old index. */
export function canonicalFunctionIndex(functions: readonly FunctionInfo[]): Int32Array {
  const order = sorted(build(functions.length, (i) => i), (a, b) => compareFunctions(functions[a], functions[b]));
  const newIndex = new Int32Array(functions.length);
  for (let i = 0; i < order.length; i++) newIndex[order[i]] = i;
  return newIndex;
}

/** A copy of `profile` in canonical order. The input is not modified. */
export function canonicalizeProfile(profile: Profile): Profile {
  const functions = profile.functions;
  const newIndex = canonicalFunctionIndex(functions);
  const order = new Int32Array(functions.length);
  for (let i = 0; i < newIndex.length; i++) order[newIndex[i]] = i;
  const remap = (index: number): number => (index >= 0 && index < newIndex.length ? newIndex[index] : index);

  const rows = profile.stats;
  const stats = sorted(
    build(rows.length, (i): FunctionStats => ({ ...rows[i], function: remap(rows[i].function) })),
    (a, b) => a.function - b.function,
  );
  const pairs = profile.edges;
  const edges = sorted(
    build(pairs.length, (i): EdgeStats => ({ ...pairs[i], caller: remap(pairs[i].caller), callee: remap(pairs[i].callee) })),
    (a, b) => a.callee - b.callee || a.caller - b.caller,
  );

  const result: Profile = {
    format: profile.format,
    version: profile.version,
    timeUnit: profile.timeUnit,
    meta: profile.meta,
    duration: profile.duration,
    functions: build(order.length, (i): FunctionInfo => ({ ...functions[order[i]] })),
    stats,
    edges,
  };
  if (profile.callTree !== undefined) result.callTree = canonicalTree(profile.callTree, remap);
  return result;
}

/**
 * The tree with remapped functions and sorted children, level by level without recursion: a
 * program recursing a few thousand levels deep makes a tree that deep, and the copy is made at
 * exit, where a stack overflow would lose the profile. Top-down, each level's nodes are listed
 * (with where each node's children start in the next level); bottom-up, the copies are built.
 */
function canonicalTree(roots: readonly CallTreeNode[], remap: (index: number) => number): CallTreeNode[] {
  interface Level {
    nodes: readonly CallTreeNode[];
    /** Node i's children are nodes starts[i] .. starts[i + 1] - 1 of the level below. */
    starts: Int32Array;
    above: Level | undefined;
  }
  let level: Level = { nodes: roots, starts: childStarts(roots), above: undefined };
  for (;;) {
    const { nodes, starts } = level;
    const count = starts[nodes.length];
    if (count === 0) break;
    let parent = 0; // build() calls back in index order
    const below = build(count, (flat): CallTreeNode => {
      while (flat >= starts[parent + 1]) parent++;
      return nodes[parent].children[flat - starts[parent]];
    });
    level = { nodes: below, starts: childStarts(below), above: level };
  }
  let copiesBelow: CallTreeNode[] = [];
  for (let current: Level | undefined = level; current !== undefined; current = current.above) {
    const { nodes, starts } = current;
    const below = copiesBelow;
    copiesBelow = build(nodes.length, (i): CallTreeNode => ({
      ...nodes[i],
      function: remap(nodes[i].function),
      children: sorted(build(starts[i + 1] - starts[i], (k) => below[starts[i] + k]), compareTreeNodes),
    }));
  }
  return sorted(copiesBelow, compareTreeNodes);
}

function childStarts(nodes: readonly CallTreeNode[]): Int32Array {
  const starts = new Int32Array(nodes.length + 1);
  for (let i = 0; i < nodes.length; i++) starts[i + 1] = starts[i] + nodes[i].children.length;
  return starts;
}

function compareTreeNodes(a: CallTreeNode, b: CallTreeNode): number {
  return a.function - b.function || b.calls - a.calls || b.totalTime - a.totalTime;
}

/** The function table order: file, line, column, qualifiedName, name, kind. */
export function compareFunctions(a: FunctionInfo, b: FunctionInfo): number {
  return (
    compareStrings(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    compareStrings(a.qualifiedName, b.qualifiedName) ||
    compareStrings(a.name, b.name) ||
    compareStrings(a.kind, b.kind)
  );
}

/** Code-unit order: the same on every machine and locale (unlike localeCompare). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
