// Options shared by every tsprof transform: validation (unknown or ill-typed → one clear message) and defaults.
import { resolve } from "node:path";
import { DEFAULT_RUNTIME_SPECIFIER } from "./protocol";

/** How an instrumented module reaches the runtime entry. */
export type ImportStyle = "auto" | "import" | "require" | "global";
/** What a transform does when a file fails to instrument for an unexpected reason. */
export type ErrorPolicy = "throw" | "skip";

/** Options as a user writes them (`plugins: [["@tsprof", { ... }]]`). */
export interface InstrumentOptions {
  /** Globs (relative to root, or absolute) of files to instrument; absent = every file not excluded. */
  include?: string | string[];
  /** Globs (relative to root, or absolute) of files never instrumented; `**\/node_modules/**` is always added. */
  exclude?: string | string[];
  /** Project root: site-table paths and globs are relative to it. Default: the transform's cwd. */
  root?: string;
  /** Module specifier of the probe entry, or "global" for `globalThis.__tsprof`. */
  runtime?: string;
  importStyle?: ImportStyle;
  /** "throw" (default): a Babel error with a code frame. "skip": leave the file as it was, warn once. */
  onError?: ErrorPolicy;
}

/** Options after validation, every field present. */
export interface NormalizedOptions {
  include: string[];
  exclude: string[];
  root: string;
  runtime: string;
  importStyle: ImportStyle;
  onError: ErrorPolicy;
}

const IMPORT_STYLES: readonly ImportStyle[] = ["auto", "import", "require", "global"];
const ERROR_POLICIES: readonly ErrorPolicy[] = ["throw", "skip"];
const KNOWN_OPTIONS = ["include", "exclude", "root", "runtime", "importStyle", "onError"] as const;

/** Thrown for invalid options; the message is one line meant for the user. */
export class OptionsError extends Error {
  override name = "OptionsError";
}

function fail(message: string): never {
  throw new OptionsError(`tsprof: ${message}`);
}

function globList(name: string, value: unknown): string[] {
  if (value === undefined) return [];
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || !list.every((item) => typeof item === "string" && item !== "")) {
    fail(`option "${name}" must be a glob string or an array of glob strings, got ${describe(value)}`);
  }
  return [...list];
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    fail(`option "${name}" must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${describe(value)}`);
  }
  return value as T;
}

function nonEmptyString(name: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || value === "") fail(`option "${name}" must be a non-empty string, got ${describe(value)}`);
  return value;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array with a non-string or empty item";
  if (typeof value === "string") return JSON.stringify(value);
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

/** Validates user options; `cwd` is the default root (Babel's cwd). Throws OptionsError naming the bad option. */
export function normalizeOptions(raw: unknown, cwd: string): NormalizedOptions {
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== "object" || Array.isArray(raw)) fail(`options must be an object, got ${describe(raw)}`);
  const options = raw as Record<string, unknown>;
  for (const key of Object.keys(options).sort()) {
    if (!(KNOWN_OPTIONS as readonly string[]).includes(key)) {
      fail(`unknown option "${key}" (known options: ${KNOWN_OPTIONS.join(", ")})`);
    }
  }
  return {
    include: globList("include", options.include),
    exclude: globList("exclude", options.exclude),
    root: resolve(cwd, nonEmptyString("root", options.root, cwd)),
    runtime: nonEmptyString("runtime", options.runtime, DEFAULT_RUNTIME_SPECIFIER),
    importStyle: oneOf("importStyle", options.importStyle, IMPORT_STYLES, "auto"),
    onError: oneOf("onError", options.onError, ERROR_POLICIES, "throw"),
  };
}
