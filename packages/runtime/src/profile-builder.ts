// Builds the file's `Profile` (canonical) from a recorder's counters and the process-wide function table.
import {
  PROFILE_FORMAT,
  PROFILE_VERSION,
  canonicalizeProfile,
  type CallTreeNode,
  type EdgeStats,
  type FunctionInfo,
  type FunctionStats,
  type Profile as ProfileData,
  type ProfileMeta,
} from "@tsprof/format";
import type { Clock } from "./clock";
import type { PairTable } from "./pair-table";
import { LINK_FN, LINK_PARENT, LINK_STRIDE, NODE_CALLS, NODE_SELF, NODE_STRIDE, NODE_TOTAL, type CollectedStats } from "./recorder";
import { append } from "./safe-builtins";

/** What the builder adds to the counters: where they came from. */
export interface ProfileContext {
  functions: readonly FunctionInfo[];
  /** Recording time, ticks (summed over enabled intervals). */
  durationTicks: number;
  meta: ProfileMeta;
}

/** What the builder reads of a recorder (Recorder; in tests also the reference recorder). */
export interface RecordedData {
  readonly clock: Clock;
  readonly edges: PairTable;
  readonly nodeLinks: Int32Array;
  readonly nodeCount: number;
  readonly maxDepthSeen: number;
  readonly droppedTreeNodes: number;
  readonly reclaimedFrames: number;
  collect(): CollectedStats;
}

/**
 * The profile of `recorder` as it stands (call it on a recorder whose open frames were closed).
 * Only functions that were called appear; indices are remapped and the result canonicalized.
 */
export function buildProfile(recorder: RecordedData, context: ProfileContext): ProfileData {
  const toSeconds = secondsConverter(recorder.clock.unit);
  const registered = context.functions;
  const numbers = recorder.collect();
  const fnCount = Math.min(registered.length, numbers.fnCalls.length);
  const indexOf = new Int32Array(registered.length).fill(-1);
  const functions: FunctionInfo[] = [];
  const stats: FunctionStats[] = [];
  for (let fn = 0; fn < fnCount; fn++) {
    if (numbers.fnCalls[fn] === 0 && numbers.fnSelf[fn] === 0 && numbers.fnTotal[fn] === 0) continue;
    const index = functions.length;
    indexOf[fn] = index;
    const info = registered[fn];
    append(functions, {
      name: info.name,
      qualifiedName: info.qualifiedName,
      file: info.file,
      line: info.line,
      column: info.column,
      kind: info.kind,
    });
    const row: FunctionStats = {
      function: index,
      calls: numbers.fnCalls[fn], // ncalls column (before '/')
      primitiveCalls: numbers.fnPrimitiveCalls[fn], // ncalls column (after '/')
      selfTime: toSeconds(numbers.fnSelf[fn]), // tottime column
      totalTime: toSeconds(numbers.fnTotal[fn]), // cumtime column
    };
    if (info.kind === "async" || info.kind === "async-generator") row.asyncWallTime = toSeconds(numbers.fnAsyncWall[fn]);
    append(stats, row);
  }

  const edges: EdgeStats[] = [];
  for (let edge = 0; edge < recorder.edges.size; edge++) {
    const caller = indexOf[recorder.edges.first[edge]];
    const callee = indexOf[recorder.edges.second[edge]];
    if (caller < 0 || callee < 0) continue;
    append(edges, {
      caller,
      callee,
      calls: numbers.edgeCalls[edge],
      primitiveCalls: numbers.edgePrimitiveCalls[edge],
      selfTime: toSeconds(numbers.edgeSelf[edge]),
      totalTime: toSeconds(numbers.edgeTotal[edge]),
    });
  }

  const meta: ProfileMeta = { ...context.meta, maxDepth: recorder.maxDepthSeen };
  if (recorder.droppedTreeNodes > 0) meta.droppedTreeNodes = recorder.droppedTreeNodes;
  if (recorder.reclaimedFrames > 0) meta.reclaimedFrames = recorder.reclaimedFrames;
  const bias = (recorder.clock as { bias?: unknown }).bias;
  if (typeof bias === "number" && bias > 0) meta.probeCost = toSeconds(bias);
  return canonicalizeProfile({
    format: PROFILE_FORMAT,
    version: PROFILE_VERSION,
    timeUnit: "s",
    meta,
    duration: toSeconds(context.durationTicks),
    functions,
    stats,
    edges,
    callTree: buildCallTree(recorder, numbers.nodeStats, indexOf),
  });
}

/** The nested tree from the recorder's node table; node ids grow with creation, so parents precede children. */
function buildCallTree(recorder: RecordedData, stats: Float64Array, indexOf: Int32Array): CallTreeNode[] {
  const links = recorder.nodeLinks;
  const toSeconds = secondsConverter(recorder.clock.unit);
  const nodes: CallTreeNode[] = [];
  const roots: CallTreeNode[] = [];
  append(nodes, { function: -1, calls: 0, selfTime: 0, totalTime: 0, children: roots });
  for (let node = 1; node < recorder.nodeCount; node++) {
    const created: CallTreeNode = {
      function: indexOf[links[node * LINK_STRIDE + LINK_FN]],
      calls: stats[node * NODE_STRIDE + NODE_CALLS],
      selfTime: toSeconds(stats[node * NODE_STRIDE + NODE_SELF]),
      totalTime: toSeconds(stats[node * NODE_STRIDE + NODE_TOTAL]),
      children: [],
    };
    append(nodes, created);
    append(nodes[links[node * LINK_STRIDE + LINK_PARENT]].children, created);
  }
  return roots;
}

/**
 * Ticks → seconds. Dividing by a whole number of ticks per second (1e9 for hrtime, 1000 for the
 * tick clock) gives the shortest decimals (9 ticks → 0.009, where 9 * 0.001 is 0.009000000000000001).
 */
function secondsConverter(unit: number): (ticks: number) => number {
  const perSecond = Math.round(1 / unit);
  if (perSecond >= 1 && Math.abs(perSecond * unit - 1) < 1e-12) return (ticks) => ticks / perSecond;
  return (ticks) => ticks * unit;
}
