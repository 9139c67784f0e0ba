// Merging two profiles, as pstats' Stats.add(): functions matched by (file, line, column, qualifiedName), counters summed.
import { compareFunctions } from "./canonical";
import type { CallTreeNode, EdgeStats, FunctionInfo, FunctionStats, Profile, ProfileMeta } from "./types";

/**
 * The identity of a function across profiles: pstats' (file, line, funcname) key plus the column, so
 * two functions on one line with one name (two anonymous arrows) stay apart. Kind does not count.
 */
export function functionKey(info: Pick<FunctionInfo, "file" | "line" | "column" | "qualifiedName">): string {
  return `${info.file}\u0000${info.line}\u0000${info.column}\u0000${info.qualifiedName}`;
}


/**
 * Sums `b` into `a` and returns a new profile in canonical order (neither input is changed).
 * Rows and edges are summed per function key (two functions of one profile that share a key
 * become one, as in pstats); call trees are merged by path; durations add up.
 */
export function mergeProfiles(a: Profile, b: Profile): Profile {
  const infoByKey = new Map<string, FunctionInfo>();
  for (const info of [...a.functions, ...b.functions]) {
    const key = functionKey(info);
    if (!infoByKey.has(key)) infoByKey.set(key, info);
  }
  const functions = [...infoByKey.values()].sort(compareFunctions).map((info) => ({ ...info }));
  const indexByKey = new Map(functions.map((info, index) => [functionKey(info), index]));
  const remap = (profile: Profile) => profile.functions.map((info) => indexByKey.get(functionKey(info))!);
  const remapA = remap(a);
  const remapB = remap(b);

  const rows = new Map<number, FunctionStats>();
  const edges = new Map<string, EdgeStats>();
  for (const [profile, toNew] of [[a, remapA], [b, remapB]] as const) {
    for (const row of profile.stats) {
      const fn = toNew[row.function]!;
      const target = rows.get(fn);
      if (!target) rows.set(fn, { ...row, function: fn });
      else {
        addCounters(target, row);
        if (row.asyncWallTime !== undefined) target.asyncWallTime = (target.asyncWallTime ?? 0) + row.asyncWallTime;
      }
    }
    for (const edge of profile.edges) {
      const caller = toNew[edge.caller]!;
      const callee = toNew[edge.callee]!;
      const pair = `${caller}>${callee}`;
      const target = edges.get(pair);
      if (!target) edges.set(pair, { ...edge, caller, callee });
      else {
        addCounters(target, edge);
        if (target.countsOnly && !edge.countsOnly) delete target.countsOnly; // timed calls now among them
      }
    }
  }

  const merged: Profile = {
    format: a.format,
    version: a.version,
    timeUnit: "s",
    meta: mergeMeta(a.meta, b.meta),
    duration: a.duration + b.duration,
    functions,
    stats: [...rows.values()].sort((x, y) => x.function - y.function),
    edges: [...edges.values()].sort((x, y) => x.callee - y.callee || x.caller - y.caller),
  };
  if (a.callTree && b.callTree) merged.callTree = mergeCallTrees([[a.callTree, remapA], [b.callTree, remapB]]);
  return merged;
}

function addCounters<T extends { calls: number; primitiveCalls: number; selfTime: number; totalTime: number }>(target: T, source: T): void {
  target.calls += source.calls;
  target.primitiveCalls += source.primitiveCalls;
  target.selfTime += source.selfTime;
  target.totalTime += source.totalTime;
}

function mergeMeta(a: ProfileMeta, b: ProfileMeta): ProfileMeta {
  const meta: ProfileMeta = { tool: a.tool, clock: a.clock === b.clock ? a.clock : `${a.clock}+${b.clock}` };
  if (a.argv && b.argv && JSON.stringify(a.argv) === JSON.stringify(b.argv)) meta.argv = [...a.argv];
  if (a.pid !== undefined && a.pid === b.pid) meta.pid = a.pid;
  // Files of two roots are different files under the same relative name: a root only when both agree.
  if (a.root !== undefined && a.root === b.root) meta.root = a.root;
  if (a.startedAt !== undefined) meta.startedAt = b.startedAt !== undefined && b.startedAt < a.startedAt ? b.startedAt : a.startedAt;
  if (a.droppedTreeNodes !== undefined || b.droppedTreeNodes !== undefined) meta.droppedTreeNodes = (a.droppedTreeNodes ?? 0) + (b.droppedTreeNodes ?? 0);
  if (a.droppedCalls !== undefined || b.droppedCalls !== undefined) meta.droppedCalls = (a.droppedCalls ?? 0) + (b.droppedCalls ?? 0);
  if (a.maxDepth !== undefined || b.maxDepth !== undefined) meta.maxDepth = Math.max(a.maxDepth ?? 0, b.maxDepth ?? 0);
  if (a.reclaimedFrames !== undefined || b.reclaimedFrames !== undefined) meta.reclaimedFrames = (a.reclaimedFrames ?? 0) + (b.reclaimedFrames ?? 0);
  // Each process calibrates its own: the merge keeps the largest cost taken out.
  if (a.probeCost !== undefined || b.probeCost !== undefined) meta.probeCost = Math.max(a.probeCost ?? 0, b.probeCost ?? 0);
  return meta;
}

interface MergingNode {
  function: number;
  calls: number;
  selfTime: number;
  totalTime: number;
  children: Map<number, MergingNode>;
}

// Iterative (explicit work lists) so that a deep recursion's tree cannot overflow the stack.
function mergeCallTrees(sources: ReadonlyArray<readonly [CallTreeNode[], readonly number[]]>): CallTreeNode[] {
  const roots = new Map<number, MergingNode>();
  const work: Array<[Map<number, MergingNode>, CallTreeNode[], readonly number[]]> = sources.map(([nodes, toNew]) => [roots, nodes, toNew]);
  while (work.length > 0) {
    const [into, nodes, toNew] = work.pop()!;
    for (const node of nodes) {
      const fn = toNew[node.function]!;
      let target = into.get(fn);
      if (!target) into.set(fn, (target = { function: fn, calls: 0, selfTime: 0, totalTime: 0, children: new Map() }));
      target.calls += node.calls;
      target.selfTime += node.selfTime;
      target.totalTime += node.totalTime;
      if (node.children.length > 0) work.push([target.children, node.children, toNew]);
    }
  }
  const freeze = (nodes: Map<number, MergingNode>): CallTreeNode[] =>
    [...nodes.values()].sort((x, y) => x.function - y.function).map((n) => ({ function: n.function, calls: n.calls, selfTime: n.selfTime, totalTime: n.totalTime, children: [] }));
  const result = freeze(roots);
  const pending: Array<[CallTreeNode[], Map<number, MergingNode>]> = [[result, roots]];
  while (pending.length > 0) {
    const [frozen, source] = pending.pop()!;
    const ordered = [...source.values()].sort((x, y) => x.function - y.function);
    frozen.forEach((node, i) => {
      const children = ordered[i]!.children;
      if (children.size > 0) {
        node.children = freeze(children);
        pending.push([node.children, children]);
      }
    });
  }
  return result;
}
