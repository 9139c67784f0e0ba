// The recorder: turns enter/exit/suspend/resume probes into cProfile's numbers plus a calling-context tree.
//
// Synchronous rules (CPython Modules/_lsprof.c, initContext()/Stop()):
// - enter: calls += 1 for the function, the caller→callee edge and the tree node; the call is
//   primitive when the function's recursion level was 0 (edge: when the pair's level was 0).
//   Calls are counted at entry, so frames still open when the profile is taken are counted.
// - a frame's time tt runs from entry to exit; its self time is tt minus the tt of the frames
//   it called (`subt`, charged by each child to the frame physically below it).
// - function totalTime += tt only when its recursion level returns to 0 (outermost activation);
//   edge totalTime += tt only when the pair's level returns to 0.
//
// Async functions and generators (README, "What you get"; cProfile gets these wrong, cpython#115218):
// - one call per invocation, counted at the first `enter`, never at a resume;
// - suspend(token) takes the frame off the stack: its slice ends as an exit would end it
//   (self time; total time if outermost; function and edge levels decremented);
// - resume(token) puts it back on top: levels incremented, a new slice starts; a no-op when the
//   frame is already active or finished. Time suspended counts for nobody;
// - a resumed `async` frame runs under its logical caller: the edge and tree node chosen when
//   it was invoked;
// - a resumed `generator` frame runs under whoever is on top of the stack now (the code calling
//   next()): edge and tree node of the current top, created with calls = 0 if new. With nothing
//   on the stack it runs at the root;
// - a resumed `async-generator` frame runs like a generator; when resumed with nothing on the
//   stack (from the microtask queue after an `await`) it continues under its previous slice's
//   edge and tree node;
// - `for await (x of gen())`: the protocol suspends the consumer in the loop head and at the end of
//   each body, just before the loop calls next(), with a marker (suspend's third argument,
//   FOR_AWAIT_MARKER) that no other suspension has: the value says nothing (an `await x` of an
//   async generator object, a bare `yield`, are no loop). So when a generator, async or not (a
//   sync iterable is iterated through an async-from-sync iterator), enters or resumes right after
//   such a suspension (no probe in between), it runs under that suspended consumer, not under
//   whatever is below it; after the head only when the head's value may be iterated by one
//   (mayDriveGenerator(): not an array's loop, which runs nothing instrumented before its function
//   goes back to its caller, whose generator that is);
// - the plain calls the machinery of a `for await` loop or of a `yield*` makes right after such a
//   suspension or delegation run under the suspended frame too: the iterable's
//   `[Symbol.asyncIterator]()` or `[Symbol.iterator]()`, then (the window opening again once that
//   has returned) the iterator's `next()` (for a loop, an `async next()` as well). No probe marks the
//   moment the suspended frame's function has gone back to its caller, whose calls come next just
//   the same, so these are told by their names only (takeCallDriver()); a call named otherwise ends
//   the window and runs under the top of the stack. The later next() calls of a `yield*` of a plain
//   iterator, made by the delegator's own next() with no probe of it, run under that next()'s caller;
// - `yield* inner` signalled by delegate(token, inner) (instead of suspend): what the engine
//   does is each outer.next() running outer's yield*, which runs inner. So the delegator stays
//   on the stack while the inner generator's first step runs (when inner is a generator object
//   and its entry is the next probe event; any other next event takes the delegator off at that
//   event's reading, as does a delegation to another iterable), leaves when the inner yields,
//   and comes back on the stack before each later resume of the inner while the delegation
//   lasts; each of those moves reads the clock on its own, as cProfile's separate events for
//   the outer and the inner generator do. The delegation ends when the inner exits: a generator
//   delegator keeps running its own code; an async generator's yield* awaits the inner's last
//   result, so it leaves the stack then (its own delegators too), its code running on at its resume;
// - async kinds also accumulate asyncWallTime: invocation to settle (the final exit);
// - exit(token) on a suspended frame closes it as resume+exit at the same instant would (no
//   time, levels unchanged); exit(token) of a frame below the top closes the frames above it
//   first (self-healing: abandoned generators, exceptions through uninstrumented code); suspend
//   heals the same way;
// - tokens name one frame, so a stale token (or one from another recorder) never closes a wrong
//   frame: a plain function's token is a negative serial number (the recorder's tag picks where
//   its serials start; see SERIAL_MASK); an async function's or generator's is its slot index, the recorder tag and
//   the slot's generation in one positive number.
//
// Layout (the hot path): the numbers per function and per edge are not counted call by call.
// Where the frames on the stack are exactly the path of tree nodes from the root to the top
// frame's node ("aligned" frames: every synchronous call, and any slice placed under the frame
// below it), a function's recursion level is the number of its ancestors in the tree, so a
// slice only adds to its own node (calls, total) and the function and edge numbers are
// derived from the tree when a profile is taken (collect()): a node's self time is its total
// less its children's totals and its direct callees' time (every aligned slice runs inside its
// parent node's), calls and self time are summed over the nodes of the function (edge),
// primitive calls and total time over its outermost nodes, those without an ancestor of the
// same function (edge). So a plain call's enter and exit touch the stack and one node: no
// allocation, no hashing, no per-function counters, nothing in the caller's record, and no
// count of clock readings (compensation is derived from the tree too, see `readings`). A plain
// frame lives only in its stack record (token, node, slice start: one cache line).
//
// Slices that are not aligned (an async function resumed from the microtask queue under its
// logical caller, calls past the node cap, which have no node of their own, and everything they
// call) are "direct": they count as before into per-function and per-edge counters with
// recursion levels, and into a second set of node counters that only the exported tree reads.
// Direct frames are always above the aligned ones (a frame is aligned only over an aligned
// frame), and when the first direct frame is pushed, the levels of the aligned frames below it
// are added to the level counters ("materialized") and taken out again when those frames leave.
// Async functions and generators, which outlive their slices, also own a slot that keeps what a
// suspended frame needs (invocation, logical caller, delegation).
//
// Bounds: at most `maxDepth` frames on the stack and `maxFrames` live async/generator frames
// (enter returns 0 past them: the call goes uncounted, its time to its caller; `droppedCalls`
// counts such calls). Generators dropped while
// suspended never exit and would hold their frames forever: when the frames run out, the
// suspended generator frames are closed (as at a snapshot) to make room; should one of them
// resume after all, its later slices go to its caller. At most `maxTreeNodes` tree nodes
// (past the cap a call is aggregated into its nearest recorded ancestor: self time there, no
// calls; `droppedTreeNodes` counts those calls). Disabling closes every open frame (like
// cProfile's flush_unmatched); their later probes are no-ops. Pausing for another session does
// not: the frames stay open and their own probes still reach this recorder (ownsToken()).
import type { Clock } from "./clock";
import { PairTable } from "./pair-table";
import { isDelegableIterator, mayDriveGenerator } from "./iterable-kinds";
import * as probeTypes from "./probe-types";
import { copyTyped, growFloat64, growInt32, isTypedArrayView, mathMax, mathMin, numberIsFinite, objectKeys } from "./safe-builtins";

/** Kind codes of the registered functions, by global function id (read, never written, by the recorder). */
export interface KindTable {
  readonly kinds: Uint8Array;
  /**
   * The registered functions by global id, for their names (iterationRole(): a call in a `for await`
   * or `yield*` window is the iterator's only when it is named as the iteration's methods are).
   * Without it, plain calls never run under a suspended loop or delegator.
   */
  readonly functions?: ArrayLike<{ readonly name: string } | undefined>;
}

export interface RecorderOptions {
  /**
   * Call-tree node cap (default 1,000,000: 40 bytes of typed arrays a node (a 32-byte record, its
   * edge and the id of its extra record), 40 MB; on the tsc bench the whole recorder stays under
   * 64 MB above the plain compiler).
   */
  maxTreeNodes?: number | undefined;
  /** Stack depth cap (default 100,000). */
  maxDepth?: number | undefined;
  /** Live async/generator frame cap, active + suspended (default and maximum 2^21). */
  maxFrames?: number | undefined;
}

/** What a recording session tells its recorder beyond the Profile API's options. */
export interface SessionRecorderOptions extends RecorderOptions {
  /**
   * [0]: the seconds of tsprof's own work done so far on another thread while this one went on (`tsprof run`'s
   * module hooks compiling an ES module for an import(), in shared memory), which async wall times leave out:
   * an async frame's wall time is its settle less the count then, less its invocation less the count then.
   * Only for a clock that measures seconds (not a tick clock).
   */
  offClockSeconds?: Float64Array;
}

/**
 * Math.imul and Math.floor as they were at load: the probe paths (the pair cache's hash past the
 * node cap, slotOf() for async and generator tokens) and edgeOfPair() at exit must not call a
 * program's replacement, which, instrumented, would re-enter the recorder mid-update. TurboFan
 * inlines a captured builtin as it does `Math.imul` itself (a loop of 2e8 hashes: 0.794 against
 * 0.796 ns each).
 */
const imul = Math.imul;
const floor = Math.floor;

const SLOT_RANGE = 0x200000; // 2^21 slots
const TAG_RANGE = 16; // recorder tags 1..15
const LOW_RANGE = SLOT_RANGE * TAG_RANGE; // 2^25
const GENERATION_MASK = 0x7ffffff; // generations wrap at 2^27: token < 2^52, exact in a double
/**
 * A plain function's token is −1 − serial, serials counting up from tag·2^26 and wrapping at
 * 2^30: small integers (V8 Smis), so handing tokens out never allocates. A stale token can only
 * match a live frame after 2^30 calls, at the moment that frame's serial comes round again.
 */
const SERIAL_MASK = 0x3fffffff;
const SERIAL_TAG_SPACING = 0x4000000; // 2^26

const FREE = 0;
const ACTIVE = 1;
const SUSPENDED = 2;

const ROOT_NODE = 0;

// Constants the hot paths use are module-local: TypeScript's CommonJS output reads an exported
// or imported constant as a property of a module object at every use, which V8 does not fold
// (each costs a load, a Smi check and an overflow-checked multiply); a local `const` it does.
const SITE_KIND_FUNCTION = probeTypes.SITE_KIND_FUNCTION;
const SITE_KIND_ASYNC = probeTypes.SITE_KIND_ASYNC;
const SITE_KIND_GENERATOR = probeTypes.SITE_KIND_GENERATOR;
const SITE_KIND_ASYNC_GENERATOR = probeTypes.SITE_KIND_ASYNC_GENERATOR;

/** Layout of CollectedStats.nodeStats. */
const NODE_STRIDE = 3;
const NODE_CALLS = 0;
const NODE_SELF = 1;
const NODE_TOTAL = 2;
/**
 * A tree node is one 32-byte record in one buffer with two views (Recorder.nodeStats, doubles, and
 * Recorder.nodeLinks, ints), everything the aligned fast paths touch: its calls and total ticks
 * (doubles 0, 1; collect() derives the self times), then its parent, function, first child and
 * next sibling (ints 4-7; 0: none, the root being nobody's child). A call finds its callee among
 * its caller's children from the caller's record, which its own entry touched, and counts in the
 * child's: two lines of memory, where a parent's record, a block of child entries and the child's
 * numbers in three arrays took three, and 32 bytes a node against about 54.
 */
const ALIGNED_STRIDE = 4;
const ALIGNED_CALLS = 0;
const ALIGNED_TOTAL = 1;
/**
 * Layout of an extra record (Recorder.extraRecords), what only the slow paths and the direct path
 * touch, for the few nodes they reach: a node gets one the first time it needs it (extraAt();
 * Recorder.nodeExtraIds), so a tree whose calls all take the aligned fast paths has none, and a
 * node costs 40 bytes (its record, its edge, the id of its extra record), not 76 with these numbers
 * in arrays beside every node: on tsc checking packages/format, 649 of the 400,000 nodes had any.
 * - EXTRA_DIRECT_CALLEES: the time of the node's direct callees (calls past the node cap):
 *   collect() derives the self time as the total less the children's totals and that;
 * - EXTRA_READINGS: the clock readings taken while the node's frame was the topmost aligned one,
 *   beyond the two that collect() counts for every aligned call (one at its entry for its parent,
 *   one at its exit for itself), which the fast paths take without counting: see `readings` and
 *   collect(). Can be negative;
 * - EXTRA_DIRECT_CALLS, _SELF, _TOTAL: the node's numbers from direct slices (past the cap: the self
 *   time of the calls aggregated into it).
 * Kept apart from nodeStats because the tree's first touch of memory is most of what building
 * it costs: on acorn parsing @babel/parser (387,000 nodes) the pages of the tree's arrays, written
 * before the parse, took 12,000 page faults and about 70 ms out of it (bench/README).
 */
const EXTRA_STRIDE = 8;
const EXTRA_DIRECT_CALLEES = 0;
const EXTRA_READINGS = 1;
const EXTRA_DIRECT_CALLS = 2;
const EXTRA_DIRECT_SELF = 3;
const EXTRA_DIRECT_TOTAL = 4;

/** Layout of Recorder.nodeLinks, the ints of the node records (see ALIGNED_STRIDE). */
const LINK_STRIDE = ALIGNED_STRIDE * 2;
const LINK_PARENT = 4;
const LINK_FN = 5;
const LINK_FIRST_CHILD = 6;
const LINK_NEXT_SIBLING = 7;
export { NODE_STRIDE, NODE_CALLS, NODE_SELF, NODE_TOTAL, LINK_STRIDE, LINK_PARENT, LINK_FN, LINK_FIRST_CHILD, LINK_NEXT_SIBLING };
/**
 * findChild() scans this many of a parent's children; a parent with more has the others in the
 * wide index (Recorder.wideBuckets). Few parents have more (a dispatcher, a router, an
 * interpreter's switch over handlers), so the common case keeps its scan of siblings in the cache.
 */
const WIDE_SCAN = 8;
/** Entries (EDGE_CACHE_STRIDE ints each) of the edge cache of calls past the node cap. */
const EDGE_CACHE_SIZE = 4096;
const EDGE_CACHE_STRIDE = 4;
/** Layout of a stack frame (Recorder.frameDoubles and frameInts, two views of one buffer): FRAME_BYTES bytes a frame. */
const FRAME_BYTES = 64;
const FRAME_DOUBLES = FRAME_BYTES / 8;
const FRAME_INTS = FRAME_BYTES / 4;
const FRAME_TOKEN = 0;
const FRAME_START = 1;
const FRAME_CHILD_TIME = 2;
const FRAME_NODE = 6; // ints from byte 24 on
const FRAME_SLOT = 7;
const FRAME_FN = 8;
const FRAME_EDGE = 9;
const FRAME_OWNS_NODE = 10;
/** The recorder's reading count at the slice's start (a double, bytes 56-63): a direct slice's compensation (see `readings`). */
const FRAME_READINGS = 7;
/** The slot of a plain function's frame: it has no slot. */
const NO_SLOT = -1;
/** Layout of an async function's or generator's slot record (Recorder.slotDoubles, slotInts, slotBytes: three views of one buffer): SLOT_BYTES bytes a slot. */
const SLOT_BYTES = 64;
const SLOT_DOUBLES = SLOT_BYTES / 8;
const SLOT_INTS = SLOT_BYTES / 4;
const SLOT_TOKEN = 0;
const SLOT_INVOKED = 1;
const SLOT_FN = 4; // ints from byte 16 on
const SLOT_GENERATION = 5;
const SLOT_EDGE = 6;
const SLOT_NODE = 7;
const SLOT_INVOKED_EDGE = 8;
const SLOT_INVOKED_NODE = 9;
const SLOT_DELEGATOR_SLOT = 10;
const SLOT_DELEGATOR_GENERATION = 11;
const SLOT_STATE = 48; // bytes from byte 48 on
const SLOT_OWNS_NODE = 49;
const SLOT_INVOKED_OWNS_NODE = 50;
const SLOT_DELEGATING = 51;
const SLOT_AUTO_RESUMED = 52;

// Per function (global id), one record of FN_STRIDE doubles (64 bytes) at fn·FN_STRIDE: a call
// past the node cap touches one line of the function's numbers, not the six arrays of before.
const FN_STRIDE = 8;
const FN_CALLS = 0;
const FN_PRIMITIVE_CALLS = 1;
const FN_SELF = 2;
const FN_TOTAL = 3;
/** Recursion level: direct frames and materialized aligned frames of the function on the stack. */
const FN_LEVEL = 4;
const FN_ASYNC_WALL = 5;
/**
 * Ints 12-15 of the record (doubles 6-7, through fnInts): the function's two latest callers past
 * the node cap (caller function + 1; 0: none), each with that edge, the latest first.
 */
const FN_INTS = FN_STRIDE * 2;
const FN_CALLER_WAYS = 12;

// Per caller→callee edge, one record of EDGE_STRIDE doubles at edge·EDGE_STRIDE.
const EDGE_STRIDE = 8;
const EDGE_CALLS = 0;
const EDGE_PRIMITIVE_CALLS = 1;
const EDGE_SELF = 2;
const EDGE_TOTAL = 3;
const EDGE_LEVEL = 4;

const EMPTY_FLOAT64 = new Float64Array(0);
const EMPTY_INT32 = new Int32Array(0);

const EVENT_TIME = 0;
const SLICE_TIME = 1;
const READINGS_SO_FAR = 0;
const READING_BIAS = 1;

/** The per-function, per-edge and per-node numbers of a recorder, as the profile reports them (Recorder.collect()). */
export interface CollectedStats {
  /** Per function (global id): calls, primitive calls, self/total ticks, async wall ticks. */
  fnCalls: Float64Array;
  fnPrimitiveCalls: Float64Array;
  fnSelf: Float64Array;
  fnTotal: Float64Array;
  fnAsyncWall: Float64Array;
  /** Per edge (ids of Recorder.edges). */
  edgeCalls: Float64Array;
  edgePrimitiveCalls: Float64Array;
  edgeSelf: Float64Array;
  edgeTotal: Float64Array;
  /** Per tree node, NODE_STRIDE numbers each (NODE_CALLS, NODE_SELF, NODE_TOTAL). */
  nodeStats: Float64Array;
}

/**
 * The third argument of `suspend(token, value, 1)`: the transforms mark the two suspensions of a `for
 * await` loop with it (the head, and the end of each body), after which the loop's machinery calls the
 * iterator's next() (the head: first its [Symbol.asyncIterator] or [Symbol.iterator] method). A number,
 * compared with ===: a handle from an older copy of the runtime passes a boolean there.
 */
export const FOR_AWAIT_MARKER = 1;
/** The latest suspension was an ordinary await or yield: it drives nothing. */
const ORDINARY: unique symbol = Symbol("ordinary");
/**
 * The latest suspension was one of a `for await` loop's (FOR_AWAIT_MARKER): at the end of its body, or
 * in its head with a value a generator may iterate (mayDriveGenerator()), whose step the loop runs next.
 */
const FOR_AWAIT: unique symbol = Symbol("for await");
/**
 * The head of a `for await` loop over anything else (an array, a Map, a sync iterable class): the loop's
 * first calls are the iterable's own methods, if instrumented (takeCallDriver()); no generator runs
 * directly, so one that starts next is the caller's (`consume(); gen().next()` when consume's loop is
 * over an array). Once an instrumented [Symbol.asyncIterator]() has returned (it may have made a
 * generator), the reopened window is FOR_AWAIT.
 */
const FOR_AWAIT_HEAD: unique symbol = Symbol("for await head");
/** iterationRole(): a function named `[Symbol.asyncIterator]` or `[Symbol.iterator]`, or `next`. */
const ITERATOR_METHOD = 1;
const NEXT_METHOD = 2;
/** The latest suspension was a delegate(token, inner): a `yield*`. */
const DELEGATION: unique symbol = Symbol("delegation");
/**
 * The latest event was a delegate(token, generatorObject): the delegator is still on the stack
 * (no clock reading yet), because the engine runs the inner generator's first step inside the
 * `yield*`. If the inner's first entry (or resumption) is the next event, the delegator simply
 * stays; any other next event settles it: the delegator leaves at that event's reading.
 */
const PENDING_DELEGATION: unique symbol = Symbol("pending delegation");

export class Recorder {
  readonly clock: Clock;
  /**
   * The clock the probe events read: `clock`, or for a compensated clock (compensation.ts) its raw
   * clock, the recorder taking the bias out itself.
   */
  private readonly source: Clock;
  /**
   * [READINGS_SO_FAR] the clock readings of the probe events so far, but for those of the aligned
   * fast paths (an aligned call's entry and exit in enter() and exit()); [READING_BIAS] the ticks
   * of probe work per reading (a compensated clock's bias, else 0). A slice loses one bias per
   * reading after its start up to its end, as in cProfile, where every event's timer reading is
   * biased: so a call's own two readings and each of its callees' are taken out of the times that
   * contain them.
   * - A direct slice counts its readings here: the count at its end less the count at its start.
   *   No aligned fast path runs while a direct frame is on the stack (an aligned frame's caller is
   *   aligned), so none of its readings goes uncounted.
   * - An aligned slice's readings are counted in the tree instead, and collect() takes them out of
   *   its node's total: the readings within a node's slices are those taken while the topmost
   *   aligned frame is at that node or below it (the aligned frames are the bottom of the stack,
   *   along a path of the tree). Each aligned call accounts for two (ALIGNED_CALLS: its entry, under
   *   its parent; its exit, its own); every other reading taken with an aligned frame on top
   *   counts at that frame's node (EXTRA_READINGS; readClock()), those under a direct frame at the
   *   node of the aligned frame below the direct ones when the lowest of them ends, and where an
   *   aligned call's entry or exit is not a fast path's, its node's count is corrected.
   * So the aligned fast paths, most calls, touch no count, and a node's time loses the biases of
   * all its slices at once, floored at 0 for the node (it was for each slice: fib(30), 2.7M calls,
   * main-thread CPU 0.260 -> 0.251 s, the naive probe 0.248 s, medians of 11).
   */
  private readonly readings = new Float64Array(2);
  private readonly kindTable: KindTable;
  /** Picks the token ranges (see SERIAL_MASK, slotOf()); changed only while no frame is open (retag()). */
  tag: number;
  readonly maxTreeNodes: number;
  readonly maxDepth: number;
  readonly maxFrames: number;

  /**
   * Per function (global id), the record at fn·FN_STRIDE (FN_*): direct slices only: calls,
   * primitive calls, self/total ticks; async wall ticks (all frames); recursion level (direct
   * frames and materialized aligned frames); its two latest callers past the node cap and those edges.
   */
  fnRecords = new Float64Array(64 * FN_STRIDE);
  /** The same buffer as ints (FN_CALLER_WAYS). */
  private fnInts = new Int32Array(this.fnRecords.buffer);

  // Per caller→callee edge (id from `edges`), direct slices only: the record at edge·EDGE_STRIDE (EDGE_*).
  edges = new PairTable(256);
  /** Recently looked-up edges: caller + 1, callee, edge id (EDGE_CACHE_STRIDE ints each; caller 0: empty). */
  private edgeCache = new Int32Array(EDGE_CACHE_SIZE * EDGE_CACHE_STRIDE);
  edgeRecords = new Float64Array(256 * EDGE_STRIDE);

  // Call-tree nodes, ids 0 (the root), 1, 2, ... in creation order, so a parent precedes its children.
  nodeCount = 1;
  /** Calls and total ticks of the aligned slices of node n at n·ALIGNED_STRIDE + ALIGNED_CALLS/TOTAL: the doubles of the node records. */
  nodeStats = new Float64Array(256 * ALIGNED_STRIDE);
  /** Parent, function, first child and next sibling of node n at n·LINK_STRIDE + LINK_*: the ints of the same records. */
  nodeLinks = new Int32Array(this.nodeStats.buffer);
  /**
   * The caller→callee edge of node n + 1 (0: not looked up yet; the edge of a node under the root
   * is -1), filled on first use (nodeEdge()): the fast paths never need it.
   */
  private nodeEdges: Int32Array = EMPTY_INT32;
  /** Node n's extra record + 1 (0: none yet; see EXTRA_STRIDE), allocated on first use (extraAt()). */
  private nodeExtraIds: Int32Array = EMPTY_INT32;
  /** The extra records, EXTRA_STRIDE numbers each (EXTRA_*), in the order the nodes needed them. */
  private extraRecords: Float64Array = EMPTY_FLOAT64;
  private extraCount = 0;
  droppedTreeNodes = 0;
  /**
   * Calls not recorded at all: made past the depth cap (maxDepth, TSPROF_MAX_DEPTH) or, for an
   * async function or generator, with every live frame taken (maxFrames). Their time is their
   * caller's; they are in no count, so the profile says how many there were (meta.droppedCalls).
   */
  droppedCalls = 0;
  /** Suspended generator frames closed early because the live frames ran out. */
  reclaimedFrames = 0;

  // The stack of active frames, bottom first: one slice each, in one 64-byte record (a cache line)
  // of two views of one buffer, so a call touches two arrays, not ten. Every frame: token, slice
  // start (doubles); node (an aligned frame's node, >= 0; a direct frame's node n as ~n, < 0),
  // slot (valid when its token is > 0) (ints). Direct frames also: the reading count at their
  // start (compensation; the aligned fast path does not store it), their callees' time (an
  // aligned frame's go to its node, EXTRA_DIRECT_CALLEES), function, edge, and whether the node
  // is the frame's own (not past the cap).
  private frameDoubles = new Float64Array(0);
  private frameInts = new Int32Array(0);
  depth = 0;
  /** enter()'s hot path runs below this depth: min(maxDepth, stack capacity, maxDepthSeen), so it never grows the stack or sets a new high-water mark. */
  private fastDepthLimit = 0;
  /** The aligned frames below this stack index have their recursion levels in the function and edge records. */
  private materialized = 0;
  maxDepthSeen = 0;
  /** Serial of the latest plain-function frame. */
  private serial: number;

  // Async and generator frames, by slot: what outlives a slice, in one SLOT_BYTES record a slot
  // (three views of one buffer, see SLOT_*), so an event touches one line of memory, not fifteen
  // arrays: the token the frame's enter() handed out, its invocation time (async wall time) and
  // function; its generation; the placement of its latest slice (edge, tree node, whether it owns
  // that node) and of its invocation; for yield*, the delegating frame (slot, generation; -1: none)
  // of a frame, whether a frame is delegating now, and whether it is on the stack only because
  // its inner runs.
  private slotDoubles = new Float64Array(64 * SLOT_DOUBLES);
  private slotInts = new Int32Array(this.slotDoubles.buffer);
  private slotBytes = new Uint8Array(this.slotDoubles.buffer);
  private slotCount = 0; // high-water mark
  private freeSlots = new Int32Array(64);
  private freeCount = 0;

  /** The frame whose suspend was the latest probe event (else -1), and what kind of suspension it was. */
  private lastSuspended = -1;
  private lastSuspendedValue: unknown = undefined;
  /**
   * A plain `[Symbol.asyncIterator]()` (or `[Symbol.iterator]()`) call that a `for await` head or a
   * `yield*` ran under its suspended driver, at this stack index (-1: none), with that driver and
   * window kind: the loop's first next() comes once it has returned, so the window opens again for the
   * first event at that index (reopenWindow()). Meanwhile fastDepthLimit is 0, so that entry takes
   * the slow path.
   */
  private reopenDepth = -1;
  private reopenDriver = -1;
  private reopenKind: unknown = undefined;

  // Where the placement of a new slice put it: edge (-1: none), tree node, whether the slice owns
  // it, and whether it is aligned (settlePlacement()).
  private placedEdge = -1;
  private placedNode = 0;
  private placedOwnsNode = 1;
  private placedAligned = true;

  /**
   * The clock reading of the current event, for the helpers that act at it (push(),
   * endDirectSlice(), endSlice(), closeAbove(), finish(), resumeSlot(), settlePendingDelegation()):
   * V8 does not always inline them into the event's method, and a double passed to a call it did
   * not inline is boxed in a fresh heap number (on acorn parsing typescript.js, 300 MB of them,
   * one per direct exit).
   */
  private readonly eventTime = new Float64Array(2);
  /** SessionRecorderOptions.offClockSeconds, and the source clock's ticks per second to scale it by. */
  private readonly offClock: Float64Array | undefined;
  private readonly offClockScale: number;

  /**
   * The wide index: the children after the first WIDE_SCAN of every parent with more
   * (findChild()), open addressing on parent and function, at most half full: node + 1 for a
   * child, −(node + 1) for a parent's last child (keyed on the parent and −1, so that a new child
   * is appended without walking the list). Each entry is checked against the node's own record,
   * so the index holds no keys. Empty until some parent has that many children; 8 to 16 bytes a
   * child in it, at most 16 MB for a tree of 1M nodes all in wide lists. Declared last, after the
   * fields the fast paths use.
   */
  private wideBuckets: Int32Array = EMPTY_INT32;
  private wideCount = 0;

  constructor(clock: Clock, kindTable: KindTable, tag: number, options: SessionRecorderOptions = {}) {
    this.clock = clock;
    const compensated = clock as { raw?: Clock; bias?: unknown };
    if (typeof compensated.bias === "number" && typeof compensated.raw === "object" && compensated.raw !== null && typeof compensated.raw.now === "function") {
      this.source = compensated.raw;
      this.readings[READING_BIAS] = numberIsFinite(compensated.bias) && compensated.bias > 0 ? compensated.bias : 0;
    } else this.source = clock;
    this.kindTable = kindTable;
    this.offClock = options.offClockSeconds instanceof Float64Array ? options.offClockSeconds : undefined;
    this.offClockScale = 1 / this.source.unit;
    this.tag = tag;
    this.serial = (tag * SERIAL_TAG_SPACING) & SERIAL_MASK;
    this.maxTreeNodes = mathMax(1, options.maxTreeNodes ?? 1_000_000);
    this.maxDepth = mathMax(1, options.maxDepth ?? 100_000);
    this.maxFrames = mathMin(SLOT_RANGE, mathMax(1, options.maxFrames ?? SLOT_RANGE));
    this.nodeLinks[ROOT_NODE * LINK_STRIDE + LINK_PARENT] = -1;
    this.nodeLinks[ROOT_NODE * LINK_STRIDE + LINK_FN] = -1;
    this.growStack(64);
  }

  // enter() and exit() are each one method that handles every case, so that their bytecode is
  // over V8's inlining limit (max_inlined_bytecode_size, 460 bytes; recorder-inlining.test.ts
  // checks): inlined into the probe, and with it into every instrumented function, they would
  // use up those functions' own inlining budget. One call per probe is cheaper than that:
  // acorn parsing @babel/parser in count mode took 0.70 s out of line against 0.79 s inlined
  // (median of 15, plain 0.28 s). fib, whose calls do nothing else, pays about 20 ns a call.

  // In enter() and exit(), an index is written `(i * STRIDE + FIELD) | 0`: the truncation lets V8
  // compute it in 32 bits without the overflow checks (two a product and sum) it adds otherwise,
  // which it cannot prove away. Indices are small non-negative integers, which `| 0` leaves as
  // they are. acorn parsing typescript.js: main-thread CPU 6.52 -> 6.43 s (medians of 5; the
  // naive probe 5.94 s); fib(30) 0.241 -> 0.237 s (15; the naive probe 0.237 s).
  /** A call of `fn` starts. Returns its token, or 0 when past a cap. */
  enter(fn: number): number {
    const depth = this.depth;
    if (depth < this.fastDepthLimit && this.lastSuspended < 0 && this.kindTable.kinds[fn] === SITE_KIND_FUNCTION) {
      // The hot path: a plain function called by an aligned frame, with room on the stack below
      // its high-water mark, outside any window a suspension opened.
      const parent = depth > 0 ? this.frameInts[((depth - 1) * FRAME_INTS + FRAME_NODE) | 0] : ROOT_NODE;
      // Called by an aligned frame (parent >= 0), or by a frame past the node cap (most calls of
      // a program whose tree outgrew the cap; a direct frame with a node of its own takes the
      // slow path). Both read the clock at one call site: V8 inlines the clock only at the call
      // sites that had run when it optimized enter(), and a clock left out of line returns its
      // reading as a fresh heap number, an allocation per call.
      if (parent >= 0 || this.frameInts[((depth - 1) * FRAME_INTS + FRAME_OWNS_NODE) | 0] !== 1) {
        let node = -1;
        let edge = -1;
        if (parent >= 0) {
          // The parent's first two children inline (a loop's or a recursion's only callee, or one
          // of two), else the scan: the parent's record, which its entry touched, then the child's.
          const links = this.nodeLinks;
          node = links[(parent * LINK_STRIDE + LINK_FIRST_CHILD) | 0];
          if (node === 0 || links[(node * LINK_STRIDE + LINK_FN) | 0] !== fn) {
            const second = node === 0 ? 0 : links[(node * LINK_STRIDE + LINK_NEXT_SIBLING) | 0];
            node = second !== 0 && links[(second * LINK_STRIDE + LINK_FN) | 0] === fn ? second : this.findChild(parent, fn);
            // Past the node cap: the edge now, before the clock (the call has no node to hold it).
            if (node < 0 && parent !== ROOT_NODE) edge = this.edgeOfCallerWithoutNode(depth - 1, fn);
          }
        } else {
          // Under a frame past the cap (direct, FRAME_FN set): the edge from the callee's two
          // latest callers, then from the direct-mapped cache of pairs, inline
          // (edgeOfCallerWithoutNode() is a call in exact mode); the edge table only behind both.
          // On tsc checking packages/format (45.2M calls past the cap), the latest caller alone
          // missed 8.6M times, two ways 4.2M, and each miss was a call: main-thread CPU
          // 8.16 s -> 7.86 s with the second way, 7.76 s with the pair cache inline too (medians
          // of 5, runs spread over 0.4 s).
          const callerFn = this.frameInts[((depth - 1) * FRAME_INTS + FRAME_FN) | 0];
          const at = (fn * FN_STRIDE) | 0;
          if (at >= this.fnRecords.length) this.growFunctions(fn + 1);
          const ways = (fn * FN_INTS + FN_CALLER_WAYS) | 0;
          if (this.fnInts[ways] === callerFn + 1) edge = this.fnInts[(ways + 1) | 0];
          else {
            // The other way, then the direct-mapped cache, then the table: edgeMissedByCallee()
            // without the call, whatever answers becoming the latest caller.
            if (this.fnInts[(ways + 2) | 0] === callerFn + 1) edge = this.fnInts[(ways + 3) | 0];
            else {
              const cached = ((imul(callerFn, 0x9e3779b1) ^ fn) & (EDGE_CACHE_SIZE - 1)) * EDGE_CACHE_STRIDE;
              edge = this.edgeCache[cached] === callerFn + 1 && this.edgeCache[(cached + 1) | 0] === fn ? this.edgeCache[(cached + 2) | 0] : this.edgeOfPair(callerFn, fn);
            }
            this.fnInts[(ways + 2) | 0] = this.fnInts[ways];
            this.fnInts[(ways + 3) | 0] = this.fnInts[(ways + 1) | 0];
            this.fnInts[ways] = callerFn + 1;
            this.fnInts[(ways + 1) | 0] = edge;
          }
        }
        const now = this.source.now();
        const token = this.nextPlainToken();
        if (node >= 0) {
          // An aligned call: its entry's reading is one of the two that collect() counts for it.
          this.nodeStats[(node * ALIGNED_STRIDE + ALIGNED_CALLS) | 0]++;
          this.frameDoubles[(depth * FRAME_DOUBLES + FRAME_TOKEN) | 0] = token;
          this.frameInts[(depth * FRAME_INTS + FRAME_NODE) | 0] = node;
          this.frameDoubles[(depth * FRAME_DOUBLES + FRAME_START) | 0] = now;
          this.depth = depth + 1;
          return token;
        }
        const readings = this.readings[READINGS_SO_FAR] + 1;
        this.readings[READINGS_SO_FAR] = readings;
        this.droppedTreeNodes++;
        if (parent >= 0) {
          // This reading, under the aligned caller, counts for the caller's node (see readings).
          this.countReadings(parent, 1);
          // Past the node cap under an aligned frame: the call aggregates into its caller's node,
          // a direct frame (placeUnderTop() without a second lookup).
          this.placedEdge = edge;
          this.placedNode = parent;
          this.placedOwnsNode = 0;
          this.settlePlacement(depth);
          this.recordCall(fn);
          this.eventTime[EVENT_TIME] = now;
          this.push(token, fn, NO_SLOT);
          return token;
        }
        // Under a frame past the cap: direct, aggregated into its caller's node (placeUnderTop(),
        // recordCall() and push() inlined; no materializing: the caller is direct already).
        const fnAt = (fn * FN_STRIDE) | 0;
        this.fnRecords[(fnAt + FN_CALLS) | 0]++;
        if (this.fnRecords[(fnAt + FN_LEVEL) | 0]++ === 0) this.fnRecords[(fnAt + FN_PRIMITIVE_CALLS) | 0]++;
        const edgeAt = (edge * EDGE_STRIDE) | 0;
        this.edgeRecords[(edgeAt + EDGE_CALLS) | 0]++;
        if (this.edgeRecords[(edgeAt + EDGE_LEVEL) | 0]++ === 0) this.edgeRecords[(edgeAt + EDGE_PRIMITIVE_CALLS) | 0]++;
        this.frameDoubles[(depth * FRAME_DOUBLES + FRAME_TOKEN) | 0] = token;
        this.frameInts[(depth * FRAME_INTS + FRAME_NODE) | 0] = parent; // the caller's node, already ~node
        this.frameInts[(depth * FRAME_INTS + FRAME_FN) | 0] = fn;
        this.frameInts[(depth * FRAME_INTS + FRAME_EDGE) | 0] = edge;
        this.frameInts[(depth * FRAME_INTS + FRAME_OWNS_NODE) | 0] = 0;
        this.frameDoubles[(depth * FRAME_DOUBLES + FRAME_START) | 0] = now;
        this.frameDoubles[(depth * FRAME_DOUBLES + FRAME_CHILD_TIME) | 0] = 0;
        this.frameDoubles[(depth * FRAME_DOUBLES + FRAME_READINGS) | 0] = readings;
        this.depth = depth + 1;
        return token;
      }
    }
    // Any other call: an async function or generator, a new high-water mark, a call past the
    // node cap or from a direct frame, or right after a suspension.
    if (this.kindTable.kinds[fn] !== SITE_KIND_FUNCTION) return this.enterSlotFrame(fn);
    // (A call above a pending reopen is the iterator method's own callee: the window waits.)
    if (this.reopenDepth >= this.depth) this.reopenWindow();
    if (this.depth >= this.maxDepth) {
      this.droppedCalls++;
      return 0;
    }
    this.readClock();
    // (Settling a pending delegation here takes its delegator off the stack first.)
    const driver = this.lastSuspended >= 0 ? this.takeCallDriver(fn) : -1;
    const token = this.nextPlainToken();
    const at = this.depth;
    if (driver >= 0) this.placeUnderSlot(fn, driver, true);
    else this.placeUnderTop(fn, at);
    this.settlePlacement(at);
    this.recordCall(fn);
    this.push(token, fn, NO_SLOT);
    return token;
  }

  /**
   * Reads the clock into eventTime[0], where the event's helpers find it. Off the two fast paths
   * V8 may leave the clock, and the helpers, out of line, and a double returned from such a call
   * or passed to one is boxed in a fresh heap number: 17 MB on 20,000 await chains before.
   */
  private readClock(): void {
    this.eventTime[EVENT_TIME] = this.source.now();
    this.readings[READINGS_SO_FAR]++;
    // Taken with an aligned frame on top: within the slices of its node and of every node above it (see readings).
    const top = this.depth - 1;
    if (top >= 0) {
      const node = this.frameInts[top * FRAME_INTS + FRAME_NODE];
      if (node >= 0) this.countReadings(node, 1);
    }
  }

  /** The next plain function's token: −1 − serial, a small integer (see SERIAL_MASK). */
  private nextPlainToken(): number {
    const serial = (this.serial + 1) & SERIAL_MASK;
    this.serial = serial;
    return -1 - serial;
  }

  /** The call named by `token` ends. */
  exit(token: number): void {
    const top = this.depth - 1;
    if (top >= 0 && this.frameDoubles[(top * FRAME_DOUBLES + FRAME_TOKEN) | 0] === token && token < 0) {
      // A plain function returning (or throwing) to its caller.
      const now = this.source.now();
      this.lastSuspended = -1;
      const node = this.frameInts[(top * FRAME_INTS + FRAME_NODE) | 0];
      this.depth = top;
      // tt
      let elapsed = now - this.frameDoubles[(top * FRAME_DOUBLES + FRAME_START) | 0];
      if (node < 0) {
        // A direct frame (past the node cap: on tsc 95% of the calls), endDirectSlice() written
        // out, as the aligned one below is: in exact mode V8 left endDirectSlice() a call. Less a
        // bias per reading since the slice started, never below its callees' time, so its self
        // time stays >= 0.
        const readings = this.readings[READINGS_SO_FAR] + 1;
        this.readings[READINGS_SO_FAR] = readings;
        const within = readings - this.frameDoubles[(top * FRAME_DOUBLES + FRAME_READINGS) | 0];
        elapsed -= this.readings[READING_BIAS] * within;
        const childTime = this.frameDoubles[(top * FRAME_DOUBLES + FRAME_CHILD_TIME) | 0];
        if (elapsed < childTime) elapsed = childTime;
        const self = elapsed - childTime; // it
        if (top > 0) {
          const below = this.frameInts[((top - 1) * FRAME_INTS + FRAME_NODE) | 0];
          if (below >= 0) {
            // The lowest direct frame above an aligned one: its readings count for that one's node.
            // The lookup of extraAt() written out: V8 may leave it a call here.
            const id = below < this.nodeExtraIds.length ? this.nodeExtraIds[below] : 0;
            const extra = id !== 0 ? (id - 1) * EXTRA_STRIDE : this.extraAt(below);
            this.extraRecords[(extra + EXTRA_DIRECT_CALLEES) | 0] += elapsed;
            this.extraRecords[(extra + EXTRA_READINGS) | 0] += within;
          } else this.frameDoubles[((top - 1) * FRAME_DOUBLES + FRAME_CHILD_TIME) | 0] += elapsed;
        }
        const fn = this.frameInts[(top * FRAME_INTS + FRAME_FN) | 0];
        const fnAt = (fn * FN_STRIDE) | 0;
        this.fnRecords[(fnAt + FN_SELF) | 0] += self;
        if (--this.fnRecords[(fnAt + FN_LEVEL) | 0] === 0) this.fnRecords[(fnAt + FN_TOTAL) | 0] += elapsed;
        const edge = this.frameInts[(top * FRAME_INTS + FRAME_EDGE) | 0];
        if (edge >= 0) {
          const edgeAt = (edge * EDGE_STRIDE) | 0;
          this.edgeRecords[(edgeAt + EDGE_SELF) | 0] += self;
          if (--this.edgeRecords[(edgeAt + EDGE_LEVEL) | 0] === 0) this.edgeRecords[(edgeAt + EDGE_TOTAL) | 0] += elapsed;
        }
        // The lookup of extraAt() written out too: V8 left it a call here.
        const aggregated = ~node;
        const id = aggregated < this.nodeExtraIds.length ? this.nodeExtraIds[aggregated] : 0;
        const at = id !== 0 ? (id - 1) * EXTRA_STRIDE : this.extraAt(aggregated);
        this.extraRecords[(at + EXTRA_DIRECT_SELF) | 0] += self;
        if (this.frameInts[(top * FRAME_INTS + FRAME_OWNS_NODE) | 0] === 1) this.extraRecords[(at + EXTRA_DIRECT_TOTAL) | 0] += elapsed;
        return;
      }
      // The hot path: an aligned frame, endAlignedSlice() written out. Not a call with `now` as
      // its argument: where V8 does not inline the callee, a double argument is boxed in a fresh
      // heap number. Nor the call reading eventTime: acorn parsing @babel/parser ran 2% more
      // instructions that way under callgrind (median 4.89 G of 4 runs; written out, 4.78 G of 3,
      // as with the call passing `now`). Only the node's total: collect() derives the self times
      // of aligned slices from the totals, so an aligned frame keeps no child time, and its
      // caller (aligned too) needs no update; and collect() takes the biases out (see readings):
      // this exit's reading is the other of the two it counts for the call.
      if (elapsed < 0) elapsed = 0;
      this.nodeStats[(node * ALIGNED_STRIDE + ALIGNED_TOTAL) | 0] += elapsed;
      if (top < this.materialized) this.dematerialize(top, node);
      return;
    }
    if (token < 0) {
      // A plain function's frame that is not on top: close the frames above it first
      // (self-healing); a stale token does nothing.
      let index = top;
      while (index >= 0 && this.frameDoubles[(index * FRAME_DOUBLES + FRAME_TOKEN) | 0] !== token) index--;
      if (index < 0) return;
      this.readClock();
      if (this.lastSuspended >= 0) this.endSuspensionWindow();
      this.closeAbove(index);
      this.endSlice();
      return;
    }
    // An async function or generator.
    const slot = this.slotOf(token);
    if (slot < 0) return;
    this.readClock();
    if (this.lastSuspended >= 0) this.endSuspensionWindow();
    if (this.slotBytes[(slot * SLOT_BYTES + SLOT_STATE) | 0] === ACTIVE) {
      this.closeAbove(this.stackIndexOfSlot(slot));
      this.endSlice();
      // A yield* inner finished: a generator delegator goes on with its own code; an async
      // generator's yield* awaits the inner's last result first, so it leaves the stack (and its
      // own delegators with it) until its resume, from the microtask queue.
      const depth = this.depth;
      if (depth > 0 && this.slotInts[(slot * SLOT_INTS + SLOT_DELEGATOR_SLOT) | 0] >= 0) {
        const below = this.frameSlot(depth - 1);
        if (below !== NO_SLOT && this.isDelegatorOf(below, slot)) {
          this.slotBytes[(below * SLOT_BYTES + SLOT_DELEGATING) | 0] = 0;
          if (this.kindTable.kinds[this.slotInts[(below * SLOT_INTS + SLOT_FN) | 0]] === SITE_KIND_ASYNC_GENERATOR) {
            this.finish(slot); // at its own exit's reading: the delegators' come after it
            this.leaveDelegators(below);
            return;
          }
          this.slotBytes[(below * SLOT_BYTES + SLOT_AUTO_RESUMED) | 0] = 0;
        }
      }
    }
    this.finish(slot);
  }

  /**
   * The frame named by `token` leaves the stack (await, yield, `return x` of an async generator);
   * `marker` FOR_AWAIT_MARKER for the head and the end of the body of a `for await` loop.
   */
  suspend(token: number, value?: unknown, marker?: unknown): void {
    if (this.reopenDepth >= 0) this.reopenWindow();
    const slot = this.slotOf(token);
    if (slot < 0 || this.slotBytes[slot * SLOT_BYTES + SLOT_STATE] !== ACTIVE) return;
    this.readClock();
    this.settlePendingDelegation();
    if (this.slotBytes[slot * SLOT_BYTES + SLOT_STATE] === ACTIVE) {
      this.closeAbove(this.stackIndexOfSlot(slot));
      this.endSlice();
      this.slotBytes[slot * SLOT_BYTES + SLOT_STATE] = SUSPENDED;
      // A yield* inner yielding passes the value out through its delegators: they leave too.
      this.leaveDelegators(this.delegatorOf(slot));
    }
    this.lastSuspended = slot;
    this.lastSuspendedValue = marker !== FOR_AWAIT_MARKER ? ORDINARY : value === undefined || mayDriveGenerator(value) ? FOR_AWAIT : FOR_AWAIT_HEAD;
  }

  /**
   * The generator named by `token` starts a `yield* inner` delegation. To a generator object:
   * it stays on the stack for now (see PENDING_DELEGATION); to any other iterable: it leaves the
   * stack like suspend, and an instrumented generator its iterator starts runs under it.
   */
  delegate(token: number, inner?: unknown): void {
    if (this.reopenDepth >= 0) this.reopenWindow();
    const slot = this.slotOf(token);
    if (slot < 0 || this.slotBytes[slot * SLOT_BYTES + SLOT_STATE] !== ACTIVE) return;
    if (this.lastSuspended >= 0 && this.lastSuspendedValue === PENDING_DELEGATION) {
      this.readClock();
      this.settlePendingDelegation();
    }
    if (this.slotBytes[slot * SLOT_BYTES + SLOT_STATE] === ACTIVE && this.frameSlot(this.depth - 1) === slot && isDelegableIterator(inner)) {
      this.slotBytes[slot * SLOT_BYTES + SLOT_DELEGATING] = 1;
      this.lastSuspended = slot;
      this.lastSuspendedValue = PENDING_DELEGATION;
      return;
    }
    this.suspend(token);
    this.slotBytes[slot * SLOT_BYTES + SLOT_DELEGATING] = 1;
    this.lastSuspendedValue = DELEGATION;
  }

  /** The frame named by `token` comes back on top of the stack. */
  resume(token: number): void {
    if (this.reopenDepth >= 0) this.reopenWindow();
    const slot = this.slotOf(token);
    if (slot < 0 || this.slotBytes[slot * SLOT_BYTES + SLOT_STATE] !== SUSPENDED) return;
    if (this.depth >= this.maxDepth) {
      // No room on the stack: the slice runs unrecorded, its time to whatever is below.
      this.lastSuspended = -1;
      return;
    }
    const fn = this.slotInts[slot * SLOT_INTS + SLOT_FN];
    this.slotBytes[slot * SLOT_BYTES + SLOT_DELEGATING] = 0; // resumed by its own code: a delegation it made is over
    const pending = this.pendingDelegatorOf(fn);
    if (pending >= 0) {
      // `yield* it` of a generator started earlier: its delegator, still on the stack, runs it.
      this.joinPendingDelegation(slot, pending);
      this.readClock();
      this.resumeSlot(slot, -1);
      return;
    }
    const delegator = this.delegatorOf(slot);
    if (delegator >= 0 && this.slotBytes[delegator * SLOT_BYTES + SLOT_STATE] === SUSPENDED && this.slotBytes[delegator * SLOT_BYTES + SLOT_DELEGATING] === 1) {
      // A later next() of a yield* inner goes through its delegators: each comes back first, at
      // its own reading (cProfile sees the outer generator resume, then the inner).
      this.autoResume(delegator);
      this.lastSuspended = -1;
      this.lastSuspendedValue = undefined;
      this.readClock();
      this.resumeSlot(slot, -1);
      return;
    }
    this.readClock();
    this.settlePendingDelegation();
    const consumer = this.lastSuspended >= 0 ? this.takeDriver(fn, slot) : -1;
    this.resumeSlot(slot, consumer);
  }

  /** Closes every open frame at `now` (a reading of `clock`): active ones as exits (top first), then suspended ones. */
  closeOpenFrames(now: number): void {
    // A compensated clock's recorder reads its raw clock itself: `now` is on the other scale.
    if (this.source !== this.clock) this.readClock();
    else this.eventTime[EVENT_TIME] = now;
    while (this.depth > 0) {
      const slot = this.endSlice();
      if (slot !== NO_SLOT) this.finish(slot);
    }
    for (let slot = 0; slot < this.slotCount; slot++) {
      if (this.slotBytes[slot * SLOT_BYTES + SLOT_STATE] === SUSPENDED) this.finish(slot);
    }
  }

  /**
   * Whether `token` names a frame open in this recorder: a plain function's frame on the stack, or
   * a live async or generator frame. A session paused for another keeps its open frames, and the
   * probes of those frames reach it through the recording one's router, which asks this
   * (recording-session.ts, RoutingTarget).
   */
  ownsToken(token: number): boolean {
    if (token > 0) return this.slotOf(token) >= 0;
    for (let index = this.depth - 1; index >= 0; index--) {
      if (this.frameDoubles[index * FRAME_DOUBLES + FRAME_TOKEN] === token) return true;
    }
    return false;
  }

  /**
   * Takes another tag, so that this recorder's tokens cannot be mistaken for those of a paused
   * recorder that has the same one (tags are 1..15 and handed out in turn). Only with no frame
   * open: an open frame's token would no longer be recognized. Returns whether it changed.
   */
  retag(tag: number): boolean {
    if (this.hasOpenFrames() || !(tag >= 1 && tag < TAG_RANGE)) return false;
    this.tag = tag;
    this.serial = (tag * SERIAL_TAG_SPACING) & SERIAL_MASK;
    return true;
  }

  /**
   * Takes `ticks` that have just passed out of every open frame, as if the clock had stood still
   * for them: the slices on the stack start that much later and the live async frames were invoked
   * that much later (async wall time). `tsprof run` calls it (through RecordingSession.excludeTime)
   * after compiling a module on the fly, time plain node never spends, which went to the function
   * whose require() or import() loaded it. Frames are closed only by later readings, which are all
   * on the shifted scale, and nothing else keeps a reading (a direct frame's callees' time is a
   * duration): so every time comes out as with a clock that did not move. Off the hot paths: it
   * costs the probes nothing, and itself one pass over the stack and the slots.
   */
  excludeTime(ticks: number): void {
    if (!(ticks > 0) || !numberIsFinite(ticks)) return;
    for (let index = 0; index < this.depth; index++) this.frameDoubles[index * FRAME_DOUBLES + FRAME_START] += ticks;
    // Free slots too: harmless, their invocation time is written again when they are reused.
    for (let slot = 0; slot < this.slotCount; slot++) this.slotDoubles[slot * SLOT_DOUBLES + SLOT_INVOKED] += ticks;
  }

  /** The ticks of tsprof's work on other threads so far (SessionRecorderOptions.offClockSeconds), 0 without any. */
  private offClockTicks(): number {
    const counter = this.offClock;
    return counter === undefined ? 0 : counter[0] * this.offClockScale;
  }

  /** Whether any frame is open (on the stack, or suspended). */
  hasOpenFrames(): boolean {
    return this.depth > 0 || this.slotCount - this.freeCount > 0;
  }

  /** A deep copy: snapshots close the open frames of a copy, leaving the live stack alone. */
  clone(): Recorder {
    const copy = new Recorder(this.clock, this.kindTable, this.tag, {
      maxTreeNodes: this.maxTreeNodes,
      maxDepth: this.maxDepth,
      maxFrames: this.maxFrames,
    });
    const source = this as unknown as Record<string, unknown>;
    const target = copy as unknown as Record<string, unknown>;
    const keys = objectKeys(source);
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      const value = source[key];
      if (key === "nodeLinks" || key === "nodeStats" || key === "nodeExtraIds" || key === "nodeEdges" || key === "extraRecords") continue; // below
      if (value instanceof PairTable) target[key] = value.clone();
      else if (isTypedArrayView(value)) target[key] = copyTyped(value as Float64Array | Int32Array | Uint8Array);
      else target[key] = value;
    }
    // The tree's arrays only as far as they are used (treeCapacity() leaves most of them unused
    // after a growth; the copy grows them again if it ever needs to).
    copy.nodeStats = copyTyped(this.nodeStats, this.nodeCount * ALIGNED_STRIDE);
    copy.nodeLinks = new Int32Array(copy.nodeStats.buffer);
    copy.nodeEdges = copyTyped(this.nodeEdges, mathMin(this.nodeEdges.length, this.nodeCount));
    copy.nodeExtraIds = copyTyped(this.nodeExtraIds, mathMin(this.nodeExtraIds.length, this.nodeCount));
    copy.extraRecords = copyTyped(this.extraRecords, this.extraCount * EXTRA_STRIDE);
    // The two stack views share one buffer in the copy too.
    copy.frameInts = new Int32Array(copy.frameDoubles.buffer);
    copy.fnInts = new Int32Array(copy.fnRecords.buffer);
    copy.slotInts = new Int32Array(copy.slotDoubles.buffer);
    copy.slotBytes = new Uint8Array(copy.slotDoubles.buffer);
    return copy;
  }

  /**
   * The numbers a profile reports (call it once the open frames are closed): the direct
   * counters plus the aligned slices' numbers, derived from the tree in one depth-first walk
   * (see Layout): a node's calls and self time go to its function and its edge; its calls also
   * count as primitive, and its total time as the function's (edge's), when no ancestor node
   * has the same function (edge). Exported nodes add both kinds of slices.
   */
  collect(): CollectedStats {
    const nodeCount = this.nodeCount;
    // The nodes' edges first: looking them up may add edges to the table.
    const nodeEdge = new Int32Array(nodeCount);
    for (let node = 1; node < nodeCount; node++) nodeEdge[node] = this.nodeEdge(node);
    const links = this.nodeLinks;
    const aligned = this.nodeStats;
    const records = this.fnRecords;
    let fnLength = records.length / FN_STRIDE;
    for (let node = 1; node < nodeCount; node++) {
      const fn = links[node * LINK_STRIDE + LINK_FN];
      if (fn >= fnLength) fnLength = fn + 1;
    }
    const fnCalls = new Float64Array(fnLength);
    const fnPrimitiveCalls = new Float64Array(fnLength);
    const fnSelf = new Float64Array(fnLength);
    const fnTotal = new Float64Array(fnLength);
    const fnAsyncWall = new Float64Array(fnLength);
    for (let fn = 0, at = 0; at < records.length; fn++, at += FN_STRIDE) {
      fnCalls[fn] = records[at + FN_CALLS];
      fnPrimitiveCalls[fn] = records[at + FN_PRIMITIVE_CALLS];
      fnSelf[fn] = records[at + FN_SELF];
      fnTotal[fn] = records[at + FN_TOTAL];
      fnAsyncWall[fn] = records[at + FN_ASYNC_WALL];
    }
    const edgeRecords = this.edgeRecords;
    const edgeLength = edgeRecords.length / EDGE_STRIDE;
    const edgeCalls = new Float64Array(edgeLength);
    const edgePrimitiveCalls = new Float64Array(edgeLength);
    const edgeSelf = new Float64Array(edgeLength);
    const edgeTotal = new Float64Array(edgeLength);
    for (let edge = 0, at = 0; edge < edgeLength; edge++, at += EDGE_STRIDE) {
      edgeCalls[edge] = edgeRecords[at + EDGE_CALLS];
      edgePrimitiveCalls[edge] = edgeRecords[at + EDGE_PRIMITIVE_CALLS];
      edgeSelf[edge] = edgeRecords[at + EDGE_SELF];
      edgeTotal[edge] = edgeRecords[at + EDGE_TOTAL];
    }
    const alignedTotal = this.alignedTotals();
    // The aligned slices' self time of each node: its total less its children's totals and its
    // direct callees' time (each aligned slice runs inside its parent node's, each direct callee
    // of an aligned frame inside that frame's), never below 0 (compensation can take more than
    // a node's own time).
    const alignedSelf = new Float64Array(nodeCount);
    const extras = this.extraRecords;
    for (let node = 1; node < nodeCount; node++) {
      const extra = this.existingExtra(node);
      alignedSelf[node] += alignedTotal[node] - (extra >= 0 ? extras[extra + EXTRA_DIRECT_CALLEES] : 0);
      const parent = links[node * LINK_STRIDE + LINK_PARENT];
      if (parent > ROOT_NODE) alignedSelf[parent] -= alignedTotal[node];
    }
    for (let node = 1; node < nodeCount; node++) if (alignedSelf[node] < 0) alignedSelf[node] = 0;
    const nodeStats = new Float64Array(nodeCount * NODE_STRIDE);
    for (let node = 0, at = 0; node < nodeCount; node++, at += NODE_STRIDE) {
      nodeStats[at + NODE_CALLS] = aligned[node * ALIGNED_STRIDE + ALIGNED_CALLS];
      nodeStats[at + NODE_SELF] = alignedSelf[node];
      nodeStats[at + NODE_TOTAL] = alignedTotal[node];
      const extra = this.existingExtra(node);
      if (extra < 0) continue;
      nodeStats[at + NODE_CALLS] += extras[extra + EXTRA_DIRECT_CALLS];
      nodeStats[at + NODE_SELF] += extras[extra + EXTRA_DIRECT_SELF];
      nodeStats[at + NODE_TOTAL] += extras[extra + EXTRA_DIRECT_TOTAL];
    }

    // Depth first from the root: how many nodes of each function (edge) are on the current path.
    const fnOnPath = new Int32Array(fnLength);
    const edgeOnPath = new Int32Array(edgeLength);
    const pathNode = new Int32Array(nodeCount + 1);
    const pathCursor = new Int32Array(nodeCount + 1); // the next child to visit (0: none)
    let top = 0;
    pathNode[0] = ROOT_NODE;
    pathCursor[0] = links[ROOT_NODE * LINK_STRIDE + LINK_FIRST_CHILD];
    while (top >= 0) {
      const node = pathCursor[top];
      if (node === 0) {
        const done = pathNode[top--];
        if (done === ROOT_NODE) continue;
        fnOnPath[links[done * LINK_STRIDE + LINK_FN]]--;
        const edge = nodeEdge[done];
        if (edge >= 0) edgeOnPath[edge]--;
        continue;
      }
      pathCursor[top] = links[node * LINK_STRIDE + LINK_NEXT_SIBLING];
      const fn = links[node * LINK_STRIDE + LINK_FN];
      const edge = nodeEdge[node];
      const calls = aligned[node * ALIGNED_STRIDE + ALIGNED_CALLS];
      const self = alignedSelf[node];
      const total = alignedTotal[node];
      fnCalls[fn] += calls;
      fnSelf[fn] += self;
      if (fnOnPath[fn]++ === 0) {
        fnPrimitiveCalls[fn] += calls;
        fnTotal[fn] += total;
      }
      if (edge >= 0) {
        edgeCalls[edge] += calls;
        edgeSelf[edge] += self;
        if (edgeOnPath[edge]++ === 0) {
          edgePrimitiveCalls[edge] += calls;
          edgeTotal[edge] += total;
        }
      }
      top++;
      pathNode[top] = node;
      pathCursor[top] = links[node * LINK_STRIDE + LINK_FIRST_CHILD];
    }
    return { fnCalls, fnPrimitiveCalls, fnSelf, fnTotal, fnAsyncWall, edgeCalls, edgePrimitiveCalls, edgeSelf, edgeTotal, nodeStats };
  }

  /**
   * The total time of each node's aligned slices, less a bias per reading within them, never below
   * 0 (see readings), and never more than the node's parent leaves for its children (below). Node ids grow from the root down, so one pass counts each node's readings
   * (two for each aligned call, one at its parent, one at itself, plus EXTRA_READINGS) and a pass
   * backwards adds each node's count to its parent's: the readings within a node's slices.
   */
  private alignedTotals(): Float64Array {
    const nodeCount = this.nodeCount;
    const links = this.nodeLinks;
    const aligned = this.nodeStats;
    const totals = new Float64Array(nodeCount);
    const bias = this.readings[READING_BIAS];
    if (bias === 0) {
      for (let node = 1; node < nodeCount; node++) totals[node] = aligned[node * ALIGNED_STRIDE + ALIGNED_TOTAL];
      return totals;
    }
    const extras = this.extraRecords;
    const within = new Float64Array(nodeCount);
    for (let node = 1; node < nodeCount; node++) {
      const calls = aligned[node * ALIGNED_STRIDE + ALIGNED_CALLS];
      const extra = this.existingExtra(node);
      within[node] += calls + (extra >= 0 ? extras[extra + EXTRA_READINGS] : 0);
      within[links[node * LINK_STRIDE + LINK_PARENT]] += calls;
    }
    for (let node = nodeCount - 1; node > ROOT_NODE; node--) within[links[node * LINK_STRIDE + LINK_PARENT]] += within[node];
    for (let node = 1; node < nodeCount; node++) {
      const total = aligned[node * ALIGNED_STRIDE + ALIGNED_TOTAL] - bias * within[node];
      totals[node] = total > 0 ? total : 0;
    }
    // A node's own readings lose their biases too, and where the clock did not move during its own
    // code (a coarse clock: TSPROF_CLOCK=fast, a page's performance.now(), under a short frame) its
    // compensated total is less than its children's: a callee longer than its caller, and a
    // negative self time that collect() floors at 0, so that the tree's self times added up to
    // more than its totals (and than the table's tottime, which profile-builder clamps to
    // cumtime). The children of such a node share what it has, in proportion to their totals (its
    // direct callees' time first), top-down, so a subtree never holds more than its root's total
    // and each node's self time is what its total leaves. Never the case when every node's own
    // time covers its own readings (the clock moved at least a bias a reading: nothing changes).
    const childTotals = new Float64Array(nodeCount);
    for (let node = 1; node < nodeCount; node++) childTotals[links[node * LINK_STRIDE + LINK_PARENT]] += totals[node];
    const share = new Float64Array(nodeCount);
    for (let node = 1; node < nodeCount; node++) {
      const parent = links[node * LINK_STRIDE + LINK_PARENT];
      if (parent > ROOT_NODE && share[parent] < 1) totals[node] *= share[parent];
      const extra = this.existingExtra(node);
      const room = totals[node] - (extra >= 0 ? extras[extra + EXTRA_DIRECT_CALLEES] : 0);
      const children = childTotals[node];
      share[node] = children <= room ? 1 : room > 0 ? room / children : 0;
    }
    return totals;
  }

  // ---- plain functions off the hot path, async functions and generators

  /** enter() of an async function or generator (and of an id outside the kind table): the frame gets a slot. */
  private enterSlotFrame(fn: number): number {
    if (this.reopenDepth >= 0) this.reopenWindow();
    if (this.depth >= this.maxDepth) {
      this.droppedCalls++;
      return 0;
    }
    let slot: number;
    if (this.freeCount > 0) slot = this.freeSlots[--this.freeCount];
    else {
      slot = this.allocateSlot();
      if (slot < 0) {
        this.droppedCalls++;
        return 0;
      }
    }
    this.readClock();
    if (fn * FN_STRIDE >= this.fnRecords.length) this.growFunctions(fn + 1);
    this.slotInts[slot * SLOT_INTS + SLOT_DELEGATOR_SLOT] = -1;
    this.slotBytes[slot * SLOT_BYTES + SLOT_DELEGATING] = 0;
    this.slotBytes[slot * SLOT_BYTES + SLOT_AUTO_RESUMED] = 0;

    // Right after a suspension: a `for await` consumer it runs under, or a yield* delegator.
    let consumer = -1;
    const pending = this.pendingDelegatorOf(fn);
    if (pending >= 0) {
      // The first next() of a yield* inner: its delegator, still on the stack, runs it.
      this.joinPendingDelegation(slot, pending);
    } else if (this.lastSuspended >= 0) {
      this.settlePendingDelegation();
      const driver = this.takeDriver(fn, -1);
      if (driver >= 0 && this.slotBytes[driver * SLOT_BYTES + SLOT_DELEGATING] === 1) {
        // The first next() of an iterator a yield* started: its delegator comes back to run it.
        this.linkDelegator(slot, driver);
        this.autoResume(driver);
        this.readClock();
      } else consumer = driver;
    }

    if (consumer >= 0) this.placeUnderSlot(fn, consumer, true);
    else this.placeUnderTop(fn, this.depth);
    this.settlePlacement(this.depth);
    this.recordCall(fn);
    const edge = this.placedEdge;
    const node = this.placedNode;
    const ownsNode = this.placedOwnsNode;
    // Nor will the reading that ends the slice be exit()'s fast path's (see readings).
    if (this.placedAligned) this.countReadings(node, -1);

    this.slotInts[slot * SLOT_INTS + SLOT_FN] = fn;
    this.slotInts[slot * SLOT_INTS + SLOT_EDGE] = edge;
    this.slotInts[slot * SLOT_INTS + SLOT_NODE] = node;
    this.slotBytes[slot * SLOT_BYTES + SLOT_OWNS_NODE] = ownsNode;
    this.slotInts[slot * SLOT_INTS + SLOT_INVOKED_EDGE] = edge;
    this.slotInts[slot * SLOT_INTS + SLOT_INVOKED_NODE] = node;
    this.slotBytes[slot * SLOT_BYTES + SLOT_INVOKED_OWNS_NODE] = ownsNode;
    this.slotBytes[slot * SLOT_BYTES + SLOT_STATE] = ACTIVE;
    this.slotDoubles[slot * SLOT_DOUBLES + SLOT_INVOKED] = this.eventTime[EVENT_TIME] - this.offClockTicks();
    const generation = (this.slotInts[slot * SLOT_INTS + SLOT_GENERATION] + 1) & GENERATION_MASK;
    this.slotInts[slot * SLOT_INTS + SLOT_GENERATION] = generation;
    const token = generation * LOW_RANGE + this.tag * SLOT_RANGE + slot;
    this.slotDoubles[slot * SLOT_DOUBLES + SLOT_TOKEN] = token;
    this.push(0, fn, slot);
    return token;
  }

  /** Puts the suspended frame `slot` back on top at eventTime[0]; `consumer` >= 0: run under that `for await` consumer. */
  private resumeSlot(slot: number, consumer: number): void {
    const fn = this.slotInts[slot * SLOT_INTS + SLOT_FN];
    const kind = this.kindTable.kinds[fn];
    const depth = this.depth;
    if (kind === SITE_KIND_GENERATOR || (kind === SITE_KIND_ASYNC_GENERATOR && (depth > 0 || consumer >= 0))) {
      // Runs under whoever called next(): the `for await` consumer, the current top, or the root.
      // Such a placement is no call of the caller: no counts, and no latest-child cache update.
      if (consumer >= 0) this.placeUnderSlot(fn, consumer, false);
      else this.placeResumedUnderTop(fn, depth);
      this.slotInts[slot * SLOT_INTS + SLOT_EDGE] = this.placedEdge;
      this.slotInts[slot * SLOT_INTS + SLOT_NODE] = this.placedNode;
      this.slotBytes[slot * SLOT_BYTES + SLOT_OWNS_NODE] = this.placedOwnsNode;
    } else if (kind !== SITE_KIND_ASYNC_GENERATOR) {
      // Async (and plain functions, which never suspend themselves): the logical caller.
      this.slotInts[slot * SLOT_INTS + SLOT_EDGE] = this.slotInts[slot * SLOT_INTS + SLOT_INVOKED_EDGE];
      this.slotInts[slot * SLOT_INTS + SLOT_NODE] = this.slotInts[slot * SLOT_INTS + SLOT_INVOKED_NODE];
      this.slotBytes[slot * SLOT_BYTES + SLOT_OWNS_NODE] = this.slotBytes[slot * SLOT_BYTES + SLOT_INVOKED_OWNS_NODE];
    }
    // (An async generator resumed with nothing on the stack keeps its previous slice's placement.)
    this.placedEdge = this.slotInts[slot * SLOT_INTS + SLOT_EDGE];
    this.placedNode = this.slotInts[slot * SLOT_INTS + SLOT_NODE];
    this.placedOwnsNode = this.slotBytes[slot * SLOT_BYTES + SLOT_OWNS_NODE];
    this.settlePlacement(depth);
    this.slotBytes[slot * SLOT_BYTES + SLOT_STATE] = ACTIVE;
    this.push(0, fn, slot);
  }

  /**
   * Reads and clears the latest suspension. Returns the suspended frame that drives `fn`, a
   * generator starting or resuming right after it: a `yield*` delegator (delegate()), or a `for
   * await` consumer (its head and the end of its body are suspensions with FOR_AWAIT_MARKER). Else -1. `slot`: the frame that resumes (-1 for an entry), never its own driver: a
   * `yield* []` (or any iterable whose iteration calls nothing instrumented) ends with the
   * delegator's own resume right after its delegation, which drives nothing.
   */
  private takeDriver(fn: number, slot: number): number {
    const driver = this.lastSuspended;
    const value = this.lastSuspendedValue;
    this.lastSuspended = -1;
    this.lastSuspendedValue = undefined;
    if (driver === slot) return -1;
    const kind = this.kindTable.kinds[fn];
    if (this.slotBytes[driver * SLOT_BYTES + SLOT_STATE] !== SUSPENDED) return -1;
    if (value === DELEGATION) return kind === SITE_KIND_GENERATOR || kind === SITE_KIND_ASYNC_GENERATOR ? driver : -1;
    // A `for await` loop's next() runs a generator's next step, async or not (a sync iterable is
    // iterated through an async-from-sync iterator); any other suspension drives nothing, whatever
    // its value (an `await x` of an async generator object is no loop).
    if (value !== FOR_AWAIT && value !== FOR_AWAIT_HEAD) return -1;
    if (value === FOR_AWAIT_HEAD) return kind === SITE_KIND_ASYNC && this.iterationRole(fn) === NEXT_METHOD ? driver : -1;
    // And an `async next()` of the loop's iterator is called by the loop (not for yield*, whose
    // delegator comes back on the stack only for generator inners).
    return kind === SITE_KIND_GENERATOR || kind === SITE_KIND_ASYNC_GENERATOR || (kind === SITE_KIND_ASYNC && this.iterationRole(fn) === NEXT_METHOD) ? driver : -1;
  }

  /**
   * Reads and clears the latest suspension for a plain call of `fn` (a pending
   * delegation settles: its delegator leaves at this reading). Returns the suspended frame it runs
   * under: after a `for await` loop's suspension or a `yield*` delegation, the calls the loop's or
   * the yield*'s machinery makes, which run while that frame is suspended: the iterable's
   * `[Symbol.asyncIterator]()` or `[Symbol.iterator]()` (in the head or at the delegation; the window
   * opens again once it has returned, see reopenDepth) and the iterator's `next()`. Told apart from
   * the code that runs next when the loop's frame has gone back to its caller (which the probes cannot
   * see happen) by name only: a call named otherwise is the caller's. Else -1.
   */
  private takeCallDriver(fn: number): number {
    const driver = this.lastSuspended;
    this.settlePendingDelegation();
    const kind = this.lastSuspendedValue;
    this.lastSuspended = -1;
    this.lastSuspendedValue = undefined;
    if ((kind !== FOR_AWAIT && kind !== FOR_AWAIT_HEAD && kind !== DELEGATION) || this.slotBytes[driver * SLOT_BYTES + SLOT_STATE] !== SUSPENDED) return -1;
    const role = this.iterationRole(fn);
    if (role === 0) return -1;
    if (role === ITERATOR_METHOD) {
      this.reopenDepth = this.depth; // where the call goes
      this.reopenDriver = driver;
      this.reopenKind = kind === FOR_AWAIT_HEAD ? FOR_AWAIT : kind;
      this.settleFastDepthLimit(); // 0 until the window reopens
    }
    return driver;
  }

  /**
   * The first probe event after a pending reopen (an entry at or below its stack index, or any
   * suspend, resume, delegate or async or generator entry): when it comes at that index, the iterator
   * method has returned and the driver is still suspended, the window opens again for it.
   */
  private reopenWindow(): void {
    const at = this.reopenDepth;
    const driver = this.reopenDriver;
    this.reopenDepth = -1;
    this.settleFastDepthLimit();
    if (this.depth === at && this.slotBytes[driver * SLOT_BYTES + SLOT_STATE] === SUSPENDED) {
      this.lastSuspended = driver;
      this.lastSuspendedValue = this.reopenKind;
    }
  }

  /** The role of `fn` in an iteration, by its name: ITERATOR_METHOD, NEXT_METHOD, or 0. */
  private iterationRole(fn: number): number {
    const functions = this.kindTable.functions;
    const info = functions === undefined ? undefined : functions[fn];
    if (info === undefined) return 0;
    const name = info.name;
    if (name === "next") return NEXT_METHOD;
    return name === "[Symbol.asyncIterator]" || name === "[Symbol.iterator]" ? ITERATOR_METHOD : 0;
  }

  /** Puts a delegating frame (and, first, its own delegators) back on the stack for its inner's slice, each at its own reading. */
  private autoResume(delegator: number): void {
    const outer = this.delegatorOf(delegator);
    if (outer >= 0 && this.slotBytes[outer * SLOT_BYTES + SLOT_STATE] === SUSPENDED && this.slotBytes[outer * SLOT_BYTES + SLOT_DELEGATING] === 1) this.autoResume(outer);
    this.readClock();
    this.settlePendingDelegation();
    this.resumeSlot(delegator, -1);
    this.slotBytes[delegator * SLOT_BYTES + SLOT_AUTO_RESUMED] = 1;
  }

  /**
   * Takes `delegator` off the top of the stack, then its own delegator and so on outwards, while
   * each is on it only because its yield* inner ran (SLOT_AUTO_RESUMED), each at its own reading (as
   * cProfile sees the inner generator return, then the outer one).
   */
  private leaveDelegators(delegator: number): void {
    while (delegator >= 0 && this.depth > 0 && this.frameSlot(this.depth - 1) === delegator && this.slotBytes[delegator * SLOT_BYTES + SLOT_AUTO_RESUMED] === 1) {
      this.readClock();
      this.endSlice();
      this.slotBytes[delegator * SLOT_BYTES + SLOT_STATE] = SUSPENDED;
      this.slotBytes[delegator * SLOT_BYTES + SLOT_AUTO_RESUMED] = 0;
      delegator = this.delegatorOf(delegator);
    }
  }

  /** The delegator of a pending delegation (see PENDING_DELEGATION) still on top of the stack, when `fn` is a generator that can be its inner; else -1. */
  private pendingDelegatorOf(fn: number): number {
    const delegator = this.lastSuspended;
    if (delegator < 0 || this.lastSuspendedValue !== PENDING_DELEGATION || !isGeneratorKind(this.kindTable.kinds[fn])) return -1;
    const depth = this.depth;
    return this.slotBytes[delegator * SLOT_BYTES + SLOT_STATE] === ACTIVE && depth > 0 && this.frameSlot(depth - 1) === delegator ? delegator : -1;
  }

  /** The generator `slot` runs as the inner of the pending delegation of `delegator`, which stays on the stack. */
  private joinPendingDelegation(slot: number, delegator: number): void {
    this.lastSuspended = -1;
    this.lastSuspendedValue = undefined;
    this.linkDelegator(slot, delegator);
    this.slotBytes[delegator * SLOT_BYTES + SLOT_AUTO_RESUMED] = 1;
  }

  /**
   * A pending delegation that the inner generator's entry did not follow: the delegator leaves
   * the stack at eventTime[0], and the delegation goes on as an eager one would (lastSuspended stays).
   */
  private settlePendingDelegation(): void {
    const delegator = this.lastSuspended;
    if (delegator < 0 || this.lastSuspendedValue !== PENDING_DELEGATION) return;
    this.lastSuspendedValue = DELEGATION;
    if (this.slotBytes[delegator * SLOT_BYTES + SLOT_STATE] !== ACTIVE) return;
    this.closeAbove(this.stackIndexOfSlot(delegator));
    this.endSlice();
    this.slotBytes[delegator * SLOT_BYTES + SLOT_STATE] = SUSPENDED;
  }

  /** A plain call or an exit ends the window in which a generator's entry counts as driven by the latest suspension. */
  private endSuspensionWindow(): void {
    this.settlePendingDelegation();
    this.lastSuspended = -1;
    this.lastSuspendedValue = undefined;
  }

  private linkDelegator(slot: number, delegator: number): void {
    this.slotInts[slot * SLOT_INTS + SLOT_DELEGATOR_SLOT] = delegator;
    this.slotInts[slot * SLOT_INTS + SLOT_DELEGATOR_GENERATION] = this.slotInts[delegator * SLOT_INTS + SLOT_GENERATION];
  }

  /** The live frame that delegated to `slot` with yield*, or -1. */
  private delegatorOf(slot: number): number {
    const delegator = this.slotInts[slot * SLOT_INTS + SLOT_DELEGATOR_SLOT];
    if (delegator < 0 || this.slotBytes[delegator * SLOT_BYTES + SLOT_STATE] === FREE) return -1;
    return this.slotInts[delegator * SLOT_INTS + SLOT_GENERATION] === this.slotInts[slot * SLOT_INTS + SLOT_DELEGATOR_GENERATION] ? delegator : -1;
  }

  private isDelegatorOf(delegator: number, inner: number): boolean {
    return this.delegatorOf(inner) === delegator;
  }

  // ---- internals

  /**
   * Places a call of `fn` made by the frame at stack index `depth - 1` (the root when `depth` is
   * 0): sets placedEdge/Node/OwnsNode (recordCall() counts the call).
   */
  private placeUnderTop(fn: number, depth: number): void {
    let parent = ROOT_NODE;
    if (depth > 0) {
      const caller = depth - 1;
      if (!this.frameOwnsNode(caller)) {
        // The caller has no node of its own (past the cap): the call aggregates into the caller's.
        this.droppedTreeNodes++;
        this.placedEdge = this.edgeOfCallerWithoutNode(caller, fn);
        this.placedNode = this.frameNode(caller);
        this.placedOwnsNode = 0;
        return;
      }
      parent = this.frameNode(caller);
    }
    const node = this.findChild(parent, fn);
    this.placedEdge = node >= 0 ? this.nodeEdge(node) : this.edgeUnder(parent, fn);
    if (node < 0) {
      this.droppedTreeNodes++;
      this.placedNode = parent;
      this.placedOwnsNode = 0;
    } else {
      this.placedNode = node;
      this.placedOwnsNode = 1;
    }
  }

  /**
   * Whether the slice placed by the latest placement and pushed at stack index `depth` is
   * aligned (placedAligned): it owns its node, whose parent is the node of the aligned frame
   * below it (the root at the bottom of the stack), reached by the same edge. Else it is direct,
   * and the levels of the aligned frames below it are materialized first.
   */
  private settlePlacement(depth: number): void {
    const node = this.placedNode;
    const below = depth > 0 ? this.frameInts[(depth - 1) * FRAME_INTS + FRAME_NODE] : ROOT_NODE;
    const at = node * LINK_STRIDE;
    const aligned =
      this.placedOwnsNode === 1 &&
      below >= 0 &&
      node !== ROOT_NODE &&
      this.nodeLinks[at + LINK_PARENT] === below &&
      this.nodeEdge(node) === this.placedEdge;
    this.placedAligned = aligned;
    if (!aligned && this.materialized < depth) this.materialize(depth);
  }

  /** Counts a call of `fn` where the latest placement put it: on its node if aligned, else on the direct counters. */
  private recordCall(fn: number): void {
    const node = this.placedNode;
    if (this.placedAligned) {
      this.nodeStats[node * ALIGNED_STRIDE + ALIGNED_CALLS]++;
      // Its entry's reading was no fast path's: readClock() counted it for the parent already.
      this.countReadings(this.nodeLinks[node * LINK_STRIDE + LINK_PARENT], -1);
      return;
    }
    const fnAt = fn * FN_STRIDE;
    if (fnAt >= this.fnRecords.length) this.growFunctions(fn + 1);
    this.fnRecords[fnAt + FN_CALLS]++;
    if (this.fnRecords[fnAt + FN_LEVEL] === 0) this.fnRecords[fnAt + FN_PRIMITIVE_CALLS]++;
    const edge = this.placedEdge;
    if (edge >= 0) {
      const edgeAt = edge * EDGE_STRIDE;
      this.edgeRecords[edgeAt + EDGE_CALLS]++;
      if (this.edgeRecords[edgeAt + EDGE_LEVEL] === 0) this.edgeRecords[edgeAt + EDGE_PRIMITIVE_CALLS]++;
    }
    if (this.placedOwnsNode === 1) {
      const at = this.extraAt(node); // first: it may replace the array
      this.extraRecords[at + EXTRA_DIRECT_CALLS]++;
    }
  }

  /**
   * Places `fn` under the suspended frame `caller` (a `for await` consumer): a call it makes
   * (`countCall`: recordCall() counts it next), or a resumption it drives.
   */
  private placeUnderSlot(fn: number, caller: number, countCall: boolean): void {
    const edge = this.edgeFor(this.slotInts[caller * SLOT_INTS + SLOT_FN], fn);
    let node = this.slotBytes[caller * SLOT_BYTES + SLOT_OWNS_NODE] === 1 ? this.childNode(this.slotInts[caller * SLOT_INTS + SLOT_NODE], fn) : -1;
    let ownsNode = 1;
    if (node < 0) {
      node = this.slotInts[caller * SLOT_INTS + SLOT_NODE];
      ownsNode = 0;
      if (countCall && this.slotBytes[caller * SLOT_BYTES + SLOT_OWNS_NODE] !== 1) this.droppedTreeNodes++;
    }
    this.placedEdge = edge;
    this.placedNode = node;
    this.placedOwnsNode = ownsNode;
  }

  /** Where a resumed generator runs under the frame at `depth - 1` (the root when 0): no call is counted. */
  private placeResumedUnderTop(fn: number, depth: number): void {
    if (depth === 0) {
      const node = this.childNode(ROOT_NODE, fn);
      this.placedEdge = -1;
      this.placedOwnsNode = node < 0 ? 0 : 1;
      this.placedNode = node < 0 ? ROOT_NODE : node;
      return;
    }
    const top = depth - 1;
    this.placedEdge = this.edgeFor(this.frameFn(top), fn);
    const node = this.frameOwnsNode(top) ? this.childNode(this.frameNode(top), fn) : -1;
    this.placedOwnsNode = node < 0 ? 0 : 1;
    this.placedNode = node < 0 ? this.frameNode(top) : node;
  }

  /**
   * The edge caller→fn for a caller frame without a tree node of its own (past the node cap): from
   * the callee's two latest callers, then as edgeMissedByCallee(). (A frame's own latest callee,
   * cached in its stack record until session 12, was another function for 95% of these calls on
   * tsc, and keeping it cost a store a call.)
   */
  private edgeOfCallerWithoutNode(caller: number, fn: number): number {
    const callerFn = this.frameFn(caller);
    const ways = fn * FN_INTS + FN_CALLER_WAYS;
    if (ways < this.fnInts.length) {
      if (this.fnInts[ways] === callerFn + 1) return this.fnInts[ways + 1];
      if (this.fnInts[ways + 2] === callerFn + 1) return this.fnInts[ways + 3];
    }
    return this.edgeMissedByCallee(callerFn, fn);
  }

  /** The edge callerFn→fn from the direct-mapped cache of pairs in front of the edge table (which creates it if new); the cache then holds it. */
  private edgeOfPair(callerFn: number, fn: number): number {
    const cache = this.edgeCache;
    // The captured imul: collect() looks edges up here at exit, after user code ran.
    const at = ((imul(callerFn, 0x9e3779b1) ^ fn) & (EDGE_CACHE_SIZE - 1)) * EDGE_CACHE_STRIDE;
    if (cache[at] === callerFn + 1 && cache[at + 1] === fn) return cache[at + 2];
    const edge = this.edgeFor(callerFn, fn);
    cache[at] = callerFn + 1;
    cache[at + 1] = fn;
    cache[at + 2] = edge;
    return edge;
  }

  /**
   * The edge callerFn→fn of a call past the node cap that the callee's two latest callers did not
   * answer: edgeOfPair(); then it is the callee's latest caller.
   */
  private edgeMissedByCallee(callerFn: number, fn: number): number {
    const edge = this.edgeOfPair(callerFn, fn);
    const ways = fn * FN_INTS + FN_CALLER_WAYS;
    if (ways < this.fnInts.length) {
      // The latest caller becomes the other.
      this.fnInts[ways + 2] = this.fnInts[ways];
      this.fnInts[ways + 3] = this.fnInts[ways + 1];
      this.fnInts[ways] = callerFn + 1;
      this.fnInts[ways + 1] = edge;
    }
    return edge;
  }

  /**
   * Pushes a slice of `fn` at eventTime[0], placed where placedEdge/Node/OwnsNode/Aligned say (a
   * direct slice raises the levels). `plainToken`: a plain function's token; a slot's frame has
   * its token in the slot record (a slot token is no small integer: as an argument of a call V8
   * did not inline, it would be boxed in a fresh heap number).
   */
  private push(plainToken: number, fn: number, slot: number): void {
    const now = this.eventTime[EVENT_TIME];
    const depth = this.depth;
    if (depth * FRAME_DOUBLES === this.frameDoubles.length) this.growStack(depth * 2);
    // Two stores, not one of a conditional: V8 boxes a phi of a small integer and a double.
    if (slot === NO_SLOT) this.frameDoubles[depth * FRAME_DOUBLES + FRAME_TOKEN] = plainToken;
    else this.frameDoubles[depth * FRAME_DOUBLES + FRAME_TOKEN] = this.slotDoubles[slot * SLOT_DOUBLES + SLOT_TOKEN];
    if (this.placedAligned) this.frameInts[depth * FRAME_INTS + FRAME_NODE] = this.placedNode;
    else {
      const edge = this.placedEdge;
      const ownsNode = this.placedOwnsNode;
      this.frameInts[depth * FRAME_INTS + FRAME_NODE] = ~this.placedNode;
      this.frameInts[depth * FRAME_INTS + FRAME_FN] = fn;
      this.frameInts[depth * FRAME_INTS + FRAME_EDGE] = edge;
      this.frameInts[depth * FRAME_INTS + FRAME_OWNS_NODE] = ownsNode;
      if (fn * FN_STRIDE >= this.fnRecords.length) this.growFunctions(fn + 1);
      this.fnRecords[fn * FN_STRIDE + FN_LEVEL]++;
      if (edge >= 0) this.edgeRecords[edge * EDGE_STRIDE + EDGE_LEVEL]++;
    }
    this.frameDoubles[depth * FRAME_DOUBLES + FRAME_START] = now;
    this.frameDoubles[depth * FRAME_DOUBLES + FRAME_CHILD_TIME] = 0;
    this.frameDoubles[depth * FRAME_DOUBLES + FRAME_READINGS] = this.readings[READINGS_SO_FAR];
    this.frameInts[depth * FRAME_INTS + FRAME_SLOT] = slot;
    this.depth = depth + 1;
    if (depth >= this.maxDepthSeen) {
      this.maxDepthSeen = depth + 1;
      this.settleFastDepthLimit();
    }
  }

  /** enter()'s fast-path bound: min(maxDepth, stack capacity, maxDepthSeen), or 0 while a reopen is pending (see reopenDepth). */
  private settleFastDepthLimit(): void {
    this.fastDepthLimit = this.reopenDepth >= 0 ? 0 : mathMin(this.maxDepth, this.frameDoubles.length / FRAME_DOUBLES, this.maxDepthSeen);
  }

  /** Ends the slice on top of the stack at eventTime[0] and pops it (_lsprof.c Stop()); returns its slot (NO_SLOT: a plain function). */
  private endSlice(): number {
    const depth = --this.depth;
    const node = this.frameInts[depth * FRAME_INTS + FRAME_NODE];
    if (node >= 0) this.endAlignedSlice(depth, node);
    else this.endDirectSlice(depth, node);
    return this.frameDoubles[depth * FRAME_DOUBLES + FRAME_TOKEN] > 0 ? this.frameInts[depth * FRAME_INTS + FRAME_SLOT] : NO_SLOT;
  }

  /** Ends the aligned slice at stack index `index` (just popped; its node `node`) at eventTime[0]: the node's total time (tt; collect() derives the self time). */
  private endAlignedSlice(index: number, node: number): void {
    this.measureSlice(index);
    this.nodeStats[node * ALIGNED_STRIDE + ALIGNED_TOTAL] += this.eventTime[SLICE_TIME];
    // A plain call ending off exit()'s fast path: readClock() counted its reading (see readings).
    if (this.frameDoubles[index * FRAME_DOUBLES + FRAME_TOKEN] < 0) this.countReadings(node, -1);
    if (index < this.materialized) this.dematerialize(index, node);
  }

  /** Ends the direct slice at stack index `index` (just popped; its node `~node`) at eventTime[0]: function, edge and direct node counters. */
  private endDirectSlice(index: number, node: number): void {
    this.measureSlice(index);
    const elapsed = this.eventTime[SLICE_TIME];
    const self = elapsed - this.frameDoubles[index * FRAME_DOUBLES + FRAME_CHILD_TIME];
    if (index > 0) {
      // An aligned caller keeps no child time: its node sums its direct callees' (exit() has the same inline).
      const below = this.frameInts[(index - 1) * FRAME_INTS + FRAME_NODE];
      if (below >= 0) {
        const extra = this.extraAt(below);
        this.extraRecords[extra + EXTRA_DIRECT_CALLEES] += elapsed;
        this.extraRecords[extra + EXTRA_READINGS] += this.readings[READINGS_SO_FAR] - this.frameDoubles[index * FRAME_DOUBLES + FRAME_READINGS];
      } else this.frameDoubles[(index - 1) * FRAME_DOUBLES + FRAME_CHILD_TIME] += elapsed;
    }
    const fn = this.frameInts[index * FRAME_INTS + FRAME_FN];
    const fnAt = fn * FN_STRIDE;
    this.fnRecords[fnAt + FN_SELF] += self;
    if (--this.fnRecords[fnAt + FN_LEVEL] === 0) this.fnRecords[fnAt + FN_TOTAL] += elapsed;
    const edge = this.frameInts[index * FRAME_INTS + FRAME_EDGE];
    if (edge >= 0) {
      const edgeAt = edge * EDGE_STRIDE;
      this.edgeRecords[edgeAt + EDGE_SELF] += self;
      if (--this.edgeRecords[edgeAt + EDGE_LEVEL] === 0) this.edgeRecords[edgeAt + EDGE_TOTAL] += elapsed;
    }
    const at = this.extraAt(~node);
    this.extraRecords[at + EXTRA_DIRECT_SELF] += self;
    if (this.frameInts[index * FRAME_INTS + FRAME_OWNS_NODE] === 1) this.extraRecords[at + EXTRA_DIRECT_TOTAL] += elapsed;
  }

  /**
   * Puts the time (tt) of the slice at stack index `index`, ending at eventTime[0], in
   * eventTime[SLICE_TIME] (a double returned from a call V8 did not inline is a fresh heap
   * number): for a direct frame less a bias per reading since it started, never below its
   * callees' time; for an aligned one, which keeps no child time, never below 0, and collect()
   * takes its biases out (exit() has the same inline).
   */
  private measureSlice(index: number): void {
    const elapsed = this.eventTime[EVENT_TIME] - this.frameDoubles[index * FRAME_DOUBLES + FRAME_START];
    if (this.frameInts[index * FRAME_INTS + FRAME_NODE] >= 0) {
      this.eventTime[SLICE_TIME] = elapsed < 0 ? 0 : elapsed;
      return;
    }
    const compensated = elapsed - this.readings[READING_BIAS] * (this.readings[READINGS_SO_FAR] - this.frameDoubles[index * FRAME_DOUBLES + FRAME_READINGS]);
    const floor = this.frameDoubles[index * FRAME_DOUBLES + FRAME_CHILD_TIME];
    this.eventTime[SLICE_TIME] = compensated < floor ? floor : compensated;
  }

  /** Adds the levels of the aligned frames from stack index `materialized` up to `depth` (or to the first direct frame) to the function and edge levels. */
  private materialize(depth: number): void {
    let index = this.materialized;
    for (; index < depth; index++) {
      const node = this.frameInts[index * FRAME_INTS + FRAME_NODE];
      if (node < 0) break;
      const fn = this.nodeLinks[node * LINK_STRIDE + LINK_FN];
      if (fn * FN_STRIDE >= this.fnRecords.length) this.growFunctions(fn + 1);
      this.fnRecords[fn * FN_STRIDE + FN_LEVEL]++;
      const edge = this.nodeEdge(node);
      if (edge >= 0) this.edgeRecords[edge * EDGE_STRIDE + EDGE_LEVEL]++;
    }
    this.materialized = index;
  }

  /** The materialized aligned frame at stack index `index` (of `node`) has left the stack: its levels go. */
  private dematerialize(index: number, node: number): void {
    this.fnRecords[this.nodeLinks[node * LINK_STRIDE + LINK_FN] * FN_STRIDE + FN_LEVEL]--;
    const edge = this.nodeEdge(node);
    if (edge >= 0) this.edgeRecords[edge * EDGE_STRIDE + EDGE_LEVEL]--;
    this.materialized = index;
  }

  /**
   * Adds `readings` to node `node`'s EXTRA_READINGS. Not `this.extraRecords[this.extraAt(node) + ...]++`:
   * JavaScript reads `this.extraRecords` before extraAt() runs, so when extraAt() grew the array the
   * count went to the old one and was lost.
   */
  private countReadings(node: number, readings: number): void {
    const at = this.extraAt(node);
    this.extraRecords[at + EXTRA_READINGS] += readings;
  }

  /**
   * Offset of node `node`'s extra record in extraRecords, the record made first if the node has
   * none (which may replace extraRecords: read the array after calling this).
   */
  private extraAt(node: number): number {
    if (node >= this.nodeExtraIds.length) this.nodeExtraIds = this.grownBesideNodes(this.nodeExtraIds);
    const id = this.nodeExtraIds[node];
    if (id !== 0) return (id - 1) * EXTRA_STRIDE;
    const made = this.extraCount++;
    const at = made * EXTRA_STRIDE;
    if (at === this.extraRecords.length) this.extraRecords = growFloat64(this.extraRecords, mathMax(64, made * 2) * EXTRA_STRIDE);
    this.nodeExtraIds[node] = made + 1;
    return at;
  }

  /** Offset of node `node`'s extra record in extraRecords, or -1 when it has none (made by nothing). */
  private existingExtra(node: number): number {
    const id = node < this.nodeExtraIds.length ? this.nodeExtraIds[node] : 0;
    return id !== 0 ? (id - 1) * EXTRA_STRIDE : -1;
  }

  /** A per-node array of ints (nodeEdges, nodeExtraIds), grown to as many nodes as nodeStats holds. */
  private grownBesideNodes(array: Int32Array): Int32Array {
    return growInt32(array, this.nodeStats.length / ALIGNED_STRIDE);
  }

  /** The tree node of the frame at stack index `index` (its own, or past the cap the one it aggregates into). */
  private frameNode(index: number): number {
    const node = this.frameInts[index * FRAME_INTS + FRAME_NODE];
    return node >= 0 ? node : ~node;
  }

  private frameOwnsNode(index: number): boolean {
    return this.frameInts[index * FRAME_INTS + FRAME_NODE] >= 0 || this.frameInts[index * FRAME_INTS + FRAME_OWNS_NODE] === 1;
  }

  private frameFn(index: number): number {
    const node = this.frameInts[index * FRAME_INTS + FRAME_NODE];
    return node >= 0 ? this.nodeLinks[node * LINK_STRIDE + LINK_FN] : this.frameInts[index * FRAME_INTS + FRAME_FN];
  }

  /** The slot of the frame at stack index `index`, NO_SLOT for a plain function. */
  private frameSlot(index: number): number {
    return this.frameDoubles[index * FRAME_DOUBLES + FRAME_TOKEN] > 0 ? this.frameInts[index * FRAME_INTS + FRAME_SLOT] : NO_SLOT;
  }

  /** Closes (as exits, at eventTime[0]) the frames above stack index `index`. */
  private closeAbove(index: number): void {
    while (this.depth - 1 > index) {
      const slot = this.endSlice();
      if (slot !== NO_SLOT) this.finish(slot);
    }
  }

  /** The stack index of the active frame `slot` (usually the top). */
  private stackIndexOfSlot(slot: number): number {
    let index = this.depth - 1;
    while (index >= 0 && this.frameSlot(index) !== slot) index--;
    return index;
  }

  /** The live slot `token` names, or -1 (a plain function's token, stale, foreign, malformed). Division, not `%`: fmod is a slow call. */
  private slotOf(token: number): number {
    if (!(token > 0)) return -1;
    const low = token - floor(token / LOW_RANGE) * LOW_RANGE;
    const slot = low & (SLOT_RANGE - 1);
    if (slot >= this.slotCount || this.slotDoubles[slot * SLOT_DOUBLES + SLOT_TOKEN] !== token || this.slotBytes[slot * SLOT_BYTES + SLOT_STATE] === FREE) return -1;
    return slot;
  }

  /** The frame in `slot` (off the stack) is over at eventTime[0]: async wall time (on the raw clock: the bias is not taken out of a wall time, which includes the probes like any wall clock of the profiled run), then the slot is freed. */
  private finish(slot: number): void {
    const fn = this.slotInts[slot * SLOT_INTS + SLOT_FN];
    const kind = this.kindTable.kinds[fn];
    if (kind === SITE_KIND_ASYNC || kind === SITE_KIND_ASYNC_GENERATOR) {
      // Less the other thread's work meanwhile (offClockSeconds), never below 0: a compile that began before
      // the invocation is taken out whole.
      const wall = this.eventTime[EVENT_TIME] - this.offClockTicks() - this.slotDoubles[slot * SLOT_DOUBLES + SLOT_INVOKED];
      if (wall > 0) this.fnRecords[fn * FN_STRIDE + FN_ASYNC_WALL] += wall;
    }
    this.slotBytes[slot * SLOT_BYTES + SLOT_STATE] = FREE;
    if (this.freeCount === this.freeSlots.length) this.freeSlots = growInt32(this.freeSlots, this.freeCount * 2);
    this.freeSlots[this.freeCount++] = slot;
  }

  /** A slot when none is free: a new one, or one reclaimed from abandoned generators; -1 past the cap. */
  private allocateSlot(): number {
    const slot = this.slotCount;
    if (slot >= this.maxFrames) {
      if (!this.reclaimSuspendedGenerators()) return -1;
      return this.freeSlots[--this.freeCount];
    }
    if (slot * SLOT_DOUBLES === this.slotDoubles.length) this.growSlots(slot * 2);
    this.slotCount = slot + 1;
    return slot;
  }

  /** Closes every suspended generator frame (abandoned ones never exit); true when that freed a slot. */
  private reclaimSuspendedGenerators(): boolean {
    this.readClock();
    const before = this.freeCount;
    for (let slot = 0; slot < this.slotCount; slot++) {
      if (this.slotBytes[slot * SLOT_BYTES + SLOT_STATE] !== SUSPENDED) continue;
      const kind = this.kindTable.kinds[this.slotInts[slot * SLOT_INTS + SLOT_FN]];
      if (kind === SITE_KIND_GENERATOR || kind === SITE_KIND_ASYNC_GENERATOR) this.finish(slot);
    }
    this.reclaimedFrames += this.freeCount - before;
    return this.freeCount > before;
  }

  private edgeFor(caller: number, callee: number): number {
    const found = this.edges.find(caller, callee);
    if (found >= 0) return found;
    const edge = this.edges.add(caller, callee);
    if (edge * EDGE_STRIDE === this.edgeRecords.length) this.edgeRecords = growFloat64(this.edgeRecords, edge * 2 * EDGE_STRIDE);
    return edge;
  }

  /** The tree node for `fn` under `parent`, created if needed; -1 past the node cap (counted as dropped). */
  private childNode(parent: number, fn: number): number {
    const node = this.findChild(parent, fn);
    if (node < 0) this.droppedTreeNodes++;
    return node;
  }

  /**
   * The child of `parent` for `fn`: found among its children, else a new node appended to them
   * (children stay in creation order); -1 when none can be made past the node cap (nothing is
   * stored then: memory stays bounded however many paths follow).
   *
   * The first WIDE_SCAN children are scanned; a parent with more has the rest in the wide index
   * (wideBuckets), so no lookup visits more than WIDE_SCAN siblings and a hash probe. A dispatcher
   * calling 8,000 distinct functions in turn scanned 4,000 siblings a call on average before: 22.6
   * us a call against 1.2 us with the index (plain node: 0.4 us), nearly all of it charged to the
   * dispatcher as its own time. The scan stays first: a busy parent's first children are in the
   * cache because their own calls touch them, and a table for every parent's third and later
   * children was slower on acorn (bench/README, session 16).
   */
  private findChild(parent: number, fn: number): number {
    const links = this.nodeLinks;
    let last = 0;
    let child = links[parent * LINK_STRIDE + LINK_FIRST_CHILD];
    let scanned = 0;
    for (; child !== 0; scanned++) {
      // More children than the scan looks at: the parent is in the wide index (it was put there
      // when its child WIDE_SCAN + 1 was made), which holds the rest of them and the last one.
      if (scanned === WIDE_SCAN) return this.wideChild(parent, fn);
      if (links[child * LINK_STRIDE + LINK_FN] === fn) return child;
      last = child;
      child = links[child * LINK_STRIDE + LINK_NEXT_SIBLING];
    }
    return scanned === WIDE_SCAN ? this.newWideChild(parent, fn, last) : this.newChild(parent, fn, last);
  }

  /**
   * A new node for `fn`, appended to the children of `parent` after `last` (0: it has none), -1
   * past the node cap. Kept out of findChild(), whose scan runs on many calls, so that it stays
   * as small as it was before the wide index.
   */
  private newChild(parent: number, fn: number, last: number): number {
    if (this.nodeCount >= this.maxTreeNodes + 1) return -1;
    const node = this.nodeCount++;
    if (node * ALIGNED_STRIDE === this.nodeStats.length) {
      // Never past the cap: node ids end at maxTreeNodes.
      this.nodeStats = growFloat64(this.nodeStats, treeCapacity(node, this.maxTreeNodes + 1) * ALIGNED_STRIDE);
      this.nodeLinks = new Int32Array(this.nodeStats.buffer);
    }
    const grown = this.nodeLinks;
    grown[node * LINK_STRIDE + LINK_PARENT] = parent;
    grown[node * LINK_STRIDE + LINK_FN] = fn;
    if (last === 0) grown[parent * LINK_STRIDE + LINK_FIRST_CHILD] = node;
    else grown[last * LINK_STRIDE + LINK_NEXT_SIBLING] = node;
    return node;
  }

  /**
   * The child of `parent` for `fn` past its first WIDE_SCAN children, from the wide index, else a
   * new node appended after its last child and put in the index (-1 past the node cap).
   */
  private wideChild(parent: number, fn: number): number {
    const buckets = this.wideBuckets;
    const links = this.nodeLinks;
    const mask = buckets.length - 1;
    for (let i = wideHash(parent, fn) & mask; ; i = (i + 1) & mask) {
      const entry = buckets[i];
      if (entry === 0) break;
      if (entry > 0 && links[(entry - 1) * LINK_STRIDE + LINK_FN] === fn && links[(entry - 1) * LINK_STRIDE + LINK_PARENT] === parent) return entry - 1;
    }
    if (this.nodeCount >= this.maxTreeNodes + 1) return -1;
    return this.newWideChild(parent, fn, this.wideLast(parent));
  }

  /** A new node for `fn`, child WIDE_SCAN + 1 or later of `parent`, in the index as its child and as its last child. */
  private newWideChild(parent: number, fn: number, last: number): number {
    const node = this.newChild(parent, fn, last);
    if (node >= 0) {
      this.indexWide(node, node + 1);
      this.indexWide(node, -(node + 1));
    }
    return node;
  }

  /** The last child of a parent in the wide index. */
  private wideLast(parent: number): number {
    const buckets = this.wideBuckets;
    const mask = buckets.length - 1;
    for (let i = wideHash(parent, -1) & mask; ; i = (i + 1) & mask) {
      const entry = buckets[i];
      if (entry < 0 && this.nodeLinks[(-entry - 1) * LINK_STRIDE + LINK_PARENT] === parent) return -entry - 1;
    }
  }

  /**
   * Puts `entry` into the wide index: node + 1, the child `node` under its parent and function,
   * or −(node + 1), `node` as its parent's last child (keyed on the parent and −1), replacing the
   * previous last child's entry. The buckets stay at most half full.
   */
  private indexWide(node: number, entry: number): void {
    if ((this.wideCount + 1) * 2 > this.wideBuckets.length) this.rehashWide(mathMax(1024, this.wideBuckets.length * 2));
    const links = this.nodeLinks;
    const parent = links[node * LINK_STRIDE + LINK_PARENT];
    const buckets = this.wideBuckets;
    const mask = buckets.length - 1;
    let i = wideHash(parent, entry > 0 ? links[node * LINK_STRIDE + LINK_FN] : -1) & mask;
    for (; buckets[i] !== 0; i = (i + 1) & mask) {
      if (entry < 0 && buckets[i] < 0 && links[(-buckets[i] - 1) * LINK_STRIDE + LINK_PARENT] === parent) {
        buckets[i] = entry;
        return;
      }
    }
    buckets[i] = entry;
    this.wideCount++;
  }

  private rehashWide(length: number): void {
    const old = this.wideBuckets;
    const links = this.nodeLinks;
    const buckets = new Int32Array(length);
    const mask = length - 1;
    for (let k = 0; k < old.length; k++) {
      const entry = old[k];
      if (entry === 0) continue;
      const node = entry > 0 ? entry - 1 : -entry - 1;
      let i = wideHash(links[node * LINK_STRIDE + LINK_PARENT], entry > 0 ? links[node * LINK_STRIDE + LINK_FN] : -1) & mask;
      while (buckets[i] !== 0) i = (i + 1) & mask;
      buckets[i] = entry;
    }
    this.wideBuckets = buckets;
  }

  /** The caller→callee edge of `node` (-1 under the root), looked up on first use. */
  private nodeEdge(node: number): number {
    if (node >= this.nodeEdges.length) this.nodeEdges = this.grownBesideNodes(this.nodeEdges);
    const known = this.nodeEdges[node];
    if (known !== 0) return known - 1;
    const edge = this.edgeUnder(this.nodeLinks[node * LINK_STRIDE + LINK_PARENT], this.nodeLinks[node * LINK_STRIDE + LINK_FN]);
    this.nodeEdges[node] = edge + 1;
    return edge;
  }

  /** The edge of a call of `fn` under tree node `parent`: from its function, -1 under the root. */
  private edgeUnder(parent: number, fn: number): number {
    return parent === ROOT_NODE ? -1 : this.edgeOfPair(this.nodeLinks[parent * LINK_STRIDE + LINK_FN], fn);
  }

  private growFunctions(needed: number): void {
    let length = this.fnRecords.length / FN_STRIDE;
    while (length < needed) length *= 2;
    this.fnRecords = growFloat64(this.fnRecords, length * FN_STRIDE);
    this.fnInts = new Int32Array(this.fnRecords.buffer);
  }

  private growStack(length: number): void {
    this.frameDoubles = growFloat64(this.frameDoubles, length * FRAME_DOUBLES);
    this.frameInts = new Int32Array(this.frameDoubles.buffer);
  }

  private growSlots(length: number): void {
    this.slotDoubles = growFloat64(this.slotDoubles, length * SLOT_DOUBLES);
    this.slotInts = new Int32Array(this.slotDoubles.buffer);
    this.slotBytes = new Uint8Array(this.slotDoubles.buffer);
  }

}

/** Up to this many entries, the tree's arrays double when full. */
const TREE_DOUBLING_LIMIT = 65536;

/**
 * The capacity that replaces a full tree array of `length` entries (the node records), at
 * most `cap`: doubled while small, then four times as large, and straight to the cap once that
 * is at least half of it (65,536, 262,144, then 1,000,000 nodes at the default cap). A growth copies the
 * whole array into memory the kernel must fault in page by page, and frees the old one: on acorn
 * parsing @babel/parser (387,000 nodes) doubling took 26,700 page faults where this takes 20,100,
 * and the parse's main-thread CPU time went from 0.619 s to 0.601 s (median of 9). Pages of the
 * larger array that no node reaches are never touched, so they cost address space, not memory.
 */
function treeCapacity(length: number, cap: number): number {
  if (length < TREE_DOUBLING_LIMIT) return mathMin(length * 2, cap);
  const grown = length * 4;
  return grown * 2 >= cap ? cap : grown;
}

/** The wide index's hash of (parent, function); −1 for a parent's last child. */
function wideHash(parent: number, fn: number): number {
  const h = imul(parent ^ imul(fn, 0x85ebca6b), 0x9e3779b1);
  return h ^ (h >>> 15);
}

function isGeneratorKind(kind: number): boolean {
  return kind === SITE_KIND_GENERATOR || kind === SITE_KIND_ASYNC_GENERATOR;
}

