// What the tsconfig.json that governs a TypeScript file decides about its output, as tsc 5.9 reads it:
// - which decorators it uses: TypeScript's legacy ("experimental") ones when it sets
//   `experimentalDecorators`, else the standard (TC39) ones, TypeScript 5's default;
// - how class fields are initialised (class-fields.ts): `useDefineForClassFields`, whose default is true
//   for a `target` of ES2022 or later (ESNext included) and false below, TypeScript 5's default target
//   being ES5;
// - whether imports that are never used as values stay: `verbatimModuleSyntax`, or the options it
//   replaced (`preserveValueImports`, `importsNotUsedAsValues: "preserve"`, which tsc 5.9 refuses but
//   TypeScript up to 5.4 and esbuild honour: a project that sets them is built with one of those).
// `tsprof run` has no project file of its own, so "governs" means what esbuild, tsx and editors take it
// to mean: the nearest tsconfig.json above the file, with its `extends` chain followed, each option
// taken from the nearest file of the chain that sets it. A file with no tsconfig.json above it gets what
// Node itself does with class fields (native [[Define]] fields, as esbuild and tsx do there too).
import { readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve, isAbsolute } from "node:path";

export type DecoratorStyle = "legacy" | "standard";

/**
 * "define": native class fields ([[Define]]); "define-lowered": [[Define]] in tsc's below-ES2022 order
 * (parameter properties first, then the fields, all in the constructor); "assign": fields assigned in the
 * constructor after the parameter properties (useDefineForClassFields false). See class-fields.ts.
 */
export type ClassFieldStyle = "define" | "define-lowered" | "assign";

export interface TypeScriptSettings {
  decorators: DecoratorStyle;
  classFields: ClassFieldStyle;
  /** Imports whose bindings are never used as values are kept (only `import type` and `type` specifiers go). */
  keepValueImports: boolean;
}

const NO_PROJECT: TypeScriptSettings = { decorators: "standard", classFields: "define", keepValueImports: false };

/** Per directory: the nearest tsconfig.json at or above it, undefined when there is none (every file of a directory hits this). */
const configByDirectory = new Map<string, string | undefined>();

/** The tsconfig.json that governs files in `dir`: the nearest one at or above it. */
function governingConfig(dir: string): string | undefined {
  if (configByDirectory.has(dir)) return configByDirectory.get(dir);
  const config = join(dir, "tsconfig.json");
  const parent = dirname(dir);
  const found = existsSync(config) ? config : parent === dir ? undefined : governingConfig(parent);
  configByDirectory.set(dir, found);
  return found;
}

const settingsByConfig = new Map<string, TypeScriptSettings>();

export function typescriptSettingsFor(filename: string): TypeScriptSettings {
  const config = governingConfig(dirname(filename));
  if (config === undefined) return NO_PROJECT;
  let settings = settingsByConfig.get(config);
  if (settings === undefined) settingsByConfig.set(config, (settings = settingsOf(config)));
  return settings;
}

export function decoratorStyleFor(filename: string): DecoratorStyle {
  return typescriptSettingsFor(filename).decorators;
}

function settingsOf(config: string): TypeScriptSettings {
  const option = (name: string) => compilerOption(config, name, new Set());
  const target = option("target");
  const modern = typeof target === "string" && /^es(next|20(2[2-9]|[3-9]\d))$/i.test(target);
  const useDefine = option("useDefineForClassFields");
  const define = typeof useDefine === "boolean" ? useDefine : modern;
  const notUsedAsValues = option("importsNotUsedAsValues");
  return {
    decorators: option("experimentalDecorators") === true ? "legacy" : "standard",
    classFields: !define ? "assign" : modern ? "define" : "define-lowered",
    keepValueImports:
      option("verbatimModuleSyntax") === true ||
      option("preserveValueImports") === true ||
      (typeof notUsedAsValues === "string" && notUsedAsValues.toLowerCase() === "preserve"),
  };
}

/** Parsed tsconfig files, undefined for one that can't be read or parsed. */
const parsedConfigs = new Map<string, { extends?: unknown; compilerOptions?: Record<string, unknown> } | undefined>();

/**
 * `compilerOptions[name]` of a tsconfig, its own value over the ones it extends (the last of an `extends`
 * array winning, as in TypeScript 5). A file that can't be read or parsed counts as setting nothing: tsc
 * would refuse the project, but the program may still run, with TypeScript's defaults.
 */
function compilerOption(path: string, name: string, seen: Set<string>): unknown {
  if (seen.has(path)) return undefined;
  seen.add(path);
  if (!parsedConfigs.has(path)) {
    let parsed: { extends?: unknown; compilerOptions?: Record<string, unknown> } | undefined;
    try {
      parsed = JSON.parse(stripJsonComments(readFileSync(path, "utf8")));
    } catch {
      parsed = undefined;
    }
    parsedConfigs.set(path, parsed !== null && typeof parsed === "object" ? parsed : undefined);
  }
  const config = parsedConfigs.get(path);
  if (config === undefined) return undefined;
  const options = config.compilerOptions;
  const own = options !== null && typeof options === "object" ? options[name] : undefined;
  if (own !== undefined && own !== null) return own;
  const bases = typeof config.extends === "string" ? [config.extends] : Array.isArray(config.extends) ? config.extends : [];
  let inherited: unknown;
  for (const base of bases) {
    const basePath = typeof base === "string" ? resolveExtends(base, dirname(path)) : undefined;
    const value = basePath === undefined ? undefined : compilerOption(basePath, name, new Set(seen));
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

const jsxByConfig = new Map<string, JsxSettings>();

export function jsxSettingsFor(filename: string): JsxSettings {
  const config = governingConfig(dirname(filename));
  if (config === undefined) return {};
  let settings = jsxByConfig.get(config);
  if (settings === undefined) {
    // String values only; anything else counts as unset, as a non-boolean experimentalDecorators does.
    settings = {};
    for (const name of JSX_OPTIONS) {
      const value = compilerOption(config, name, new Set());
      if (typeof value === "string") settings[name] = value;
    }
    settings.tsconfig = config;
    jsxByConfig.set(config, settings);
  }
  return settings;
}
