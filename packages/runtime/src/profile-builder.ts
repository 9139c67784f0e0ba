// Builds the file's `Profile` (canonical) from a recorder's counters and the process-wide function table.
import {
  PROFILE_FORMAT,
  PROFILE_VERSION,
  canonicalFunctionIndex,
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
import { append, buildArray, mathAbs, mathMax, mathMin, mathRound } from "./safe-builtins";

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
  readonly droppedCalls: number;
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
  // With the probe cost taken out (a compensated clock), each slice loses its share and none goes
  // below 0, so the self times of a recursion's frames, each clamped, can add up to more than its
  // outermost frame's total: tottime > cumtime, which cProfile never shows for a function whose
  // calls nest in its outermost ones (a browser's coarse performance.now() did it on fib). Those rows
  // keep tottime = cumtime. Uncompensated clocks are left alone, so that a recorder fault still shows.
  const bias = (recorder.clock as { bias?: unknown }).bias;
  const compensated = typeof bias === "number" && bias > 0;
  const selfWithin = (self: number, total: number): number => (compensated && self > total ? total : self);
  const fnCount = mathMin(registered.length, numbers.fnCalls.length);
  const indexOf = new Int32Array(registered.length);
  for (let fn = 0; fn < indexOf.length; fn++) indexOf[fn] = -1; // not fill(): user code may patch it
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
      selfTime: toSeconds(selfWithin(numbers.fnSelf[fn], numbers.fnTotal[fn])), // tottime column
      totalTime: toSeconds(numbers.fnTotal[fn]), // cumtime column
    };
    if (info.kind === "async" || info.kind === "async-generator") row.asyncWallTime = toSeconds(numbers.fnAsyncWall[fn]);
    append(stats, row);
  }

  const meta: ProfileMeta = { ...context.meta, maxDepth: recorder.maxDepthSeen };
  if (recorder.droppedTreeNodes > 0) meta.droppedTreeNodes = recorder.droppedTreeNodes;
  if (recorder.droppedCalls > 0) meta.droppedCalls = recorder.droppedCalls;
  if (recorder.reclaimedFrames > 0) meta.reclaimedFrames = recorder.reclaimedFrames;
  if (compensated) meta.probeCost = toSeconds(bias);
  // The table and its rows go through canonicalizeProfile(); the edges and the tree are built in
  // canonical order (canonicalEdges(), buildCallTree()), their functions numbered as the canonical
  // table numbers them.
  const canonicalIndex = canonicalFunctionIndex(functions);
  for (let fn = 0; fn < indexOf.length; fn++) if (indexOf[fn] >= 0) indexOf[fn] = canonicalIndex[indexOf[fn]];
  const profile = canonicalizeProfile({ format: PROFILE_FORMAT, version: PROFILE_VERSION, timeUnit: "s", meta, duration: toSeconds(context.durationTicks), functions, stats, edges: [] });
  profile.edges = canonicalEdges(recorder, numbers, indexOf, functions.length, toSeconds, selfWithin);
  profile.callTree = buildCallTree(recorder, numbers.nodeStats, indexOf);
  return profile;
}

/**
 * The edges between recorded functions, in canonicalizeProfile()'s order (by callee, then caller; no
 * two edges have both the same), `indexOf` giving each function's canonical index (-1: left out). Put
 * in that order by their numbers (two counting sorts), each edge object made once, in its place: made
 * in the recorder's order, appended one by one, then copied and sorted as objects by
 * canonicalizeProfile(), a million edges took seconds at exit.
 */
function canonicalEdges(
  recorder: RecordedData,
  numbers: CollectedStats,
  indexOf: Int32Array,
  functionCount: number,
  toSeconds: (ticks: number) => number,
  selfWithin: (self: number, total: number) => number,
): EdgeStats[] {
  const pairs = recorder.edges;
  const callers = new Int32Array(pairs.size);
  const callees = new Int32Array(pairs.size);
  let kept = 0;
  for (let edge = 0; edge < pairs.size; edge++) {
    const caller = indexOf[pairs.first[edge]];
    const callee = indexOf[pairs.second[edge]];
    callers[edge] = caller;
    callees[edge] = callee;
    if (caller >= 0 && callee >= 0) kept++;
  }
  // Ordered by caller, then (stable) by callee: by callee, then caller. Left-out edges go nowhere.
  const byCaller = new Int32Array(kept);
  const at = new Int32Array(functionCount + 1);
  for (let edge = 0; edge < pairs.size; edge++) if (callers[edge] >= 0 && callees[edge] >= 0) at[callers[edge] + 1]++;
  for (let fn = 0; fn < functionCount; fn++) at[fn + 1] += at[fn];
  for (let edge = 0; edge < pairs.size; edge++) if (callers[edge] >= 0 && callees[edge] >= 0) byCaller[at[callers[edge]]++] = edge;
  const ordered = new Int32Array(kept);
  const from = new Int32Array(functionCount + 1);
  for (let k = 0; k < kept; k++) from[callees[byCaller[k]] + 1]++;
  for (let fn = 0; fn < functionCount; fn++) from[fn + 1] += from[fn];
  for (let k = 0; k < kept; k++) ordered[from[callees[byCaller[k]]]++] = byCaller[k];
  return buildArray(kept, (k): EdgeStats => {
    const edge = ordered[k];
    return {
      caller: callers[edge],
      callee: callees[edge],
      calls: numbers.edgeCalls[edge],
      primitiveCalls: numbers.edgePrimitiveCalls[edge],
      selfTime: toSeconds(selfWithin(numbers.edgeSelf[edge], numbers.edgeTotal[edge])),
      totalTime: toSeconds(numbers.edgeTotal[edge]),
    };
  });
}

/**
 * The nested tree from the recorder's node table, in canonical order (`indexOf`: the canonical index
 * of each recorded function): a node's children by function index, which differs between siblings.
 * Built bottom-up from typed arrays (node ids grow with creation, so children come after their
 * parent), each node's children listed at once: no copy, no sort of objects, no array growth.
 */
function buildCallTree(recorder: RecordedData, stats: Float64Array, indexOf: Int32Array): CallTreeNode[] {
  const links = recorder.nodeLinks;
  const count = recorder.nodeCount;
  const toSeconds = secondsConverter(recorder.clock.unit);
  // Sort keys: the canonical function index + 1 (0 for a function the profile left out, if any).
  const keyOf = new Int32Array(count);
  let keys = 1;
  for (let node = 1; node < count; node++) {
    const key = indexOf[links[node * LINK_STRIDE + LINK_FN]] + 1;
    keyOf[node] = key;
    if (key >= keys) keys = key + 1;
  }
  // Nodes by key (a counting sort), then each into its parent's run of children in that order:
  // node n's children are childIds[starts[n] .. starts[n + 1] - 1], sorted by function.
  const byKey = runsOf(keyOf, 1, count, keys);
  const parentOf = new Int32Array(count);
  for (let node = 1; node < count; node++) parentOf[node] = links[node * LINK_STRIDE + LINK_PARENT];
  const starts = new Int32Array(count + 1);
  for (let node = 1; node < count; node++) starts[parentOf[node] + 1]++;
  for (let node = 0; node < count; node++) starts[node + 1] += starts[node];
  const filled = new Int32Array(count); // where each run fills next (no slice(): user code may patch it)
  for (let node = 0; node < count; node++) filled[node] = starts[node];
  const childIds = new Int32Array(count);
  for (let i = 0; i < count - 1; i++) {
    const node = byKey[i];
    childIds[filled[parentOf[node]]++] = node;
  }
  const made = buildArray<CallTreeNode | undefined>(count, () => undefined);
  for (let node = count - 1; node > 0; node--) {
    const first = starts[node];
    made[node] = {
      function: keyOf[node] - 1,
      calls: stats[node * NODE_STRIDE + NODE_CALLS],
      selfTime: toSeconds(stats[node * NODE_STRIDE + NODE_SELF]),
      totalTime: toSeconds(stats[node * NODE_STRIDE + NODE_TOTAL]),
      children: childList(made, childIds, first, starts[node + 1] - first),
    };
    // Each node is some node's child once: drop the children from the table as they are placed.
    for (let k = first; k < starts[node + 1]; k++) made[childIds[k]] = undefined;
  }
  return buildArray(starts[1], (k) => made[childIds[k]] as CallTreeNode);
}

/**
 * The nodes made[childIds[first .. first + count - 1]], as a new array. Most nodes have none or one
 * or two children: an array literal defines its elements as buildArray() does, without the call
 * per element (a million nodes: 0.43 s in buildArray() at exit).
 */
function childList(made: (CallTreeNode | undefined)[], childIds: Int32Array, first: number, count: number): CallTreeNode[] {
  if (count === 0) return [];
  if (count === 1) return [made[childIds[first]] as CallTreeNode];
  if (count === 2) return [made[childIds[first]] as CallTreeNode, made[childIds[first + 1]] as CallTreeNode];
  return buildArray(count, (k) => made[childIds[first + k]] as CallTreeNode);
}

/** Indices from..to-1 ordered by key[index] (keys 0..keys-1), stable: a counting sort. */
function runsOf(key: Int32Array, from: number, to: number, keys: number): Int32Array {
  const at = new Int32Array(keys + 1);
  for (let index = from; index < to; index++) at[key[index] + 1]++;
  for (let k = 0; k < keys; k++) at[k + 1] += at[k];
  const ordered = new Int32Array(mathMax(0, to - from));
  for (let index = from; index < to; index++) ordered[at[key[index]]++] = index;
  return ordered;
}

/**
 * Ticks → seconds. Dividing by a whole number of ticks per second (1e9 for hrtime, 1000 for the
 * tick clock) gives the shortest decimals (9 ticks → 0.009, where 9 * 0.001 is 0.009000000000000001).
 */
function secondsConverter(unit: number): (ticks: number) => number {
  const perSecond = mathRound(1 / unit);
  if (perSecond >= 1 && mathAbs(perSecond * unit - 1) < 1e-12) return (ticks) => ticks / perSecond;
  return (ticks) => ticks * unit;
}
