// Python pstats files (.prof/.pstats): a bounds-checked marshal reader, a marshal writer, and pstats dict <-> Profile.
//
// A pstats file is `marshal.dump(stats)` of the dict
//   {(file, line, funcname): (cc, nc, tt, ct, {caller_key: (nc, cc, tt, ct)})}
// Mind the swap: a function row starts with primitive calls (cc), a caller value with total calls (nc).
// Builtins appear as ("~", 0, "<built-in method builtins.exec>"). Files written by the pure-Python
// `profile` module carry a bare call count instead of a caller tuple.
// References: CPython Python/marshal.c (r_object, w_object) and Lib/pstats.py.
import { nodeBuiltin } from "./node-builtins";
import { ProfileError, readFileBytes, readProfile } from "./read";
import { compareFunctions } from "./canonical";
import { PROFILE_FORMAT, PROFILE_VERSION, type EdgeStats, type FunctionInfo, type FunctionStats, type Profile } from "./types";

// ---------------------------------------------------------------------------------------------
// The pstats model at the marshal boundary: the positional tuples, with names.

/** A pstats function key: the tuple (file, line, funcname). */
export interface PstatsKey {
  file: string;
  line: number;
  name: string;
}

/** One value of a row's callers dict: calls of the row's function made from `caller`. */
export interface PstatsCaller {
  caller: PstatsKey;
  /** nc: calls from this caller. */
  calls: number;
  /** cc: of those, primitive ones. */
  primitiveCalls: number;
  /** tt, seconds. */
  selfTime: number;
  /** ct, seconds. */
  totalTime: number;
  /** The value was a bare call count (pure-Python `profile` module), not a tuple: only `calls` is known. */
  countOnly?: boolean;
}

/** One item of the pstats dict: a function's row. */
export interface PstatsEntry {
  function: PstatsKey;
  /** cc: primitive calls. */
  primitiveCalls: number;
  /** nc: all calls. */
  calls: number;
  /** tt, seconds. */
  selfTime: number;
  /** ct, seconds. */
  totalTime: number;
  /** The callers dict, in file order. */
  callers: PstatsCaller[];
}

/** The string that identifies a pstats key: (file, line, name). */
export function pstatsKeyId(key: PstatsKey): string {
  return `${key.file}\u0000${key.line}\u0000${key.name}`;
}

// ---------------------------------------------------------------------------------------------
// Marshal values. Python ints become numbers (bigint beyond 2^53), str becomes string.

export class PyTuple {
  constructor(readonly items: MarshalValue[]) {}
}
export class PyList {
  constructor(readonly items: MarshalValue[]) {}
}
/** A dict as its items in file order; a repeated key keeps its first position and its last value, as in Python. */
export class PyDict {
  constructor(readonly entries: Array<[MarshalValue, MarshalValue]>) {}
}
export class PySet {
  constructor(
    readonly items: MarshalValue[],
    readonly frozen: boolean,
  ) {}
}
export class PyBytes {
  constructor(readonly bytes: Uint8Array) {}
}
/**
 * A code object, read as far as pstats shows one: the pure-Python `profile` module keys the run's
 * top frame by `("profile", 0, <code object>)`, printed with the code's repr. CPython's repr has the
 * object's address (`at 0x7f1aaa13b230`), which no file records; `at 0x000000000000` stands in: the
 * same every time, and as wide as the usual 64-bit address, so columns line up as in pstats' output.
 */
export class PyCode {
  constructor(
    readonly name: string,
    readonly filename: string,
    readonly firstLine: number,
  ) {}
  repr(): string {
    return `<code object ${this.name} at 0x000000000000, file "${this.filename}", line ${this.firstLine}>`;
  }
}
/** Values pstats never contains but marshal can: StopIteration, Ellipsis, complex numbers. */
export class PyOther {
  constructor(readonly description: string) {}
}
export type MarshalValue = null | boolean | number | bigint | string | PyTuple | PyList | PyDict | PySet | PyBytes | PyCode | PyOther;

const FLAG_REF = 0x80;
/** CPython's MAX_MARSHAL_STACK_DEPTH. */
const MAX_DEPTH = 2000;

class MarshalReader {
  private pos = 0;
  private readonly refs: Array<MarshalValue | undefined> = [];
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly name: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(reason: string): never {
    throw new ProfileError(this.name, `bad marshal data at offset ${this.pos}: ${reason}`);
  }

  private need(count: number, what: string): void {
    if (count > this.bytes.length - this.pos) this.fail(`truncated (${what} needs ${count} bytes, ${this.bytes.length - this.pos} left)`);
  }
  private byte(): number {
    this.need(1, "a byte");
    return this.bytes[this.pos++]!;
  }
  private int32(): number {
    this.need(4, "an int");
    const value = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return value;
  }
  /** A length prefix: each element takes at least `minBytes`, so a length beyond the input is caught before allocating. */
  private length(value: number, minBytes: number, what: string): number {
    if (value < 0) this.fail(`negative ${what} size ${value}`);
    if (value * minBytes > this.bytes.length - this.pos) this.fail(`${what} size ${value} exceeds the ${this.bytes.length - this.pos} bytes left`);
    return value;
  }
  private take(count: number, what: string): Uint8Array {
    this.need(count, what);
    const slice = this.bytes.subarray(this.pos, this.pos + count);
    this.pos += count;
    return slice;
  }

  readTop(): MarshalValue {
    const value = this.read(0);
    if (value === undefined) this.fail("NULL object at top level");
    return value;
  }

  /** One object; `undefined` for TYPE_NULL ("0"), which only ends a dict. */
  private read(depth: number): MarshalValue | undefined {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    const start = this.pos;
    if (this.pos >= this.bytes.length) this.fail("EOF read where object expected");
    const code = this.byte();
    const flagged = (code & FLAG_REF) !== 0;
    const type = String.fromCharCode(code & ~FLAG_REF);
    // Containers take their reference slot before their items (marshal.c R_REF right after creation).
    const reserve = (): number => {
      if (!flagged) return -1;
      this.refs.push(undefined);
      return this.refs.length - 1;
    };
    const keep = <T extends MarshalValue>(value: T, slot = reserve()): T => {
      if (slot >= 0) this.refs[slot] = value;
      return value;
    };
    switch (type) {
      case "0":
        return undefined;
      case "N":
        return null;
      case "F":
        return false;
      case "T":
        return true;
      case "S":
        return new PyOther("StopIteration");
      case ".":
        return new PyOther("Ellipsis");
      case "i":
        return keep(this.int32());
      case "I": {
        this.need(8, "an int64");
        const value = this.view.getBigInt64(this.pos, true);
        this.pos += 8;
        return keep(toNumberIfSafe(value));
      }
      case "l":
        return keep(this.long());
      case "f": {
        const text = latin1(this.take(this.byte(), "a float"));
        const value = Number(text.trim());
        if (text.trim() === "" || (Number.isNaN(value) && !/^[+-]?nan$/i.test(text.trim()))) this.fail(`bad float literal ${JSON.stringify(text)}`);
        return keep(value);
      }
      case "g": {
        this.need(8, "a float");
        const value = this.view.getFloat64(this.pos, true);
        this.pos += 8;
        return keep(value);
      }
      case "x":
        this.take(this.byte(), "a complex");
        this.take(this.byte(), "a complex");
        return keep(new PyOther("complex"));
      case "y":
        this.take(16, "a complex");
        return keep(new PyOther("complex"));
      case "s":
        return keep(new PyBytes(this.take(this.length(this.int32(), 1, "bytes"), "bytes").slice()));
      case "u":
      case "t":
        return keep(decodeUtf8SurrogatePass(this.take(this.length(this.int32(), 1, "string"), "a string"), () => this.fail("string is not valid UTF-8")));
      case "a":
      case "A":
        return keep(latin1(this.take(this.length(this.int32(), 1, "string"), "a string")));
      case "z":
      case "Z":
        return keep(latin1(this.take(this.byte(), "a string")));
      case "r": {
        const index = this.int32();
        const value = index >= 0 && index < this.refs.length ? this.refs[index] : undefined;
        if (value === undefined) this.fail(`invalid reference ${index}`);
        return value;
      }
      case ")":
      case "(":
      case "[":
      case "<":
      case ">": {
        const size = type === ")" ? this.byte() : this.length(this.int32(), 1, type === "[" ? "list" : type === "(" ? "tuple" : "set");
        const slot = reserve();
        const items: MarshalValue[] = [];
        for (let i = 0; i < size; i++) {
          const item = this.read(depth + 1);
          if (item === undefined) this.fail(`NULL object in ${type === "[" ? "list" : "tuple"}`);
          items.push(item);
        }
        const value = type === "[" ? new PyList(items) : type === "<" || type === ">" ? new PySet(items, type === ">") : new PyTuple(items);
        return keep(value, slot);
      }
      case "{": {
        const slot = reserve();
        const entries: Array<[MarshalValue, MarshalValue]> = [];
        const dict = keep(new PyDict(entries), slot);
        for (;;) {
          const key = this.read(depth + 1);
          if (key === undefined) break;
          const value = this.read(depth + 1);
          if (value === undefined) break; // marshal.c stops the dict silently here too
          if (key instanceof PyList || key instanceof PyDict || (key instanceof PySet && !key.frozen)) {
            this.fail(`unhashable dict key (${key instanceof PyList ? "list" : key instanceof PyDict ? "dict" : "set"})`);
          }
          entries.push([key, value]);
        }
        return dict;
      }
      case "c": {
        const slot = reserve();
        return keep(this.code(depth, start), slot);
      }
      default:
        this.pos = start;
        this.fail(`unknown type code 0x${code.toString(16).padStart(2, "0")}`);
    }
  }

  /**
   * TYPE_CODE, whose fields differ by Python version (marshal.c w_object; the file records no version,
   * so the layout is told by what follows the leading 32-bit ints):
   *   3.6-3.7:   5 ints (argcount, kwonlyargcount, nlocals, stacksize, flags), code, consts, names,
   *              varnames, freevars, cellvars (a tuple), filename, name, firstlineno (int), lnotab
   *   3.8-3.10:  6 ints (posonlyargcount added), the same objects, firstlineno, lnotab/linetable
   *   3.11-3.13: 5 ints (argcount, posonlyargcount, kwonlyargcount, stacksize, flags), code, consts,
   *              names, localsplusnames, localspluskinds, filename (a str), name, qualname,
   *              firstlineno (int), linetable, exceptiontable
   * The slot for a back-reference is taken before the fields, as marshal.c's r_ref_reserve() does.
   */
  private code(depth: number, start: number): PyCode {
    const object = (what: string): MarshalValue => {
      const value = this.read(depth + 1);
      if (value === undefined) this.fail(`NULL ${what} in a code object`);
      return value;
    };
    const text = (what: string): string => {
      const value = object(what);
      if (typeof value !== "string") this.fail(`code object ${what} is ${typeName(value)}, expected str`);
      return value;
    };
    for (let i = 0; i < 5; i++) this.int32();
    // 3.8-3.10 have a sixth int (flags) where the others have the bytecode, a bytes object ("s", then
    // a 4-byte length). The flags' own low byte can be "s" too (0x73, a nested generator expression),
    // so the test is four bytes on: the bytecode's "s" after 3.8's flags, the top byte of a length
    // (0 for any bytecode under 16 MB) in the other layouts.
    this.need(5, "a code object");
    if ((this.bytes[this.pos + 4]! & ~FLAG_REF) === 0x73) this.int32();
    for (const what of ["bytecode", "consts", "names", "varnames", "freevars"]) object(what);
    const sixth = object("cellvars or filename");
    let filename: string;
    let name: string;
    if (typeof sixth === "string") {
      filename = sixth; // 3.11+
      name = text("name");
      text("qualname");
    } else if (sixth instanceof PyTuple) {
      filename = text("filename"); // 3.6-3.10: the sixth object was cellvars
      name = text("name");
    } else {
      this.pos = start;
      return this.fail("code object of an unknown Python version (tsprof reads those of 3.6-3.13)");
    }
    const firstLine = this.int32();
    object("line table");
    if (typeof sixth === "string") object("exception table");
    return new PyCode(name, filename, firstLine);
  }

  // TYPE_LONG: a signed digit count, then that many 15-bit digits, least significant first.
  private long(): number | bigint {
    const count = this.int32();
    const size = this.length(Math.abs(count), 2, "long");
    let value = 0n;
    for (let i = 0; i < size; i++) {
      this.need(2, "a long digit");
      const digit = this.view.getUint16(this.pos, true);
      this.pos += 2;
      if (digit >= 1 << 15) this.fail("digit out of range in long");
      if (i === size - 1 && digit === 0) this.fail("unnormalized long data");
      value |= BigInt(digit) << BigInt(15 * i);
    }
    return toNumberIfSafe(count < 0 ? -value : value);
  }
}

function toNumberIfSafe(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

function latin1(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return text;
}

/** UTF-8 with Python's "surrogatepass": encoded lone surrogates (ED A0..BF xx) decode to lone UTF-16 surrogates. */
function decodeUtf8SurrogatePass(bytes: Uint8Array, invalid: () => never): string {
  const units: number[] = [];
  let text = "";
  for (let i = 0; i < bytes.length; ) {
    const b0 = bytes[i]!;
    let cp: number;
    let size: number;
    if (b0 < 0x80) [cp, size] = [b0, 1];
    else if (b0 >= 0xc2 && b0 < 0xe0) [cp, size] = [b0 & 0x1f, 2];
    else if (b0 >= 0xe0 && b0 < 0xf0) [cp, size] = [b0 & 0x0f, 3];
    else if (b0 >= 0xf0 && b0 < 0xf5) [cp, size] = [b0 & 0x07, 4];
    else return invalid();
    if (i + size > bytes.length) invalid();
    for (let k = 1; k < size; k++) {
      const b = bytes[i + k]!;
      if ((b & 0xc0) !== 0x80) invalid();
      cp = (cp << 6) | (b & 0x3f);
    }
    if ((size === 3 && cp < 0x800) || (size === 4 && (cp < 0x10000 || cp > 0x10ffff))) invalid();
    if (cp >= 0x10000) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    else units.push(cp);
    i += size;
    if (units.length >= 8192) text += String.fromCharCode(...units.splice(0));
  }
  return text + String.fromCharCode(...units);
}

/** Decodes one marshalled object (trailing bytes are ignored, as marshal.load does). Faults throw ProfileError naming `name`. */
export function decodeMarshal(bytes: Uint8Array, name: string): MarshalValue {
  return new MarshalReader(bytes, name).readTop();
}

// The writer's builtins, taken when this module loads (before user code): String.prototype.charCodeAt,
// the DataView accessors, TypedArray subarray() and Number.isInteger are all replaceable.
const reflectApply = Reflect.apply;
const stringCharCodeAt = String.prototype.charCodeAt;
const isInteger = Number.isInteger;
const dataViewSetInt32 = DataView.prototype.setInt32;
const dataViewSetFloat64 = DataView.prototype.setFloat64;
const dataViewGetUint8 = DataView.prototype.getUint8;
const typedArraySubarray = Object.getPrototypeOf(Uint8Array.prototype).subarray as (this: Uint8Array, begin: number, end: number) => Uint8Array;
const codeUnitAt = (text: string, index: number): number => reflectApply(stringCharCodeAt, text, [index]) as number;

/**
 * Builds marshal (version 4) bytes for the few types a pstats dict needs.
 * It runs at process exit inside user code (file.ts writes .prof there), so it calls no
 * patchable prototype method (no Array push, no TextEncoder): bytes go into a typed array by
 * index, and the builtins it needs are the ones captured above.
 */
export class MarshalWriter {
  private bytes = new Uint8Array(4096);
  private length = 0;
  private readonly scratch = new DataView(new ArrayBuffer(8));

  private byte(value: number): void {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      for (let i = 0; i < this.length; i++) grown[i] = this.bytes[i]!;
      this.bytes = grown;
    }
    this.bytes[this.length++] = value;
  }
  private int32(value: number): void {
    reflectApply(dataViewSetInt32, this.scratch, [0, value, true]);
    for (let i = 0; i < 4; i++) this.byte(reflectApply(dataViewGetUint8, this.scratch, [i]) as number);
  }
  dictStart(): this {
    this.byte(0x7b); // "{"
    return this;
  }
  dictEnd(): this {
    this.byte(0x30); // "0" (TYPE_NULL) ends a dict
    return this;
  }
  tuple(size: number): this {
    if (size < 256) {
      this.byte(0x29); // ")" small tuple
      this.byte(size);
    } else {
      this.byte(0x28); // "("
      this.int32(size);
    }
    return this;
  }
  str(text: string): this {
    let ascii = true;
    for (let i = 0; i < text.length && ascii; i++) ascii = codeUnitAt(text, i) < 0x80;
    if (ascii) {
      if (text.length < 256) {
        this.byte(0x7a); // "z" short ASCII
        this.byte(text.length);
      } else {
        this.byte(0x61); // "a" ASCII
        this.int32(text.length);
      }
      for (let i = 0; i < text.length; i++) this.byte(codeUnitAt(text, i));
      return this;
    }
    this.byte(0x75); // "u": UTF-8, length first
    const lengthAt = this.length;
    this.int32(0);
    this.utf8SurrogatePass(text);
    reflectApply(dataViewSetInt32, this.scratch, [0, this.length - lengthAt - 4, true]);
    for (let i = 0; i < 4; i++) this.bytes[lengthAt + i] = reflectApply(dataViewGetUint8, this.scratch, [i]) as number;
    return this;
  }
  // UTF-8 with "surrogatepass" (as marshal writes str), so that any JS string, lone surrogates included, round-trips.
  private utf8SurrogatePass(text: string): void {
    for (let i = 0; i < text.length; i++) {
      let cp = codeUnitAt(text, i);
      if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < text.length) {
        const low = codeUnitAt(text, i + 1);
        if (low >= 0xdc00 && low < 0xe000) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          i++;
        }
      }
      if (cp < 0x80) this.byte(cp);
      else if (cp < 0x800) {
        this.byte(0xc0 | (cp >> 6));
        this.byte(0x80 | (cp & 0x3f));
      } else if (cp < 0x10000) {
        this.byte(0xe0 | (cp >> 12));
        this.byte(0x80 | ((cp >> 6) & 0x3f));
        this.byte(0x80 | (cp & 0x3f));
      } else {
        this.byte(0xf0 | (cp >> 18));
        this.byte(0x80 | ((cp >> 12) & 0x3f));
        this.byte(0x80 | ((cp >> 6) & 0x3f));
        this.byte(0x80 | (cp & 0x3f));
      }
    }
  }
  int(value: number | bigint): this {
    // A count read from a pstats long past 2^53 is the nearest double: an integer all the same,
    // written back as the long it denotes (BigInt() of an integral double is exact).
    if (typeof value === "number" && !isInteger(value)) throw new RangeError(`not an integer: ${value}`);
    if (typeof value === "number" && value >= -0x80000000 && value <= 0x7fffffff) {
      this.byte(0x69); // "i"
      this.int32(value);
      return this;
    }
    // "l": signed count of 15-bit digits, least significant first.
    const big = BigInt(value);
    let magnitude = big < 0n ? -big : big;
    let count = 0;
    for (let rest = magnitude; rest > 0n; rest >>= 15n) count++;
    this.byte(0x6c);
    this.int32(big < 0n ? -count : count);
    for (; magnitude > 0n; magnitude >>= 15n) {
      const digit = Number(magnitude & 0x7fffn);
      this.byte(digit & 0xff);
      this.byte(digit >> 8);
    }
    return this;
  }
  float(value: number): this {
    this.byte(0x67); // "g" binary float
    reflectApply(dataViewSetFloat64, this.scratch, [0, value, true]);
    for (let i = 0; i < 8; i++) this.byte(reflectApply(dataViewGetUint8, this.scratch, [i]) as number);
    return this;
  }
  toBytes(): Uint8Array {
    return reflectApply(typedArraySubarray, this.bytes, [0, this.length]) as Uint8Array;
  }
}

// ---------------------------------------------------------------------------------------------
// pstats dict <-> PstatsEntry[]

/**
 * The row a pstats file holds when nothing was recorded: `pstats.Stats(path)` refuses an empty
 * dict (TypeError "Cannot create or construct a Stats object"), and cProfile's own dumps always
 * have a row (its disable() call), so an empty profile is written as this one row of zeros.
 */
export const NO_CALLS_KEY: PstatsKey = { file: "~", line: 0, name: "<no calls recorded>" };

/**
 * Encodes entries as the bytes of a pstats file that Python's `pstats.Stats(path)` loads.
 *
 * Two things cProfile never writes are left out or stood in for, so that the tools reading pstats
 * files (pyprof2calltree, gprof2dot, snakeviz) meet only what they know:
 * - a caller entry with 0 calls: tsprof has them where a frame ran under a caller that did not
 *   call it (a generator resumed by another function than the one that created it: the resumer's
 *   edge has the time and no call). cProfile counts every resume as a call, so its edges always
 *   have one or more, and pyprof2calltree turns a 0-call edge's time into the caller's self time.
 *   The callee's row keeps all its numbers; only the edge is missing from the callers dict (it
 *   stays in .tsprof.json, `tsprof stats --callers` and the call tree);
 * - no entries at all: one row of zeros (NO_CALLS_KEY), which decodePstats() reads back as none.
 */
export function encodePstats(entries: readonly PstatsEntry[]): Uint8Array {
  const out = new MarshalWriter().dictStart();
  const key = (k: PstatsKey) => out.tuple(3).str(k.file).int(k.line).str(k.name);
  if (entries.length === 0) {
    key(NO_CALLS_KEY);
    out.tuple(5).int(0).int(0).float(0).float(0).dictStart().dictEnd();
  }
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    key(entry.function);
    // (cc, nc, tt, ct, callers): primitive calls first.
    out.tuple(5).int(entry.primitiveCalls).int(entry.calls).float(entry.selfTime).float(entry.totalTime).dictStart();
    for (let j = 0; j < entry.callers.length; j++) {
      const caller = entry.callers[j]!;
      if (caller.calls === 0) continue;
      key(caller.caller);
      if (caller.countOnly) out.int(caller.calls);
      // (nc, cc, tt, ct): total calls first.
      else out.tuple(4).int(caller.calls).int(caller.primitiveCalls).float(caller.selfTime).float(caller.totalTime);
    }
    out.dictEnd();
  }
  return out.dictEnd().toBytes();
}

/** Far more caller entries than any real profile holds; only a hostile file (references repeating a dict) gets there. */
const MAX_CALLER_ENTRIES = 5_000_000;

/** Reads the bytes of a pstats file (cProfile's or ours) into entries in file order. Faults throw ProfileError. */
export function decodePstats(bytes: Uint8Array, name: string): PstatsEntry[] {
  if (bytes.length === 0) throw new ProfileError(name, "empty file");
  const top = decodeMarshal(bytes, name);
  const fail = (reason: string): never => {
    throw new ProfileError(name, `not a pstats file: ${reason}`);
  };
  if (!(top instanceof PyDict)) return fail(`expected a marshalled dict, got ${typeName(top)}`);
  const asKey = (value: MarshalValue, where: string): PstatsKey => {
    if (!(value instanceof PyTuple) || value.items.length !== 3) return fail(`${where}: expected a (file, line, name) tuple, got ${typeName(value)}`);
    const [file, line, name] = value.items;
    if (typeof file !== "string") return fail(`${where}: file is ${typeName(file)}, expected str`);
    if (typeof line === "bigint") return fail(`${where}: line ${line} out of range`);
    if (typeof line !== "number" || !Number.isInteger(line)) return fail(`${where}: line is ${typeName(line)}, expected int`);
    if (name instanceof PyCode) return { file, line, name: name.repr() }; // the profile module's top frame
    if (typeof name !== "string") return fail(`${where}: function name is ${typeName(name)}, expected str`);
    return { file, line, name };
  };
  const asNumber = (value: MarshalValue, where: string): number => {
    if (typeof value === "boolean") return Number(value);
    if (typeof value === "bigint") return Number(value);
    if (typeof value !== "number") return fail(`${where}: expected a number, got ${typeName(value)}`);
    return value;
  };

  const row = (key: PstatsKey, cc: MarshalValue, nc: MarshalValue, tt: MarshalValue, ct: MarshalValue, where: string) => ({
    function: key,
    primitiveCalls: asNumber(cc, where),
    calls: asNumber(nc, where),
    selfTime: asNumber(tt, where),
    totalTime: asNumber(ct, where),
  });
  const entries = new Map<string, PstatsEntry>();
  const convertedCallers = new Map<PyDict, PstatsCaller[]>();
  let totalCallers = 0;
  top.entries.forEach(([rawKey, rawValue], index) => {
    const where = `entry ${index}`;
    const key = asKey(rawKey, where);
    if (!(rawValue instanceof PyTuple) || rawValue.items.length !== 5) {
      return fail(`${where} (${key.name}): expected a (cc, nc, tt, ct, callers) tuple, got ${typeName(rawValue)}`);
    }
    const [cc, nc, tt, ct, rawCallers] = rawValue.items as [MarshalValue, MarshalValue, MarshalValue, MarshalValue, MarshalValue];
    if (!(rawCallers instanceof PyDict)) return fail(`${where} (${key.name}): callers is ${typeName(rawCallers)}, expected dict`);
    // Marshal references let a small file repeat one big callers dict many times: convert each dict
    // once, and refuse more caller entries in total than any real profile has.
    totalCallers += rawCallers.entries.length;
    if (totalCallers > MAX_CALLER_ENTRIES) return fail(`more than ${MAX_CALLER_ENTRIES} caller entries in all`);
    const converted = convertedCallers.get(rawCallers);
    if (converted) {
      entries.set(pstatsKeyId(key), { ...row(key, cc, nc, tt, ct, where), callers: converted });
      return;
    }
    const callers = new Map<string, PstatsCaller>();
    rawCallers.entries.forEach(([rawCaller, value], callerIndex) => {
      const callerWhere = `${where} (${key.name}) caller ${callerIndex}`;
      const caller = asKey(rawCaller, callerWhere);
      let stats: PstatsCaller;
      if (value instanceof PyTuple && value.items.length === 4) {
        const [enc, ecc, ett, ect] = value.items as [MarshalValue, MarshalValue, MarshalValue, MarshalValue];
        stats = {
          caller,
          calls: asNumber(enc, callerWhere),
          primitiveCalls: asNumber(ecc, callerWhere),
          selfTime: asNumber(ett, callerWhere),
          totalTime: asNumber(ect, callerWhere),
        };
      } else if (typeof value === "number" || typeof value === "bigint") {
        stats = { caller, calls: Number(value), primitiveCalls: Number(value), selfTime: 0, totalTime: 0, countOnly: true };
      } else return fail(`${callerWhere}: expected an (nc, cc, tt, ct) tuple or a call count, got ${typeName(value)}`);
      callers.set(pstatsKeyId(caller), stats); // a repeated key keeps its place and takes the last value, as in a dict
    });
    const callerList = [...callers.values()];
    convertedCallers.set(rawCallers, callerList);
    entries.set(pstatsKeyId(key), { ...row(key, cc, nc, tt, ct, where), callers: callerList });
  });
  // encodePstats' stand-in for an empty profile is no function: read back, it was a row that
  // tsprof diff listed as gone and stats, --json and merges counted. Python's add() of such a file
  // to another keeps it beside the real rows; it goes there too.
  const placeholder = entries.get(pstatsKeyId(NO_CALLS_KEY));
  if (placeholder !== undefined && isNoCallsRow(placeholder)) entries.delete(pstatsKeyId(NO_CALLS_KEY));
  return [...entries.values()];
}

function isNoCallsRow(entry: PstatsEntry): boolean {
  return entry.calls === 0 && entry.primitiveCalls === 0 && entry.selfTime === 0 && entry.totalTime === 0 && entry.callers.length === 0;
}

function typeName(value: MarshalValue | undefined): string {
  if (value === null) return "None";
  if (value === undefined) return "nothing";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (typeof value === "bigint") return "int";
  if (typeof value === "string") return "str";
  if (value instanceof PyTuple) return `tuple of ${value.items.length}`;
  if (value instanceof PyList) return "list";
  if (value instanceof PyDict) return "dict";
  if (value instanceof PySet) return value.frozen ? "frozenset" : "set";
  if (value instanceof PyBytes) return "bytes";
  if (value instanceof PyCode) return "code";
  return value.description;
}

// ---------------------------------------------------------------------------------------------
// PstatsEntry[] <-> Profile

/** The pstats keys of a profile's functions (pstatsKeysOf()). */
export interface PstatsKeys {
  /** By function index. */
  keys: PstatsKey[];
  /** pstatsKeyId() of each key, by function index. */
  ids: string[];
  /** By function index: the first function index with the same key (itself when the key is not repeated). */
  keyIndex: Int32Array;
  /** Some key is repeated: two functions of the profile are one pstats row. */
  anyDuplicate: boolean;
}

/**
 * The pstats key of every function of a profile. Functions sharing a (file, line, name) key but not
 * a column are told apart by a " col N" name suffix; the same function listed twice keeps one key.
 * A suffixed name is never another function's key: a function whose own name is one
 * (`{ f() {}, "f col 10"() {} }`) gets its column appended in turn.
 * Runs at exit inside user code, whose builtins may be patched: plain loops, index writes,
 * null-prototype records and typed arrays; no push, Map or Set.
 */
export function pstatsKeysOf(profile: Profile): PstatsKeys {
  const functions = profile.functions;
  const count = functions.length;
  const keys: PstatsKey[] = [];
  const ids: string[] = [];
  const keyIndex = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const info = functions[i]!;
    keys[i] = { file: info.file, line: info.line, name: info.qualifiedName };
    ids[i] = pstatsKeyId(keys[i]!);
  }
  // Whether each function's name has its column appended already.
  const suffixed = new Uint8Array(count);
  let anyDuplicate = false;
  for (;;) {
    // One pass finds, for each key, its first function: a later one at another column shares the
    // key, at the same column it is the same function listed twice.
    const firstIndexById: Record<string, number> = Object.create(null);
    let sharedKeys: Record<string, boolean> | undefined;
    anyDuplicate = false;
    for (let i = 0; i < count; i++) {
      const id = ids[i]!;
      const first = firstIndexById[id];
      if (first === undefined) firstIndexById[id] = i;
      else if (functions[first]!.column !== functions[i]!.column) (sharedKeys ??= Object.create(null) as Record<string, boolean>)[id] = true;
      else anyDuplicate = true;
      keyIndex[i] = first === undefined ? i : first;
    }
    if (sharedKeys === undefined) break;
    // Two different functions on one line with one name (`xs.map((x) => …).filter((x) => …)`)
    // would be one pstats row; tsprof knows their columns, so each gets " col N" appended instead.
    // The suffixed name can be a third function's own ({ f() {}, p: { f() {} }, "f col 10"() {} } on
    // one line made `f` at column 10 and the method "f col 10" one row of both their calls), so the
    // keys are checked again and the functions not suffixed yet in a shared key get theirs. Two
    // suffixed names never meet ("NAME col N" ends in its column: same name and column, same
    // function), so each pass suffixes at least one more function and the loop ends.
    let progressed = false;
    for (let i = 0; i < count; i++) {
      if (suffixed[i] === 1 || sharedKeys[ids[i]!] !== true) continue;
      const info = functions[i]!;
      keys[i] = { file: info.file, line: info.line, name: `${info.qualifiedName} col ${info.column}` };
      ids[i] = pstatsKeyId(keys[i]!);
      suffixed[i] = 1;
      progressed = true;
    }
    // Only functions at one position with different names (not made by the probes) are left sharing a key: summed.
    if (!progressed) {
      anyDuplicate = true;
      break;
    }
  }
  return { keys, ids, keyIndex, anyDuplicate };
}

/**
 * The pstats rows of a profile, in its stats order, keyed as pstatsKeysOf() says; functions with
 * one key are summed into one row. Runs at exit inside user code, as pstatsKeysOf().
 */
export function profileToPstats(profile: Profile): PstatsEntry[] {
  const count = profile.functions.length;
  // Rows and callers are found by key index (the first function with the key), not by the key string.
  const { keys, keyIndex, anyDuplicate } = pstatsKeysOf(profile);
  const entries: PstatsEntry[] = [];
  const entryByKey: Array<PstatsEntry | undefined> = [];
  /** By `callee key index * count + caller key index`. */
  const callerByPair: Record<number, PstatsCaller> = Object.create(null);
  const entryOf = (index: number): PstatsEntry => {
    const key = keyIndex[index]!;
    let entry = entryByKey[key];
    if (entry === undefined) {
      entry = { function: keys[index]!, primitiveCalls: 0, calls: 0, selfTime: 0, totalTime: 0, callers: [] };
      entryByKey[key] = entry;
      entries[entries.length] = entry;
    }
    return entry;
  };
  for (let i = 0; i < profile.stats.length; i++) {
    const row = profile.stats[i]!;
    const entry = entryOf(row.function);
    entry.primitiveCalls += row.primitiveCalls;
    entry.calls += row.calls;
    entry.selfTime += row.selfTime;
    entry.totalTime += row.totalTime;
  }
  for (let i = 0; i < profile.edges.length; i++) {
    const edge = profile.edges[i]!;
    const entry = entryOf(edge.callee);
    // A profile lists each (caller, callee) pair once, so with no key listed twice there is nothing to sum into.
    const pair = keyIndex[edge.callee]! * count + keyIndex[edge.caller]!;
    const existing = anyDuplicate ? callerByPair[pair] : undefined;
    if (existing !== undefined) {
      existing.calls += edge.calls;
      existing.primitiveCalls += edge.primitiveCalls;
      existing.selfTime += edge.selfTime;
      existing.totalTime += edge.totalTime;
      if (existing.countOnly && !edge.countsOnly) delete existing.countOnly;
    } else {
      const value: PstatsCaller = { caller: keys[edge.caller]!, calls: edge.calls, primitiveCalls: edge.primitiveCalls, selfTime: edge.selfTime, totalTime: edge.totalTime };
      if (edge.countsOnly) value.countOnly = true;
      if (anyDuplicate) callerByPair[pair] = value;
      entry.callers[entry.callers.length] = value;
    }
  }
  return entries;
}

/**
 * A Profile from pstats rows: no call tree, every function of kind "function" at column 0,
 * meta.clock "python", duration = the sum of tottime (pstats' "in T seconds").
 */
export function pstatsToProfile(entries: readonly PstatsEntry[], tool = "cProfile (pstats file)"): Profile {
  const infoById = new Map<string, FunctionInfo>();
  const addKey = (key: PstatsKey) => {
    const id = pstatsKeyId(key);
    if (!infoById.has(id)) infoById.set(id, { name: key.name, qualifiedName: key.name, file: key.file, line: Math.max(0, key.line), column: 0, kind: "function" });
  };
  for (const entry of entries) {
    addKey(entry.function);
    entry.callers.forEach((caller) => addKey(caller.caller));
  }
  const functions = [...infoById.values()].sort(compareFunctions);
  const indexById = new Map(functions.map((info, index) => [pstatsKeyId({ file: info.file, line: info.line, name: info.qualifiedName }), index]));
  const indexOf = (key: PstatsKey) => indexById.get(pstatsKeyId({ ...key, line: Math.max(0, key.line) }))!;
  const stats: FunctionStats[] = [];
  const edges: EdgeStats[] = [];
  let duration = 0;
  for (const entry of entries) {
    const fn = indexOf(entry.function);
    stats.push({ function: fn, calls: entry.calls, primitiveCalls: entry.primitiveCalls, selfTime: entry.selfTime, totalTime: entry.totalTime });
    duration += entry.selfTime;
    for (const caller of entry.callers) {
      edges.push({ caller: indexOf(caller.caller), callee: fn, calls: caller.calls, primitiveCalls: caller.primitiveCalls, selfTime: caller.selfTime, totalTime: caller.totalTime, ...(caller.countOnly ? { countsOnly: true as const } : {}) });
    }
  }
  return {
    format: PROFILE_FORMAT,
    version: PROFILE_VERSION,
    timeUnit: "s",
    meta: { tool, clock: "python" },
    duration,
    functions,
    stats: stats.sort((x, y) => x.function - y.function),
    edges: edges.sort((x, y) => x.callee - y.callee || x.caller - y.caller),
  };
}

// ---------------------------------------------------------------------------------------------
// Files

// Node's path module (node-builtins.ts); undefined outside Node.
const extname = nodeBuiltin("path")?.extname;

/** True for the extensions that mean "Python pstats marshal file". Outside Node always false: a page's bytes are told by their content (holdsPstats). */
export function isPstatsPath(path: string): boolean {
  if (extname === undefined) return false;
  const ext = extname(path).toLowerCase();
  return ext === ".prof" || ext === ".pstats";
}

/** True when the bytes start like a marshalled dict rather than JSON text. */
export function looksLikeMarshal(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  if (bytes[0] === 0xfb) return true; // "{" | FLAG_REF, as CPython writes it
  if (bytes[0] !== 0x7b || bytes.length < 2) return false;
  const next = bytes[1]!;
  return next === 0x28 || next === 0x29 || next === 0x30 || (next & 0x80) !== 0;
}

/**
 * Whether the file at `path` whose first bytes are `bytes` is to be read as a pstats file: marshal
 * bytes whatever the name (a .json holding a pstats dump), and a .prof/.pstats name unless it holds
 * JSON text (a renamed .tsprof.json, which would otherwise be "bad marshal data at offset 1").
 */
export function holdsPstats(path: string, bytes: Uint8Array): boolean {
  if (looksLikeMarshal(bytes)) return true;
  if (!isPstatsPath(path)) return false;
  let start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0; // a UTF-8 BOM
  while (start < bytes.length && (bytes[start] === 0x20 || bytes[start] === 0x09 || bytes[start] === 0x0a || bytes[start] === 0x0d)) start++;
  return bytes[start] !== 0x7b; // "{": JSON text (marshal's "{" was ruled out above by what follows it)
}

/** The bytes of a pstats file for `profile`. */
export function profileToPstatsBytes(profile: Profile): Uint8Array {
  return encodePstats(profileToPstats(profile));
}

/** Reads a pstats file into entries in file order (ProfileError names the file on any fault). */
export function readPstatsFile(path: string): PstatsEntry[] {
  return decodePstats(readFileBytes(path), path);
}

/** Reads a profile of either format: pstats by extension or content, .tsprof.json otherwise. */
export function readAnyProfileFile(path: string): Profile {
  const bytes = readFileBytes(path);
  if (holdsPstats(path, bytes)) return pstatsToProfile(decodePstats(bytes, path));
  return readProfile(bytes, path);
}

