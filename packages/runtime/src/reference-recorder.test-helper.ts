// The reference recorder for tests: the recorder as it was before the aligned-slice layout (b358776),
// counting every call into per-function, per-edge and per-node counters as it happens. The
// recorder's oracle test (recorder-oracle.test.ts) runs random probe sequences through both and
// wants the same profiles. Below, the original file, with the class renamed and collect() added.
//
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
// Async functions and generators (design.md §2; cProfile gets these wrong, cpython#115218):
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
// - `for await (x of gen())`: the protocol suspends the consumer in the loop head (value: the
//   async iterable) and at the end of each body (no value), just before the loop calls next().
//   So when an async generator enters or resumes right after such a suspension (no probe in
//   between), it runs under that suspended consumer, not under whatever is below it;
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
// Layout (the hot path): a plain function's frame lives only in the stack arrays (function,
// edge, tree node, slice start, child time, token), so its enter and exit are a few typed-array
// updates with no allocation and no hashing (a tree node caches its latest child). Async
// functions and generators, which outlive their slices, also own a slot that keeps what a
// suspended frame needs (invocation, logical caller, delegation).
//
// Bounds: at most `maxDepth` frames on the stack and `maxFrames` live async/generator frames
// (enter returns 0 past them: the call goes uncounted, its time to its caller). Generators dropped while
// suspended never exit and would hold their frames forever: when the frames run out, the
// suspended generator frames are closed (as at a snapshot) to make room; should one of them
// resume after all, its later slices go to its caller. At most `maxTreeNodes` tree nodes
// (past the cap a call is aggregated into its nearest recorded ancestor: self time there, no
// calls; `droppedTreeNodes` counts those calls). Disabling closes every open frame (like
// cProfile's flush_unmatched); their later probes are no-ops.
import type { Clock } from "./clock";
import type { CollectedStats, KindTable, RecorderOptions } from "./recorder";
import { LINK_FN, LINK_PARENT, LINK_STRIDE, NODE_CALLS, NODE_SELF, NODE_STRIDE, NODE_TOTAL } from "./recorder";
import { PairTable } from "./pair-table";
import { isDelegableIterator, mayDriveGenerator } from "./iterable-kinds";
import { SITE_KIND_ASYNC, SITE_KIND_ASYNC_GENERATOR, SITE_KIND_FUNCTION, SITE_KIND_GENERATOR } from "./probe-types";
import { growFloat64, growInt32, growUint8 } from "./safe-builtins";


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

// nodeStats and nodeLinks have the layout profile-builder reads, the Recorder's; the rest of nodeLinks is this file's own.
const LINK_EDGE = 2;
const LINK_FIRST_BLOCK = 3;

/** Layout of a child block: BLOCK_ENTRIES entries of ENTRY_INTS, then the next block's offset: one 64-byte line. */
const BLOCK_ENTRIES = 5;
const ENTRY_INTS = 3;
const BLOCK_NEXT = BLOCK_ENTRIES * ENTRY_INTS;
const BLOCK_INTS = 16;
/** Offset of the scratch entry that answers a lookup past the node cap (in block 0, never a child block). */
const SCRATCH_ENTRY = 0;
/** stackSlot of a plain function's frame: it has no slot. */
const NO_SLOT = -1;

/**
 * The third argument of `suspend(token, value, 1)`: the transforms mark the two suspensions of a `for
 * await` loop with it (the head, and the end of each body), after which the loop's machinery calls the
 * iterator's next() (the head: first its [Symbol.asyncIterator] or [Symbol.iterator] method). A number,
 * compared with ===: a handle from an older copy of the runtime passes a boolean there.
 */
const FOR_AWAIT_MARKER = 1;
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

export class ReferenceRecorder {
  readonly clock: Clock;
  private readonly kindTable: KindTable;
  readonly tag: number;
  readonly maxTreeNodes: number;
  readonly maxDepth: number;
  readonly maxFrames: number;

  // Per function (global id): calls, primitive calls, self/total ticks, async wall ticks, recursion level.
  fnCalls = new Float64Array(64);
  fnPrimitiveCalls = new Float64Array(64);
  fnSelf = new Float64Array(64);
  fnTotal = new Float64Array(64);
  fnAsyncWall = new Float64Array(64);
  fnLevel = new Int32Array(64);

  // Per caller→callee edge (id from `edges`).
  edges = new PairTable(256);
  edgeCalls = new Float64Array(256);
  edgePrimitiveCalls = new Float64Array(256);
  edgeSelf = new Float64Array(256);
  edgeTotal = new Float64Array(256);
  edgeLevel = new Int32Array(256);

  // Call-tree nodes, ids 0 (the root), 1, 2, ... in creation order, so a parent precedes its children.
  nodeCount = 1;
  /** Parent, function, caller→callee edge (-1 under the root) and first child block of node n, at n·LINK_STRIDE + LINK_*. */
  nodeLinks = new Int32Array(256 * LINK_STRIDE);
  /** Calls, self ticks and total ticks of node n at n·NODE_STRIDE + NODE_CALLS/SELF/TOTAL: one cache line, not three. */
  nodeStats = new Float64Array(256 * NODE_STRIDE);
  /**
   * Each node's children, in blocks of BLOCK_ENTRIES entries (function + 1 (0: free), child node
   * (-1: past the cap), edge) and the offset of the next block (0: none); block 0 is unused.
   * A call looks its callee up in its caller's blocks, a line or two of memory that the caller's
   * other calls keep warm, where a hash table would touch a cold bucket and cold keys.
   */
  private childBlocks = new Int32Array(64 * BLOCK_INTS);
  private blockCount = 1;
  droppedTreeNodes = 0;
  /**
   * Calls not recorded at all: made past the depth cap (maxDepth, TSPROF_MAX_DEPTH) or, for an
   * async function or generator, with every live frame taken (maxFrames). Their time is their
   * caller's; they are in no count, so the profile says how many there were (meta.droppedCalls).
   */
  droppedCalls = 0;
  /** Suspended generator frames closed early because the live frames ran out. */
  reclaimedFrames = 0;

  // The stack of active frames, bottom first: one slice each.
  private stackToken = new Float64Array(64);
  private stackFn = new Int32Array(64);
  private stackEdge = new Int32Array(64);
  private stackNode = new Int32Array(64);
  private stackOwnsNode = new Uint8Array(64);
  private stackStart = new Float64Array(64); // slice start, ticks
  private stackChildTime = new Float64Array(64); // subt: tt of the frames this slice called
  private stackSlot = new Int32Array(64); // the frame's slot, NO_SLOT for a plain function
  // A frame without a tree node of its own (past the cap): its most recent callee and that call's edge.
  private stackLastCallee = new Int32Array(64);
  private stackLastEdge = new Int32Array(64);
  depth = 0;
  maxDepthSeen = 0;
  /** Serial of the latest plain-function frame. */
  private serial: number;

  // Async and generator frames, by slot: what outlives a slice.
  private slotFn = new Int32Array(64);
  private slotState = new Uint8Array(64);
  private slotGeneration = new Int32Array(64);
  private slotToken = new Float64Array(64); // the token enter() handed out for the frame
  // Placement of the frame's latest slice: edge, tree node, whether it owns that node.
  private slotEdge = new Int32Array(64);
  private slotNode = new Int32Array(64);
  private slotOwnsNode = new Uint8Array(64);
  private slotInvoked = new Float64Array(64); // invocation time, ticks (async wall time)
  private slotInvokedEdge = new Int32Array(64);
  private slotInvokedNode = new Int32Array(64);
  private slotInvokedOwnsNode = new Uint8Array(64);
  // yield*: the delegating frame (slot, generation; -1: none) of a frame, whether a frame is
  // delegating now, and whether it is on the stack only because its inner runs.
  private slotDelegatorSlot = new Int32Array(64);
  private slotDelegatorGeneration = new Int32Array(64);
  private slotDelegating = new Uint8Array(64);
  private slotAutoResumed = new Uint8Array(64);
  private slotCount = 0; // high-water mark
  private freeSlots = new Int32Array(64);
  private freeCount = 0;

  /** The frame whose suspend was the latest probe event (else -1), and the value it suspended with. */
  private lastSuspended = -1;
  private lastSuspendedValue: unknown = undefined;
  /** A plain iterator-method call run under a suspended driver at this stack index (-1: none): see reopenWindow(). */
  private reopenDepth = -1;
  private reopenDriver = -1;
  private reopenKind: unknown = undefined;

  // Where placeFrame() put a new slice: edge (-1: none), tree node, whether the slice owns it.
  private placedEdge = -1;
  private placedNode = 0;
  private placedOwnsNode = 1;

  constructor(clock: Clock, kindTable: KindTable, tag: number, options: RecorderOptions = {}) {
    this.clock = clock;
    this.kindTable = kindTable;
    this.tag = tag;
    this.serial = (tag * SERIAL_TAG_SPACING) & SERIAL_MASK;
    this.maxTreeNodes = Math.max(1, options.maxTreeNodes ?? 400_000);
    this.maxDepth = Math.max(1, options.maxDepth ?? 100_000);
    this.maxFrames = Math.min(SLOT_RANGE, Math.max(1, options.maxFrames ?? SLOT_RANGE));
    this.nodeLinks[ROOT_NODE * LINK_STRIDE + LINK_PARENT] = -1;
    this.nodeLinks[ROOT_NODE * LINK_STRIDE + LINK_FN] = -1;
    this.nodeLinks[ROOT_NODE * LINK_STRIDE + LINK_EDGE] = -1;
  }

  /** A call of function `fn` starts. Returns its token, or 0 when past a cap. */
  enter(fn: number): number {
    if (this.kindTable.kinds[fn] !== SITE_KIND_FUNCTION) return this.enterSlotFrame(fn);
    if (this.reopenDepth >= this.depth) this.reopenWindow();
    if (this.depth >= this.maxDepth) {
      this.droppedCalls++;
      return 0;
    }
    const now = this.clock.now();
    const driver = this.lastSuspended >= 0 ? this.takeCallDriver(fn, now) : -1;
    if (fn >= this.fnCalls.length) this.growFunctions(fn + 1);
    this.fnCalls[fn]++;
    if (this.fnLevel[fn]++ === 0) this.fnPrimitiveCalls[fn]++;
    if (driver >= 0) this.placeUnderSlot(fn, driver, true);
    else this.placeUnderTop(fn, this.depth);
    const serial = (this.serial + 1) & SERIAL_MASK;
    this.serial = serial;
    const token = -1 - serial;
    this.push(token, fn, now, NO_SLOT);
    return token;
  }

  /** The call named by `token` ends. */
  exit(token: number): void {
    const top = this.depth - 1;
    if (top >= 0 && this.stackToken[top] === token && this.stackSlot[top] === NO_SLOT) {
      // A plain function returning (or throwing) to its caller: the hot path.
      const now = this.clock.now();
      this.lastSuspended = -1;
      this.endSlice(now);
      return;
    }
    if (token < 0) this.exitBelowTop(token);
    else this.exitSlotFrame(token);
  }

  /**
   * The frame named by `token` leaves the stack (await, yield, `return x` of an async generator);
   * `marker` FOR_AWAIT_MARKER for the head and the end of the body of a `for await` loop.
   */
  suspend(token: number, value?: unknown, marker?: unknown): void {
    if (this.reopenDepth >= 0) this.reopenWindow();
    const slot = this.slotOf(token);
    if (slot < 0 || this.slotState[slot] !== ACTIVE) return;
    const now = this.clock.now();
    this.settlePendingDelegation(now);
    if (this.slotState[slot] === ACTIVE) {
      this.closeAbove(this.stackIndexOfSlot(slot), now);
      this.endSlice(now);
      this.slotState[slot] = SUSPENDED;
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
    if (slot < 0 || this.slotState[slot] !== ACTIVE) return;
    if (this.lastSuspended >= 0 && this.lastSuspendedValue === PENDING_DELEGATION) this.settlePendingDelegation(this.clock.now());
    if (this.slotState[slot] === ACTIVE && this.stackSlot[this.depth - 1] === slot && isDelegableIterator(inner)) {
      this.slotDelegating[slot] = 1;
      this.lastSuspended = slot;
      this.lastSuspendedValue = PENDING_DELEGATION;
      return;
    }
    this.suspend(token);
    this.slotDelegating[slot] = 1;
    this.lastSuspendedValue = DELEGATION;
  }

  /** The frame named by `token` comes back on top of the stack. */
  resume(token: number): void {
    if (this.reopenDepth >= 0) this.reopenWindow();
    const slot = this.slotOf(token);
    if (slot < 0 || this.slotState[slot] !== SUSPENDED) return;
    if (this.depth >= this.maxDepth) {
      // No room on the stack: the slice runs unrecorded, its time to whatever is below.
      this.lastSuspended = -1;
      return;
    }
    const fn = this.slotFn[slot];
    this.slotDelegating[slot] = 0; // resumed by its own code: a delegation it made is over
    const pending = this.pendingDelegatorOf(fn);
    if (pending >= 0) {
      // `yield* it` of a generator started earlier: its delegator, still on the stack, runs it.
      this.joinPendingDelegation(slot, pending);
      this.resumeSlot(slot, this.clock.now(), -1);
      return;
    }
    const delegator = this.delegatorOf(slot);
    if (delegator >= 0 && this.slotState[delegator] === SUSPENDED && this.slotDelegating[delegator] === 1) {
      // A later next() of a yield* inner goes through its delegators: each comes back first, at
      // its own reading (cProfile sees the outer generator resume, then the inner).
      this.autoResume(delegator);
      this.lastSuspended = -1;
      this.lastSuspendedValue = undefined;
      this.resumeSlot(slot, this.clock.now(), -1);
      return;
    }
    const now = this.clock.now();
    this.settlePendingDelegation(now);
    const consumer = this.lastSuspended >= 0 ? this.takeDriver(fn, slot) : -1;
    this.resumeSlot(slot, now, consumer);
  }

  /** Closes every open frame at `now`: active ones as exits (top first), then suspended ones. */
  closeOpenFrames(now: number): void {
    while (this.depth > 0) {
      const slot = this.endSlice(now);
      if (slot !== NO_SLOT) this.finish(slot, now);
    }
    for (let slot = 0; slot < this.slotCount; slot++) {
      if (this.slotState[slot] === SUSPENDED) this.finish(slot, now);
    }
  }

  /** Whether any frame is open (on the stack, or suspended). */
  hasOpenFrames(): boolean {
    return this.depth > 0 || this.slotCount - this.freeCount > 0;
  }

  /** A deep copy: snapshots close the open frames of a copy, leaving the live stack alone. */
  clone(): ReferenceRecorder {
    const copy = new ReferenceRecorder(this.clock, this.kindTable, this.tag, {
      maxTreeNodes: this.maxTreeNodes,
      maxDepth: this.maxDepth,
      maxFrames: this.maxFrames,
    });
    const source = this as unknown as Record<string, unknown>;
    const target = copy as unknown as Record<string, unknown>;
    for (const key of Object.keys(source)) {
      const value = source[key];
      if (value instanceof PairTable) target[key] = value.clone();
      else if (ArrayBuffer.isView(value)) target[key] = (value as Float64Array).slice();
      else target[key] = value;
    }
    return copy;
  }

  /** Its counters, as Recorder.collect() returns them. */
  collect(): CollectedStats {
    return {
      fnCalls: this.fnCalls,
      fnPrimitiveCalls: this.fnPrimitiveCalls,
      fnSelf: this.fnSelf,
      fnTotal: this.fnTotal,
      fnAsyncWall: this.fnAsyncWall,
      edgeCalls: this.edgeCalls,
      edgePrimitiveCalls: this.edgePrimitiveCalls,
      edgeSelf: this.edgeSelf,
      edgeTotal: this.edgeTotal,
      nodeStats: this.nodeStats,
    };
  }

  // ---- plain functions off the hot path, async functions and generators

  /** exit() of a plain function's frame that is not on top: closes the frames above it first (self-healing); a stale token does nothing. */
  private exitBelowTop(token: number): void {
    let index = this.depth - 1;
    while (index >= 0 && this.stackToken[index] !== token) index--;
    if (index < 0) return;
    const now = this.clock.now();
    if (this.lastSuspended >= 0) this.endSuspensionWindow(now);
    this.closeAbove(index, now);
    this.endSlice(now);
  }

  /** exit() of an async function or generator. */
  private exitSlotFrame(token: number): void {
    const slot = this.slotOf(token);
    if (slot < 0) return;
    const now = this.clock.now();
    if (this.lastSuspended >= 0) this.endSuspensionWindow(now);
    if (this.slotState[slot] === ACTIVE) {
      this.closeAbove(this.stackIndexOfSlot(slot), now);
      this.endSlice(now);
      // A yield* inner finished: a generator delegator goes on with its own code; an async
      // generator's yield* awaits the inner's last result first, so it leaves the stack (and its
      // own delegators with it) until its resume, from the microtask queue.
      const depth = this.depth;
      if (depth > 0 && this.slotDelegatorSlot[slot] >= 0) {
        const below = this.stackSlot[depth - 1];
        if (below !== NO_SLOT && this.isDelegatorOf(below, slot)) {
          this.slotDelegating[below] = 0;
          if (this.kindTable.kinds[this.slotFn[below]] === SITE_KIND_ASYNC_GENERATOR) this.leaveDelegators(below);
          this.slotAutoResumed[below] = 0;
        }
      }
    }
    this.finish(slot, now);
  }

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
    let now = this.clock.now();
    if (fn >= this.fnCalls.length) this.growFunctions(fn + 1);
    this.slotDelegatorSlot[slot] = -1;
    this.slotDelegating[slot] = 0;
    this.slotAutoResumed[slot] = 0;

    // Right after a suspension: a `for await` consumer it runs under, or a yield* delegator.
    let consumer = -1;
    const pending = this.pendingDelegatorOf(fn);
    if (pending >= 0) {
      // The first next() of a yield* inner: its delegator, still on the stack, runs it.
      this.joinPendingDelegation(slot, pending);
    } else if (this.lastSuspended >= 0) {
      this.settlePendingDelegation(now);
      const driver = this.takeDriver(fn, -1);
      if (driver >= 0 && this.slotDelegating[driver] === 1) {
        // The first next() of an iterator a yield* started: its delegator comes back to run it.
        this.linkDelegator(slot, driver);
        this.autoResume(driver);
        now = this.clock.now();
      } else consumer = driver;
    }

    this.fnCalls[fn]++;
    if (this.fnLevel[fn]++ === 0) this.fnPrimitiveCalls[fn]++;
    if (consumer >= 0) this.placeUnderSlot(fn, consumer, true);
    else this.placeUnderTop(fn, this.depth);
    const edge = this.placedEdge;
    const node = this.placedNode;
    const ownsNode = this.placedOwnsNode;

    this.slotFn[slot] = fn;
    this.slotEdge[slot] = edge;
    this.slotNode[slot] = node;
    this.slotOwnsNode[slot] = ownsNode;
    this.slotInvokedEdge[slot] = edge;
    this.slotInvokedNode[slot] = node;
    this.slotInvokedOwnsNode[slot] = ownsNode;
    this.slotState[slot] = ACTIVE;
    this.slotInvoked[slot] = now;
    const generation = (this.slotGeneration[slot] + 1) & GENERATION_MASK;
    this.slotGeneration[slot] = generation;
    const token = generation * LOW_RANGE + this.tag * SLOT_RANGE + slot;
    this.slotToken[slot] = token;
    this.push(token, fn, now, slot);
    return token;
  }

  /** Puts the suspended frame `slot` back on top at `now`; `consumer` >= 0: run under that `for await` consumer. */
  private resumeSlot(slot: number, now: number, consumer: number): void {
    const fn = this.slotFn[slot];
    const kind = this.kindTable.kinds[fn];
    const depth = this.depth;
    if (kind === SITE_KIND_GENERATOR || (kind === SITE_KIND_ASYNC_GENERATOR && (depth > 0 || consumer >= 0))) {
      // Runs under whoever called next(): the `for await` consumer, the current top, or the root.
      // Such a placement is no call of the caller: no counts, and no latest-child cache update.
      if (consumer >= 0) this.placeUnderSlot(fn, consumer, false);
      else this.placeResumedUnderTop(fn, depth);
      this.slotEdge[slot] = this.placedEdge;
      this.slotNode[slot] = this.placedNode;
      this.slotOwnsNode[slot] = this.placedOwnsNode;
    } else if (kind !== SITE_KIND_ASYNC_GENERATOR) {
      // Async (and plain functions, which never suspend themselves): the logical caller.
      this.slotEdge[slot] = this.slotInvokedEdge[slot];
      this.slotNode[slot] = this.slotInvokedNode[slot];
      this.slotOwnsNode[slot] = this.slotInvokedOwnsNode[slot];
    }
    // (An async generator resumed with nothing on the stack keeps its previous slice's placement.)
    this.fnLevel[fn]++;
    this.placedEdge = this.slotEdge[slot];
    this.placedNode = this.slotNode[slot];
    this.placedOwnsNode = this.slotOwnsNode[slot];
    if (this.placedEdge >= 0) this.edgeLevel[this.placedEdge]++;
    this.slotState[slot] = ACTIVE;
    this.push(this.slotToken[slot], fn, now, slot);
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
    if (this.slotState[driver] !== SUSPENDED) return -1;
    if (value === DELEGATION) return kind === SITE_KIND_GENERATOR || kind === SITE_KIND_ASYNC_GENERATOR ? driver : -1;
    // A `for await` loop's next() runs a generator's next step, async or not (a sync iterable is
    // iterated through an async-from-sync iterator); any other suspension drives nothing, whatever
    // its value (an `await x` of an async generator object is no loop).
    if (value !== FOR_AWAIT && value !== FOR_AWAIT_HEAD) return -1;
    if (value === FOR_AWAIT_HEAD) return kind === SITE_KIND_ASYNC && this.iterationRole(fn) === NEXT_METHOD ? driver : -1;
    return kind === SITE_KIND_GENERATOR || kind === SITE_KIND_ASYNC_GENERATOR || (kind === SITE_KIND_ASYNC && this.iterationRole(fn) === NEXT_METHOD) ? driver : -1;
  }

  /** A plain call of `fn` in a `for await` or `yield*` window: the driver it runs under (named as an iteration method), or -1. */
  private takeCallDriver(fn: number, now: number): number {
    const driver = this.lastSuspended;
    this.settlePendingDelegation(now);
    const kind = this.lastSuspendedValue;
    this.lastSuspended = -1;
    this.lastSuspendedValue = undefined;
    if ((kind !== FOR_AWAIT && kind !== FOR_AWAIT_HEAD && kind !== DELEGATION) || this.slotState[driver] !== SUSPENDED) return -1;
    const role = this.iterationRole(fn);
    if (role === 0) return -1;
    if (role === ITERATOR_METHOD) {
      this.reopenDepth = this.depth;
      this.reopenDriver = driver;
      this.reopenKind = kind === FOR_AWAIT_HEAD ? FOR_AWAIT : kind;
    }
    return driver;
  }

  /** The first event after a pending reopen: at its stack index, with the driver still suspended, the window opens again. */
  private reopenWindow(): void {
    const at = this.reopenDepth;
    this.reopenDepth = -1;
    if (this.depth === at && this.slotState[this.reopenDriver] === SUSPENDED) {
      this.lastSuspended = this.reopenDriver;
      this.lastSuspendedValue = this.reopenKind;
    }
  }

  private iterationRole(fn: number): number {
    const info = this.kindTable.functions?.[fn];
    if (info === undefined) return 0;
    if (info.name === "next") return NEXT_METHOD;
    return info.name === "[Symbol.asyncIterator]" || info.name === "[Symbol.iterator]" ? ITERATOR_METHOD : 0;
  }

  /** Puts a delegating frame (and, first, its own delegators) back on the stack for its inner's slice, each at its own reading. */
  private autoResume(delegator: number): void {
    const outer = this.delegatorOf(delegator);
    if (outer >= 0 && this.slotState[outer] === SUSPENDED && this.slotDelegating[outer] === 1) this.autoResume(outer);
    const now = this.clock.now();
    this.settlePendingDelegation(now);
    this.resumeSlot(delegator, now, -1);
    this.slotAutoResumed[delegator] = 1;
  }

  /** The delegator of a pending delegation (see PENDING_DELEGATION) still on top of the stack, when `fn` is a generator that can be its inner; else -1. */
  private pendingDelegatorOf(fn: number): number {
    const delegator = this.lastSuspended;
    if (delegator < 0 || this.lastSuspendedValue !== PENDING_DELEGATION || !isGeneratorKind(this.kindTable.kinds[fn])) return -1;
    const depth = this.depth;
    return this.slotState[delegator] === ACTIVE && depth > 0 && this.stackSlot[depth - 1] === delegator ? delegator : -1;
  }

  /** The generator `slot` runs as the inner of the pending delegation of `delegator`, which stays on the stack. */
  private joinPendingDelegation(slot: number, delegator: number): void {
    this.lastSuspended = -1;
    this.lastSuspendedValue = undefined;
    this.linkDelegator(slot, delegator);
    this.slotAutoResumed[delegator] = 1;
  }

  /**
   * A pending delegation that the inner generator's entry did not follow: the delegator leaves
   * the stack at `now`, and the delegation goes on as an eager one would (lastSuspended stays).
   */
  private settlePendingDelegation(now: number): void {
    const delegator = this.lastSuspended;
    if (delegator < 0 || this.lastSuspendedValue !== PENDING_DELEGATION) return;
    this.lastSuspendedValue = DELEGATION;
    if (this.slotState[delegator] !== ACTIVE) return;
    this.closeAbove(this.stackIndexOfSlot(delegator), now);
    this.endSlice(now);
    this.slotState[delegator] = SUSPENDED;
  }

  /** A plain call or an exit ends the window in which a generator's entry counts as driven by the latest suspension. */
  private endSuspensionWindow(now: number): void {
    this.settlePendingDelegation(now);
    this.lastSuspended = -1;
    this.lastSuspendedValue = undefined;
  }

  private linkDelegator(slot: number, delegator: number): void {
    this.slotDelegatorSlot[slot] = delegator;
    this.slotDelegatorGeneration[slot] = this.slotGeneration[delegator];
  }

  /** The live frame that delegated to `slot` with yield*, or -1. */
  private delegatorOf(slot: number): number {
    const delegator = this.slotDelegatorSlot[slot];
    if (delegator < 0 || this.slotState[delegator] === FREE) return -1;
    return this.slotGeneration[delegator] === this.slotDelegatorGeneration[slot] ? delegator : -1;
  }

  private isDelegatorOf(delegator: number, inner: number): boolean {
    return this.delegatorOf(inner) === delegator;
  }

  /**
   * Takes `delegator` off the top of the stack, then its own delegator and so on outwards, while
   * each is on it only because its yield* inner ran (slotAutoResumed), each at its own reading (as
   * cProfile sees the inner generator return, then the outer one).
   */
  private leaveDelegators(delegator: number): void {
    while (delegator >= 0 && this.depth > 0 && this.stackSlot[this.depth - 1] === delegator && this.slotAutoResumed[delegator] === 1) {
      this.endSlice(this.clock.now());
      this.slotState[delegator] = SUSPENDED;
      this.slotAutoResumed[delegator] = 0;
      delegator = this.delegatorOf(delegator);
    }
  }

  // ---- internals

  /**
   * Places a call of `fn` made by the frame at stack index `depth - 1` (the root when `depth` is
   * 0): sets placedEdge/Node/OwnsNode and counts the call on the edge and the node.
   */
  private placeUnderTop(fn: number, depth: number): void {
    let edge = -1;
    let node: number;
    let ownsNode = 1;
    let parent = ROOT_NODE;
    if (depth > 0) {
      const caller = depth - 1;
      if (this.stackOwnsNode[caller] !== 1) {
        // The caller has no node of its own (past the cap): the call aggregates into the caller's.
        edge = this.edgeOfCallerWithoutNode(caller, fn);
        this.droppedTreeNodes++;
        this.edgeCalls[edge]++;
        if (this.edgeLevel[edge]++ === 0) this.edgePrimitiveCalls[edge]++;
        this.placedEdge = edge;
        this.placedNode = this.stackNode[caller];
        this.placedOwnsNode = 0;
        return;
      }
      parent = this.stackNode[caller];
    }
    // The first entry of the parent's first block inline (a loop's or a recursion's only callee), else the scan.
    const first = this.nodeLinks[parent * LINK_STRIDE + LINK_FIRST_BLOCK];
    const entry = first !== 0 && this.childBlocks[first] === fn + 1 ? first : this.childEntry(parent, fn);
    const blocks = this.childBlocks;
    node = blocks[entry + 1];
    edge = blocks[entry + 2];
    if (node < 0) {
      this.droppedTreeNodes++;
      node = parent;
      ownsNode = 0;
    } else this.nodeStats[node * NODE_STRIDE + NODE_CALLS]++;
    if (edge >= 0) {
      this.edgeCalls[edge]++;
      if (this.edgeLevel[edge]++ === 0) this.edgePrimitiveCalls[edge]++;
    }
    this.placedEdge = edge;
    this.placedNode = node;
    this.placedOwnsNode = ownsNode;
  }

  /**
   * Places `fn` under the suspended frame `caller` (a `for await` consumer): a call it makes
   * (`countCall`, counted like placeUnderTop does), or a resumption it drives (nothing counted).
   */
  private placeUnderSlot(fn: number, caller: number, countCall: boolean): void {
    const edge = this.edgeFor(this.slotFn[caller], fn);
    let node = this.slotOwnsNode[caller] === 1 ? this.childNode(this.slotNode[caller], fn) : -1;
    let ownsNode = 1;
    if (node < 0) {
      node = this.slotNode[caller];
      ownsNode = 0;
      if (countCall && this.slotOwnsNode[caller] !== 1) this.droppedTreeNodes++;
    } else if (countCall) this.nodeStats[node * NODE_STRIDE + NODE_CALLS]++;
    if (countCall) {
      this.edgeCalls[edge]++;
      if (this.edgeLevel[edge]++ === 0) this.edgePrimitiveCalls[edge]++;
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
    this.placedEdge = this.edgeFor(this.stackFn[top], fn);
    const node = this.stackOwnsNode[top] === 1 ? this.childNode(this.stackNode[top], fn) : -1;
    this.placedOwnsNode = node < 0 ? 0 : 1;
    this.placedNode = node < 0 ? this.stackNode[top] : node;
  }

  /** The edge caller→fn for a caller frame without a tree node of its own (past the node cap), cached per frame. */
  private edgeOfCallerWithoutNode(caller: number, fn: number): number {
    if (this.stackLastCallee[caller] === fn) return this.stackLastEdge[caller];
    const edge = this.edgeFor(this.stackFn[caller], fn);
    this.stackLastCallee[caller] = fn;
    this.stackLastEdge[caller] = edge;
    return edge;
  }

  /** Pushes a slice of `fn` at `now`, placed where placedEdge/Node/OwnsNode say. */
  private push(token: number, fn: number, now: number, slot: number): void {
    const depth = this.depth;
    if (depth === this.stackToken.length) this.growStack(depth * 2);
    this.stackToken[depth] = token;
    this.stackFn[depth] = fn;
    this.stackEdge[depth] = this.placedEdge;
    this.stackNode[depth] = this.placedNode;
    const ownsNode = this.placedOwnsNode;
    this.stackOwnsNode[depth] = ownsNode;
    if (ownsNode !== 1) this.stackLastCallee[depth] = -1;
    this.stackStart[depth] = now;
    this.stackChildTime[depth] = 0;
    this.stackSlot[depth] = slot;
    this.depth = depth + 1;
    if (depth >= this.maxDepthSeen) this.maxDepthSeen = depth + 1;
  }

  /** Ends the slice on top of the stack at `now` and pops it (_lsprof.c Stop()); returns its slot (NO_SLOT: a plain function). */
  private endSlice(now: number): number {
    const depth = --this.depth;
    const elapsed = now - this.stackStart[depth]; // tt
    const self = elapsed - this.stackChildTime[depth]; // it
    if (depth > 0) this.stackChildTime[depth - 1] += elapsed;
    const fn = this.stackFn[depth];
    this.fnSelf[fn] += self;
    if (--this.fnLevel[fn] === 0) this.fnTotal[fn] += elapsed;
    const edge = this.stackEdge[depth];
    if (edge >= 0) {
      this.edgeSelf[edge] += self;
      if (--this.edgeLevel[edge] === 0) this.edgeTotal[edge] += elapsed;
    }
    const at = this.stackNode[depth] * NODE_STRIDE;
    this.nodeStats[at + NODE_SELF] += self;
    if (this.stackOwnsNode[depth] === 1) this.nodeStats[at + NODE_TOTAL] += elapsed;
    return this.stackSlot[depth];
  }

  /** Closes (as exits) the frames above stack index `index`. */
  private closeAbove(index: number, now: number): void {
    while (this.depth - 1 > index) {
      const slot = this.endSlice(now);
      if (slot !== NO_SLOT) this.finish(slot, now);
    }
  }

  /** The stack index of the active frame `slot` (usually the top). */
  private stackIndexOfSlot(slot: number): number {
    let index = this.depth - 1;
    while (index >= 0 && this.stackSlot[index] !== slot) index--;
    return index;
  }

  /** The live slot `token` names, or -1 (a plain function's token, stale, foreign, malformed). Division, not `%`: fmod is a slow call. */
  private slotOf(token: number): number {
    if (!(token > 0)) return -1;
    const low = token - Math.floor(token / LOW_RANGE) * LOW_RANGE;
    const slot = low & (SLOT_RANGE - 1);
    if (slot >= this.slotCount || this.slotToken[slot] !== token || this.slotState[slot] === FREE) return -1;
    return slot;
  }

  /** The frame in `slot` (off the stack) is over: async wall time, then the slot is freed. */
  private finish(slot: number, now: number): void {
    const fn = this.slotFn[slot];
    const kind = this.kindTable.kinds[fn];
    if (kind === SITE_KIND_ASYNC || kind === SITE_KIND_ASYNC_GENERATOR) {
      this.fnAsyncWall[fn] += now - this.slotInvoked[slot];
    }
    this.slotState[slot] = FREE;
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
    if (slot === this.slotFn.length) this.growSlots(slot * 2);
    this.slotCount = slot + 1;
    return slot;
  }

  /** Closes every suspended generator frame (abandoned ones never exit); true when that freed a slot. */
  private reclaimSuspendedGenerators(): boolean {
    const now = this.clock.now();
    const before = this.freeCount;
    for (let slot = 0; slot < this.slotCount; slot++) {
      if (this.slotState[slot] !== SUSPENDED) continue;
      const kind = this.kindTable.kinds[this.slotFn[slot]];
      if (kind === SITE_KIND_GENERATOR || kind === SITE_KIND_ASYNC_GENERATOR) this.finish(slot, now);
    }
    this.reclaimedFrames += this.freeCount - before;
    return this.freeCount > before;
  }

  private edgeFor(caller: number, callee: number): number {
    const found = this.edges.find(caller, callee);
    if (found >= 0) return found;
    const edge = this.edges.add(caller, callee);
    if (edge === this.edgeCalls.length) {
      const length = edge * 2;
      this.edgeCalls = growFloat64(this.edgeCalls, length);
      this.edgePrimitiveCalls = growFloat64(this.edgePrimitiveCalls, length);
      this.edgeSelf = growFloat64(this.edgeSelf, length);
      this.edgeTotal = growFloat64(this.edgeTotal, length);
      this.edgeLevel = growInt32(this.edgeLevel, length);
    }
    return edge;
  }

  /** The tree node for `fn` under `parent`, created if needed; -1 past the node cap (counted as dropped). */
  private childNode(parent: number, fn: number): number {
    const node = this.childBlocks[this.childEntry(parent, fn) + 1];
    if (node < 0) this.droppedTreeNodes++;
    return node;
  }

  /** Offset in childBlocks of the entry for `fn` under `parent`, created (with its node, unless past the cap) if needed. */
  private childEntry(parent: number, fn: number): number {
    const key = fn + 1;
    const blocks = this.childBlocks;
    let block = this.nodeLinks[parent * LINK_STRIDE + LINK_FIRST_BLOCK];
    let last = 0;
    while (block !== 0) {
      const end = block + BLOCK_NEXT;
      for (let entry = block; entry < end; entry += ENTRY_INTS) {
        const found = blocks[entry];
        if (found === key) return entry;
        if (found === 0) return this.addChild(parent, fn, entry);
      }
      last = block;
      block = blocks[end];
    }
    if (this.nodeCount >= this.maxTreeNodes + 1) return this.addChild(parent, fn, SCRATCH_ENTRY); // no block for a node that cannot be made
    const fresh = this.allocateBlock();
    if (last === 0) this.nodeLinks[parent * LINK_STRIDE + LINK_FIRST_BLOCK] = fresh;
    else this.childBlocks[last + BLOCK_NEXT] = fresh;
    return this.addChild(parent, fn, fresh);
  }

  /**
   * Fills the free child entry at `entry`: a new node for `fn` under `parent` and its edge.
   * Past the node cap nothing is stored (memory stays bounded however many paths follow): the
   * scratch entry at offset 0 (block 0 is never a child block) returns node -1 and the edge.
   */
  private addChild(parent: number, fn: number, entry: number): number {
    const edge = parent === ROOT_NODE ? -1 : this.edgeFor(this.nodeLinks[parent * LINK_STRIDE + LINK_FN], fn);
    const blocks = this.childBlocks;
    if (this.nodeCount >= this.maxTreeNodes + 1) {
      blocks[SCRATCH_ENTRY + 1] = -1;
      blocks[SCRATCH_ENTRY + 2] = edge;
      return SCRATCH_ENTRY;
    }
    const node = this.nodeCount++;
    if (node * LINK_STRIDE === this.nodeLinks.length) {
      this.nodeLinks = growInt32(this.nodeLinks, node * 2 * LINK_STRIDE);
      this.nodeStats = growFloat64(this.nodeStats, node * 2 * NODE_STRIDE);
    }
    const at = node * LINK_STRIDE;
    this.nodeLinks[at + LINK_PARENT] = parent;
    this.nodeLinks[at + LINK_FN] = fn;
    this.nodeLinks[at + LINK_EDGE] = edge;
    blocks[entry] = fn + 1;
    blocks[entry + 1] = node;
    blocks[entry + 2] = edge;
    return entry;
  }

  /** A zeroed child block; returns its offset. */
  private allocateBlock(): number {
    const offset = this.blockCount * BLOCK_INTS;
    if (offset === this.childBlocks.length) this.childBlocks = growInt32(this.childBlocks, offset * 2);
    this.blockCount++;
    return offset;
  }

  private growFunctions(needed: number): void {
    let length = this.fnCalls.length;
    while (length < needed) length *= 2;
    this.fnCalls = growFloat64(this.fnCalls, length);
    this.fnPrimitiveCalls = growFloat64(this.fnPrimitiveCalls, length);
    this.fnSelf = growFloat64(this.fnSelf, length);
    this.fnTotal = growFloat64(this.fnTotal, length);
    this.fnAsyncWall = growFloat64(this.fnAsyncWall, length);
    this.fnLevel = growInt32(this.fnLevel, length);
  }

  private growStack(length: number): void {
    this.stackToken = growFloat64(this.stackToken, length);
    this.stackFn = growInt32(this.stackFn, length);
    this.stackEdge = growInt32(this.stackEdge, length);
    this.stackNode = growInt32(this.stackNode, length);
    this.stackOwnsNode = growUint8(this.stackOwnsNode, length);
    this.stackStart = growFloat64(this.stackStart, length);
    this.stackChildTime = growFloat64(this.stackChildTime, length);
    this.stackSlot = growInt32(this.stackSlot, length);
    this.stackLastCallee = growInt32(this.stackLastCallee, length);
    this.stackLastEdge = growInt32(this.stackLastEdge, length);
  }

  private growSlots(length: number): void {
    this.slotFn = growInt32(this.slotFn, length);
    this.slotState = growUint8(this.slotState, length);
    this.slotGeneration = growInt32(this.slotGeneration, length);
    this.slotToken = growFloat64(this.slotToken, length);
    this.slotEdge = growInt32(this.slotEdge, length);
    this.slotNode = growInt32(this.slotNode, length);
    this.slotOwnsNode = growUint8(this.slotOwnsNode, length);
    this.slotInvoked = growFloat64(this.slotInvoked, length);
    this.slotInvokedEdge = growInt32(this.slotInvokedEdge, length);
    this.slotInvokedNode = growInt32(this.slotInvokedNode, length);
    this.slotInvokedOwnsNode = growUint8(this.slotInvokedOwnsNode, length);
    this.slotDelegatorSlot = growInt32(this.slotDelegatorSlot, length);
    this.slotDelegatorGeneration = growInt32(this.slotDelegatorGeneration, length);
    this.slotDelegating = growUint8(this.slotDelegating, length);
    this.slotAutoResumed = growUint8(this.slotAutoResumed, length);
  }
}

function isGeneratorKind(kind: number): boolean {
  return kind === SITE_KIND_GENERATOR || kind === SITE_KIND_ASYNC_GENERATOR;
}

