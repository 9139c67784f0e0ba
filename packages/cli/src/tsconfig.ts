// Which decorators a TypeScript file uses: TypeScript's legacy ("experimental") decorators when the
// tsconfig.json that governs the file sets `experimentalDecorators`, else the standard (TC39) ones,
// TypeScript 5's default. `tsprof run` has no project file of its own, so "governs" means what
// esbuild, tsx and editors take it to mean: the nearest tsconfig.json above the file, with its
// `extends` chain followed. Nothing else in a tsconfig changes how tsprof strips types.
import { readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve, isAbsolute } from "node:path";

export type DecoratorStyle = "legacy" | "standard";

/** Per directory: the nearest tsconfig.json's setting (lookups for every file of a directory hit this). */
const styleByDirectory = new Map<string, DecoratorStyle>();

export function decoratorStyleFor(filename: string): DecoratorStyle {
  return styleOfDirectory(dirname(filename));
}

function styleOfDirectory(dir: string): DecoratorStyle {
  const known = styleByDirectory.get(dir);
  if (known) return known;
  const config = join(dir, "tsconfig.json");
  const parent = dirname(dir);
  let style: DecoratorStyle;
  if (existsSync(config)) style = experimentalDecorators(config, new Set()) === true ? "legacy" : "standard";
  else style = parent === dir ? "standard" : styleOfDirectory(parent);
  styleByDirectory.set(dir, style);
  return style;
}

/**
 * `compilerOptions.experimentalDecorators` of a tsconfig, its own value over the ones it extends (the
 * last of an `extends` array winning, as in TypeScript 5). A file that can't be read or parsed counts as
 * setting nothing: tsc would refuse the project, but the program may still run, and the decorators
 * (if any) then get TypeScript's default.
 */
function experimentalDecorators(path: string, seen: Set<string>): boolean | undefined {
  if (seen.has(path)) return undefined;
  seen.add(path);
  let config: { extends?: unknown; compilerOptions?: { experimentalDecorators?: unknown } };
  try {
    config = JSON.parse(stripJsonComments(readFileSync(path, "utf8")));
  } catch {
    return undefined;
  }
  if (config === null || typeof config !== "object") return undefined;
  const own = config.compilerOptions?.experimentalDecorators;
  if (typeof own === "boolean") return own;
  const bases = typeof config.extends === "string" ? [config.extends] : Array.isArray(config.extends) ? config.extends : [];
  let inherited: boolean | undefined;
  for (const base of bases) {
    const basePath = typeof base === "string" ? resolveExtends(base, dirname(path)) : undefined;
    const value = basePath === undefined ? undefined : experimentalDecorators(basePath, seen);
    if (value !== undefined) inherited = value;
  }
  return inherited;
}

/** A path relative to the tsconfig (".json" optional), or a package's file ("@tsconfig/node20/tsconfig.json", "pkg", "pkg/base"). */
function resolveExtends(specifier: string, dir: string): string | undefined {
  if (specifier.startsWith(".") || isAbsolute(specifier)) {
    const path = resolve(dir, specifier);
    if (existsSync(path)) return path;
    return existsSync(path + ".json") ? path + ".json" : undefined;
  }
  const requireFrom = createRequire(join(dir, "tsconfig.json"));
  for (const candidate of [specifier, specifier + ".json", specifier + "/tsconfig.json"]) {
    try {
      return requireFrom.resolve(candidate);
    } catch {
      // the next form
    }
  }
  return undefined;
}

/** tsconfig files are JSON with comments and trailing commas: removes both, leaving strings alone. */
export function stripJsonComments(text: string): string {
  let out = "";
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end === -1 ? text.length : end + 2;
    } else {
      out += c;
      i++;
    }
  }
  // Then trailing commas (a comma before `}` or `]`), once the comments between them are gone; strings again copied whole.
  let result = "";
  for (let k = 0; k < out.length; k++) {
    const c = out[k];
    if (c === '"') {
      let j = k + 1;
      while (j < out.length && out[j] !== '"') j += out[j] === "\\" ? 2 : 1;
      result += out.slice(k, j + 1);
      k = j;
    } else if (c === ",") {
      let j = k + 1;
      while (j < out.length && /\s/.test(out[j])) j++;
      if (out[j] !== "}" && out[j] !== "]") result += c;
    } else {
      result += c;
    }
  }
  return result;
}

/**
 * The JSX options of the tsconfig.json that governs a file (the nearest one above it, `extends` followed
 * as for experimentalDecorators: each option its own value over the ones it extends), and that file's
 * path, undefined when there is none. `tsprof run` compiles a .tsx file's JSX as tsc would with them.
 */
export interface JsxSettings {
  jsx?: string;
  jsxFactory?: string;
  jsxFragmentFactory?: string;
  jsxImportSource?: string;
  tsconfig?: string;
}

const JSX_OPTIONS = ["jsx", "jsxFactory", "jsxFragmentFactory", "jsxImportSource"] as const;
type JsxOption = (typeof JSX_OPTIONS)[number];

const jsxByDirectory = new Map<string, JsxSettings>();

export function jsxSettingsFor(filename: string): JsxSettings {
  return jsxSettingsOfDirectory(dirname(filename));
}

function jsxSettingsOfDirectory(dir: string): JsxSettings {
  const known = jsxByDirectory.get(dir);
  if (known) return known;
  const config = join(dir, "tsconfig.json");
  const parent = dirname(dir);
  let settings: JsxSettings;
  if (existsSync(config)) settings = { ...stringOptions(config, new Set()), tsconfig: config };
  else settings = parent === dir ? {} : jsxSettingsOfDirectory(parent);
  jsxByDirectory.set(dir, settings);
  return settings;
}

/** The JSX options a tsconfig sets or inherits (string values only; anything else counts as unset, as in experimentalDecorators). */
function stringOptions(path: string, seen: Set<string>): Partial<Record<JsxOption, string>> {
  if (seen.has(path)) return {};
  seen.add(path);
  let config: { extends?: unknown; compilerOptions?: Record<string, unknown> };
  try {
    config = JSON.parse(stripJsonComments(readFileSync(path, "utf8")));
  } catch {
    return {};
  }
  if (config === null || typeof config !== "object") return {};
  const bases = typeof config.extends === "string" ? [config.extends] : Array.isArray(config.extends) ? config.extends : [];
  const out: Partial<Record<JsxOption, string>> = {};
  for (const base of bases) {
    const basePath = typeof base === "string" ? resolveExtends(base, dirname(path)) : undefined;
    if (basePath !== undefined) Object.assign(out, stringOptions(basePath, seen));
  }
  const own = config.compilerOptions;
  if (own !== null && typeof own === "object") {
    for (const name of JSX_OPTIONS) if (typeof own[name] === "string") out[name] = own[name] as string;
  }
  return out;
}
