// Writing a profile as .tsprof.json text in bounded chunks, without recursion.
//
// A profile can hold a million call-tree nodes nested thousands deep: JSON.stringify with
// indentation built one string past V8's limit ("Invalid string length": the profile was lost),
// and its recursion can overflow on deep trees. This writer walks the value with an explicit
// stack (a linked list: no array writes that a patched prototype could intercept) and hands
// out chunks of about 1 MB. Layout: one top-level field per line, one function, stat, edge or
// call-tree root per line, compact inside.
import type { CallTreeNode, Profile } from "./types";

const stringify = JSON.stringify;
const objectKeys = Object.keys;
const isArray = Array.isArray;

const CHUNK_SIZE = 1 << 20;

/** One open array or object on the explicit stack. */
interface Level {
  value: unknown;
  keys: string[] | undefined;
  index: number;
  written: number;
  below: Level | undefined;
}

/** Appends the compact JSON of `root` to the text given to `emit`, in pieces; same output as JSON.stringify(root). */
function serializeCompact(root: unknown, emit: (text: string) => void): void {
  let level: Level | undefined;
  const open = (value: unknown): void => {
    if (value === null || typeof value !== "object") {
      emit(value === undefined || typeof value === "function" ? "null" : (stringify(value) as string));
      return;
    }
    const array = isArray(value);
    emit(array ? "[" : "{");
    level = { value, keys: array ? undefined : objectKeys(value), index: 0, written: 0, below: level };
  };
  open(root);
  while (level !== undefined) {
    const current = level;
    if (current.keys === undefined) {
      const array = current.value as unknown[];
      if (current.index >= array.length) {
        emit("]");
        level = current.below;
        continue;
      }
      if (current.index > 0) emit(",");
      open(array[current.index++]);
    } else {
      if (current.index >= current.keys.length) {
        emit("}");
        level = current.below;
        continue;
      }
      const key = current.keys[current.index++];
      const item = (current.value as Record<string, unknown>)[key];
      if (item === undefined || typeof item === "function") continue;
      emit((current.written++ > 0 ? "," : "") + stringify(key) + ":");
      open(item);
    }
  }
}

/** The keys of a call-tree node, in the order the runtime and the readers make them. */
const NODE_KEYS = ["function", "calls", "selfTime", "totalTime", "children"] as const;

/**
 * Whether the enumerable keys of `value` (an object) are `keys`, in that order. A for-in walk, not
 * Object.keys(): no array is made for each of a million rows. It also sees inherited enumerable keys,
 * which only sends an object with such a prototype (a patched Object.prototype) to the generic walk,
 * whose output is the same.
 */
function hasKeys(value: object, keys: readonly string[]): boolean {
  let at = 0;
  for (const key in value) {
    if (at >= keys.length || key !== keys[at]) return false;
    at++;
  }
  return at === keys.length;
}

/** Whether `node` is a call-tree node of exactly NODE_KEYS, in that order, numbers and a children array. */
function isPlainTreeNode(node: unknown): node is CallTreeNode {
  if (node === null || typeof node !== "object" || isArray(node) || !hasKeys(node, NODE_KEYS)) return false;
  const value = node as CallTreeNode;
  return typeof value.function === "number" && typeof value.calls === "number" && typeof value.selfTime === "number" && typeof value.totalTime === "number" && isArray(value.children);
}

/** A number as JSON.stringify writes it. */
function numberText(value: number): string {
  return value === value && value !== Infinity && value !== -Infinity ? "" + value : "null";
}

/** The usual keys of a row of `functions`, `stats` (with and without asyncWallTime) and `edges`, in the order the runtime and the readers make them. */
const ROW_SHAPES: Record<string, ReadonlyArray<readonly string[]>> = {
  functions: [["name", "qualifiedName", "file", "line", "column", "kind"]],
  stats: [
    ["function", "calls", "primitiveCalls", "selfTime", "totalTime"],
    ["function", "calls", "primitiveCalls", "selfTime", "totalTime", "asyncWallTime"],
  ],
  edges: [["caller", "callee", "calls", "primitiveCalls", "selfTime", "totalTime"]],
};

/** `{"key":` and `,"key":` of every key of ROW_SHAPES, made once. */
const KEY_TEXTS: Record<string, readonly [string, string]> = Object.create(null) as Record<string, readonly [string, string]>;
for (const field in ROW_SHAPES) for (const shape of ROW_SHAPES[field]!) for (const key of shape) KEY_TEXTS[key] = [`{${stringify(key)}:`, `,${stringify(key)}:`];

/**
 * serializeCompact() of a row of `functions`, `stats` or `edges`, the same text, in one piece: a row
 * of one of the field's usual shapes whose values are numbers and strings is written without the
 * generic walk's level object, key array and a dozen pieces per row (a million edges took it
 * seconds at exit). Undefined for any other value, which goes to serializeCompact().
 */
function rowText(row: unknown, shapes: ReadonlyArray<readonly string[]>): string | undefined {
  if (row === null || typeof row !== "object" || isArray(row)) return undefined;
  for (let s = 0; s < shapes.length; s++) {
    const keys = shapes[s]!;
    if (!hasKeys(row, keys)) continue;
    let text = "";
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      const value = (row as Record<string, unknown>)[key];
      const prefix = KEY_TEXTS[key]![k === 0 ? 0 : 1];
      if (typeof value === "number") text += prefix + numberText(value);
      else if (typeof value === "string") text += prefix + (stringify(value) as string);
      else return undefined;
    }
    return text + "}";
  }
  return undefined;
}

/**
 * serializeCompact() of a call-tree root, the same text, faster: a node of the usual shape
 * (isPlainTreeNode()) is written in one piece, its children through an explicit stack; any other
 * value goes to serializeCompact(). A million nodes took the generic walk 1.6 s at exit.
 */
function serializeTree(root: unknown, emit: (text: string) => void): void {
  if (!isPlainTreeNode(root)) {
    serializeCompact(root, emit);
    return;
  }
  interface Open {
    children: readonly unknown[];
    index: number;
    below: Open | undefined;
  }
  let open: Open | undefined;
  let node: unknown = root;
  let pending = true; // `node` is still to be written
  for (;;) {
    if (pending) {
      if (isPlainTreeNode(node)) {
        const head = `{"function":${numberText(node.function)},"calls":${numberText(node.calls)},"selfTime":${numberText(node.selfTime)},"totalTime":${numberText(node.totalTime)},"children":[`;
        if (node.children.length === 0) emit(head + "]}");
        else {
          emit(head);
          open = { children: node.children, index: 0, below: open };
        }
      } else serializeCompact(node, emit);
    }
    if (open === undefined) return;
    if (open.index >= open.children.length) {
      emit("]}");
      open = open.below;
      pending = false;
      continue;
    }
    if (open.index > 0) emit(",");
    node = open.children[open.index++];
    pending = true;
  }
}

const TOP_LEVEL_FIELDS = ["format", "version", "timeUnit", "meta", "duration", "functions", "stats", "edges", "callTree"] as const;
const isListField = (field: string): boolean => field === "functions" || field === "stats" || field === "edges" || field === "callTree";

/** `emit` gathers text and hands it to `write` in chunks of about 1 MB; `flush` hands over the rest. */
export function chunkedEmitter(write: (chunk: string) => void): { emit(text: string): void; flush(): void } {
  let buffer = "";
  return {
    emit(text: string): void {
      buffer += text;
      if (buffer.length >= CHUNK_SIZE) {
        write(buffer);
        buffer = "";
      }
    },
    flush(): void {
      if (buffer.length > 0) write(buffer);
      buffer = "";
    },
  };
}

/** All the text a chunked writer produces, as one string (tests and small profiles). */
export function wholeText(writeChunks: (write: (chunk: string) => void) => void): string {
  let text = "";
  writeChunks((chunk) => {
    text += chunk;
  });
  return text;
}

/** Calls `write` with consecutive chunks (each about 1 MB at most, plus one element) of the profile's JSON text. */
export function writeProfileJson(profile: Profile, write: (chunk: string) => void): void {
  const { emit, flush } = chunkedEmitter(write);
  emit("{");
  let first = true;
  for (let f = 0; f < TOP_LEVEL_FIELDS.length; f++) {
    const field = TOP_LEVEL_FIELDS[f];
    const value = (profile as unknown as Record<string, unknown>)[field];
    if (value === undefined) continue;
    emit((first ? "\n " : ",\n ") + stringify(field) + ": ");
    first = false;
    if (isListField(field) && isArray(value)) {
      if (value.length === 0) {
        emit("[]");
        continue;
      }
      emit("[");
      const shapes = field === "callTree" ? undefined : ROW_SHAPES[field];
      for (let i = 0; i < value.length; i++) {
        const row = shapes === undefined ? undefined : rowText(value[i], shapes);
        if (row !== undefined) emit((i === 0 ? "\n  " : ",\n  ") + row);
        else {
          emit(i === 0 ? "\n  " : ",\n  ");
          if (field === "callTree") serializeTree(value[i], emit);
          else serializeCompact(value[i], emit);
        }
      }
      emit("\n ]");
    } else serializeCompact(value, emit);
  }
  emit("\n}\n");
  flush();
}

/** The whole JSON text at once (tests and small profiles). */
export function profileToJsonText(profile: Profile): string {
  return wholeText((write) => writeProfileJson(profile, write));
}
