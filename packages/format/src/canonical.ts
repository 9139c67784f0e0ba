// Canonical order of a profile: identical runs give byte-identical files apart from times.
//
// Functions are sorted by (file, line, column, qualifiedName, name, kind) and every index is
// remapped; stats are ordered by function, edges by (callee, caller), call-tree children by
// function index (then calls, for the rare equal paths produced by merges).
// Written with plain loops and Array.from (no push, no Map): the runtime calls this at exit,
// inside user code whose builtins may be patched.
import type { CallTreeNode, EdgeStats, FunctionInfo, FunctionStats, Profile } from "./types";

/** A copy of `profile` in canonical order. The input is not modified. */
export function canonicalizeProfile(profile: Profile): Profile {
  const functions = profile.functions;
  const order = Array.from({ length: functions.length }, (_, i) => i).sort((a, b) =>
    compareFunctions(functions[a], functions[b]),
  );
  const newIndex = new Int32Array(functions.length);
  for (let i = 0; i < order.length; i++) newIndex[order[i]] = i;
  const remap = (index: number): number => (index >= 0 && index < newIndex.length ? newIndex[index] : index);

  const stats = Array.from(profile.stats, (row): FunctionStats => ({ ...row, function: remap(row.function) })).sort(
    (a, b) => a.function - b.function,
  );
  const edges = Array.from(
    profile.edges,
    (edge): EdgeStats => ({ ...edge, caller: remap(edge.caller), callee: remap(edge.callee) }),
  ).sort((a, b) => a.callee - b.callee || a.caller - b.caller);

  const result: Profile = {
    format: profile.format,
    version: profile.version,
    timeUnit: profile.timeUnit,
    meta: profile.meta,
    duration: profile.duration,
    functions: Array.from(order, (i): FunctionInfo => ({ ...functions[i] })),
    stats,
    edges,
  };
  if (profile.callTree !== undefined) result.callTree = canonicalTree(profile.callTree, remap);
  return result;
}

function canonicalTree(nodes: readonly CallTreeNode[], remap: (index: number) => number): CallTreeNode[] {
  return Array.from(
    nodes,
    (node): CallTreeNode => ({ ...node, function: remap(node.function), children: canonicalTree(node.children, remap) }),
  ).sort((a, b) => a.function - b.function || b.calls - a.calls || b.totalTime - a.totalTime);
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
