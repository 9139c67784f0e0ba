// What the tsconfig.json that governs a TypeScript file decides about its output, as tsc 5.9 reads it:
// - which decorators it uses: TypeScript's legacy ("experimental") ones when it sets
//   `experimentalDecorators`, else the standard (TC39) ones, TypeScript 5's default;
// - how class fields are initialised (class-fields.ts): `useDefineForClassFields`, whose default is true
//   for a `target` of ES2022 or later (ESNext included) and false below, TypeScript 5's default target
//   being ES5 (ES2022 and up under `module` node16, node18, node20 and nodenext, as tsc computes it);
// - whether imports that are never used as values stay: `verbatimModuleSyntax`, or the options it
//   replaced (`preserveValueImports`, `importsNotUsedAsValues: "preserve"`, which tsc 5.9 refuses but
//   TypeScript up to 5.4 and esbuild honour: a project that sets them is built with one of those);
// - how a file compiled to CommonJS imports another module: `esModuleInterop`, false unless set or
//   implied by `module` (node16 to nodenext, preserve), makes tsc emit plain require()s, so that
//   `import * as f from "m"` is m's module.exports itself, callable when it is a function;
// - whether a file without import or export is strict: `alwaysStrict` (implied by `strict`), and
//   `moduleDetection: "force"` (implied by `module` node16 to nodenext), which makes every file a module.
// `tsprof run` has no project file of its own, so "governs" means what esbuild, tsx and editors take it
// to mean: the nearest tsconfig.json above the file, with its `extends` chain followed as tsc follows it
// (a relative path, or a package's tsconfig by TypeScript's own lookup: package.json "exports", its
// "tsconfig" field, then tsconfig.json; never "main"), each option taken from the nearest file of the
// chain that sets it. A file with no tsconfig.json above it gets what Node itself does with class fields
// (native [[Define]] fields, as esbuild and tsx do there too).
//
// A tsconfig tsc would complain about is read as tsc reads it, tolerantly: a missing comma, an unquoted
// key, a missing closing brace cost nothing of what surrounds them (tsc reports TS1005 and still honours
// `target`), and an `extends` that names no file leaves out only that file's options. Each such problem is
// one line on stderr naming the file (reportTsconfigProblem), printed once per run, and the run goes on.
import { readFileSync, statSync } from "node:fs";
import { dirname, join, resolve, isAbsolute, relative, basename, sep } from "node:path";
import { packageTypeField } from "@tsprof/instrument";

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
  /** `module` as tsc computes it, lower case ("commonjs", "es2015", "nodenext", …); undefined without a tsconfig. */
  module?: string;
  /** `esModuleInterop` as tsc computes it (set, or implied by `module`). */
  esModuleInterop: boolean;
  /** `alwaysStrict` as tsc computes it (set, or implied by `strict`). */
  alwaysStrict: boolean;
  /** Every file is a module (`moduleDetection: "force"`, set or implied by `module`), and so strict. */
  forceModules: boolean;
}

const NO_PROJECT: TypeScriptSettings = {
  decorators: "standard",
  classFields: "define",
  keepValueImports: false,
  esModuleInterop: false,
  alwaysStrict: false,
  forceModules: false,
};

/** Per directory: the nearest tsconfig.json at or above it, undefined when there is none (every file of a directory hits this). */
const configByDirectory = new Map<string, string | undefined>();

/** The tsconfig.json that governs files in `dir`: the nearest one at or above it. */
function governingConfig(dir: string): string | undefined {
  if (configByDirectory.has(dir)) return configByDirectory.get(dir);
  const config = join(dir, "tsconfig.json");
  const parent = dirname(dir);
  const found = isFile(config) ? config : parent === dir ? undefined : governingConfig(parent);
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

// tsc reads enum values case-insensitively ("ES2022", "NodeNext").
const lower = (value: unknown): string | undefined => (typeof value === "string" ? value.toLowerCase() : undefined);
const NODE_MODULES = ["node16", "node18", "node20", "nodenext"];
const TARGET_ORDER = ["es3", "es5", "es2015", "es2016", "es2017", "es2018", "es2019", "es2020", "es2021", "es2022", "es2023", "es2024"];

/** A target's rank: ES2015 = 2, ES2022 = 9, ESNext above every year; undefined for a value tsc refuses. */
function targetRank(target: string): number | undefined {
  if (target === "esnext") return 99;
  const at = TARGET_ORDER.indexOf(target === "es6" ? "es2015" : target);
  return at < 0 ? undefined : at;
}

function settingsOf(config: string): TypeScriptSettings {
  const options = compilerOptionsOf(config);
  const option = (name: string): unknown => options[name] ?? undefined;
  const setModule = lower(option("module"));
  // tsc's computed target: the one set, else ES2022 / ES2023 / ESNext for module node16 and node18 / node20 /
  // nodenext, else ES5.
  const setTarget = lower(option("target"));
  const target = setTarget !== undefined && setTarget !== "es3" && targetRank(setTarget) !== undefined
    ? setTarget
    : setModule === "node16" || setModule === "node18" ? "es2022" : setModule === "node20" ? "es2023" : setModule === "nodenext" ? "esnext" : "es5";
  const rank = targetRank(target) ?? 1;
  // And its computed module: the one set, else ES2015 for a target of ES2015 or later, else CommonJS.
  const module = setModule === "es6" ? "es2015" : setModule ?? (rank >= 2 ? "es2015" : "commonjs");
  const modern = rank >= 9;
  const useDefine = option("useDefineForClassFields");
  const define = typeof useDefine === "boolean" ? useDefine : modern;
  const notUsedAsValues = lower(option("importsNotUsedAsValues"));
  const interop = option("esModuleInterop");
  const strict = option("strict") === true;
  const alwaysStrict = option("alwaysStrict");
  const detection = lower(option("moduleDetection"));
  return {
    decorators: option("experimentalDecorators") === true ? "legacy" : "standard",
    classFields: !define ? "assign" : modern ? "define" : "define-lowered",
    keepValueImports: option("verbatimModuleSyntax") === true || option("preserveValueImports") === true || notUsedAsValues === "preserve",
    module,
    esModuleInterop: typeof interop === "boolean" ? interop : NODE_MODULES.includes(module) || module === "preserve",
    alwaysStrict: typeof alwaysStrict === "boolean" ? alwaysStrict : strict,
    forceModules: detection !== undefined ? detection === "force" : NODE_MODULES.includes(module),
  };
}

/**
 * Whether tsc emits a TypeScript file as CommonJS under these settings (tsc 5.9's getEmitModuleFormatOfFile):
 * a .cts file always, a .mts file never; under `module` node16 to nodenext, as Node will load it (its package's
 * "type"); otherwise as `module` says, CommonJS (and UMD, which runs as CommonJS under Node) or not. Without a
 * tsconfig, never: Node's interop is kept there.
 */
export function tscEmitsCommonJs(filename: string, settings: TypeScriptSettings): boolean {
  // No tsconfig: Node's own interop, as for class fields there (see the header).
  const module = settings.module;
  if (module === undefined) return false;
  if (filename.endsWith(".cts")) return true;
  if (filename.endsWith(".mts")) return false;
  if (NODE_MODULES.includes(module)) return packageTypeField(dirname(filename)) !== "module";
  return module === "commonjs" || module === "umd" || module === "none";
}

/**
 * Whether tsc would make a TypeScript file strict (`"use strict"` in its CommonJS output) even when it has no
 * import or export: `alwaysStrict`, or the file counts as a module whatever it contains (moduleDetection
 * "force"; a .cts or .mts file, which tsc 5.9 always takes for a module). Without a tsconfig, never.
 */
export function tscMakesStrict(filename: string, settings: TypeScriptSettings): boolean {
  // No tsconfig: a script stays as Node (which strips types and adds nothing) runs it.
  if (settings.module === undefined) return false;
  return settings.alwaysStrict || settings.forceModules || filename.endsWith(".cts") || filename.endsWith(".mts");
}

/**
 * The `paths` pattern of the tsconfig governing `importer` that `specifier` matches ("@lib/*" for "@lib/math"), and
 * that tsconfig, or undefined. tsc leaves such imports as written in its output, and node then cannot find them:
 * `tsprof run` neither (hooks/register.ts says why when the program dies of one).
 */
export function pathsPatternFor(importer: string, specifier: string): { pattern: string; tsconfig: string } | undefined {
  const config = governingConfig(dirname(importer));
  if (config === undefined) return undefined;
  const paths = compilerOptionsOf(config).paths;
  if (paths === null || typeof paths !== "object" || Array.isArray(paths)) return undefined;
  for (const pattern of Object.keys(paths)) {
    const star = pattern.indexOf("*");
    const matches = star < 0 ? pattern === specifier : specifier.length >= pattern.length - 1 && specifier.startsWith(pattern.slice(0, star)) && specifier.endsWith(pattern.slice(star + 1));
    if (matches) return { pattern, tsconfig: displayPath(config) };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Reading a tsconfig and its `extends` chain.

/** One tsconfig file as read: its top-level value, and where its `extends` values stand (for problem lines). */
interface ReadConfig {
  json: Record<string, unknown> | undefined;
  /** Line of each `extends` entry: [0] for a string, [i] for an array's element i. */
  extendsLines: number[];
}

const readConfigs = new Map<string, ReadConfig>();
const optionsByConfig = new Map<string, Record<string, unknown>>();

/**
 * A tsconfig's compilerOptions with its `extends` chain applied, as tsc merges them: each extended file's
 * options (themselves merged the same way; the last of an `extends` array winning), then the file's own.
 * A `null` value is kept: it resets an inherited option to TypeScript's default, as in tsc.
 */
function compilerOptionsOf(config: string, stack: string[] = []): Record<string, unknown> {
  const known = optionsByConfig.get(config);
  if (known !== undefined) return known;
  const read = readConfig(config);
  const merged: Record<string, unknown> = {};
  const json = read.json;
  if (json !== undefined) {
    const bases = typeof json.extends === "string" ? [json.extends] : Array.isArray(json.extends) ? json.extends : [];
    bases.forEach((base, at) => {
      if (typeof base !== "string") return;
      const line = read.extendsLines[at] ?? 1;
      const path = resolveExtends(base, dirname(config));
      if (path === undefined) {
        reportTsconfigProblem(`${displayPath(config)}:${line}: "extends" names '${base}', which tsc does not find; its options are left out`);
        return;
      }
      if (path === config || stack.includes(path)) {
        const chain = [...stack, config, path].map(displayPath).join(" -> ");
        reportTsconfigProblem(`${displayPath(config)}:${line}: "extends" goes round in a circle (${chain}); left out where it comes back`);
        return;
      }
      Object.assign(merged, compilerOptionsOf(path, [...stack, config]));
    });
    const own = json.compilerOptions;
    if (own !== null && typeof own === "object" && !Array.isArray(own)) Object.assign(merged, own);
  }
  // A file in a circle of `extends` keeps what it got on the first walk that reached it (the circle is cut there).
  optionsByConfig.set(config, merged);
  return merged;
}

function readConfig(path: string): ReadConfig {
  let read = readConfigs.get(path);
  if (read !== undefined) return read;
  let text: string | undefined;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    reportTsconfigProblem(`${displayPath(path)}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); TypeScript's defaults are used for it`);
  }
  if (text === undefined) {
    read = { json: undefined, extendsLines: [] };
  } else {
    const parsed = parseJsonTolerantly(text);
    const root = parsed.value !== null && typeof parsed.value === "object" && !Array.isArray(parsed.value) ? (parsed.value as Record<string, unknown>) : undefined;
    const errors = [...parsed.errors];
    if (root === undefined && text.trim() !== "") errors.push({ line: 1, message: "The root value of a 'tsconfig.json' file must be an object" });
    if (errors.length > 0) {
      const more = errors.length === 1 ? "" : ` (and ${errors.length - 1} more ${errors.length === 2 ? "error" : "errors"})`;
      reportTsconfigProblem(`${displayPath(path)}:${errors[0]!.line}: ${errors[0]!.message}${more}; using what could be read, as tsc does`);
    }
    read = { json: root, extendsLines: root === undefined ? [] : parsed.extendsLines };
  }
  readConfigs.set(path, read);
  return read;
}

/** `path` relative to the working directory when it is inside it (`tsconfig.json`, `packages/a/tsconfig.json`), else absolute. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel.split(sep).join("/") : path;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------
// `extends` resolution, as tsc 5.9 does it (getExtendsConfigPath, then nodeNextJsonConfigResolver: Node's
// module resolution with TypeScript's "config lookup" twists: .json is the only extension, a package directory
// gives its package.json "tsconfig" field or its tsconfig.json, never "main"; "exports" with the conditions
// require, types, node and default). Not done: package.json "imports" (`"extends": "#base"`) and
// "typesVersions", which no tsconfig package uses.

/** The file an `extends` value names, undefined when tsc finds none. */
export function resolveExtends(specifier: string, configDir: string): string | undefined {
  const spec = specifier.replace(/\\/g, "/");
  if (isAbsolute(spec) || spec.startsWith("./") || spec.startsWith("../")) {
    const path = resolve(configDir, spec);
    // As tsc: the path itself, else with ".json" added unless it already ends so.
    if (isFile(path)) return path;
    return !path.endsWith(".json") && isFile(path + ".json") ? path + ".json" : undefined;
  }
  if (spec === "" || spec.startsWith("#") || spec.includes(":")) return undefined;
  const self = fromOwnPackage(spec, configDir);
  if (self !== undefined) return self.path;
  for (let dir = configDir; ; dir = dirname(dir)) {
    if (basename(dir) !== "node_modules") {
      const found = fromNodeModules(join(dir, "node_modules"), spec);
      if (found !== undefined) return found;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

interface PackageJson {
  dir: string;
  json: Record<string, unknown>;
}

function packageJsonIn(dir: string): PackageJson | undefined {
  const path = join(dir, "package.json");
  if (!isFile(path)) return undefined;
  try {
    const json = JSON.parse(readFileSync(path, "utf8")) as unknown;
    return { dir, json: json !== null && typeof json === "object" ? (json as Record<string, unknown>) : {} };
  } catch {
    return { dir, json: {} };
  }
}

/** `"extends": "my-pkg/base"` inside my-pkg itself, through its own "exports" (tsc's self-name lookup); undefined to look on. */
function fromOwnPackage(spec: string, dir: string): { path: string | undefined } | undefined {
  for (let at = dir; ; at = dirname(at)) {
    const scope = packageJsonIn(at);
    if (scope !== undefined) {
      const name = scope.json.name;
      if (!scope.json.exports || typeof name !== "string") return undefined;
      if (spec !== name && !spec.startsWith(name + "/")) return undefined;
      return { path: fromExports(scope, spec === name ? "." : "." + spec.slice(name.length)) };
    }
    if (dirname(at) === at) return undefined;
  }
}

function fromNodeModules(nodeModules: string, spec: string): string | undefined {
  const slash = spec.indexOf("/", spec.startsWith("@") ? spec.indexOf("/") + 1 : 0);
  const packageName = slash < 0 ? spec : spec.slice(0, slash);
  const rest = slash < 0 ? "" : spec.slice(slash + 1);
  const candidate = join(nodeModules, spec);
  const packageDir = join(nodeModules, packageName);
  const candidatePackage = packageJsonIn(candidate);
  const rootPackage = rest === "" ? candidatePackage : packageJsonIn(packageDir);
  // A subpath of a package without "exports" that is a package of its own (its folder has a package.json).
  if (rest !== "" && candidatePackage !== undefined && !rootPackage?.json.exports) {
    return fromFile(candidate) ?? fromDirectory(candidate, candidatePackage);
  }
  if (rootPackage?.json.exports) return fromExports(rootPackage, rest === "" ? "." : "./" + rest);
  return fromFile(candidate) ?? fromDirectory(candidate, rootPackage);
}

/** tsc's loadModuleFromFile for a config: `x.json` itself, `x` as `x.json` (and `x.js`/`x.ts` as `x.json`, tsc's quirk). */
function fromFile(candidate: string): string | undefined {
  const name = basename(candidate);
  const dot = name.lastIndexOf(".");
  if (dot > 0 || (dot === 0 && name.length > 1)) {
    const known = /(\.d\.ts|\.ts|\.js|\.json)$/.exec(name);
    if (known) {
      const replaced = candidate.slice(0, candidate.length - known[1]!.length) + ".json";
      if (isFile(replaced)) return replaced;
    }
  }
  return isFile(candidate + ".json") ? candidate + ".json" : undefined;
}

/** A package's (or any) directory: its package.json "tsconfig" field, else its tsconfig.json. */
function fromDirectory(dir: string, packageJson: PackageJson | undefined): string | undefined {
  const field = packageJson !== undefined && packageJson.dir === dir ? packageJson.json.tsconfig : undefined;
  if (typeof field === "string") {
    const target = resolve(dir, field);
    const found = (target.endsWith(".json") && isFile(target) ? target : undefined) ?? fromFile(target) ?? fromDirectory(target, undefined);
    if (found !== undefined) return found;
  }
  return fromFile(join(dir, "tsconfig"));
}

const CONDITIONS = ["require", "types", "node", "default"];

/** A package's "exports" for `subpath` ("." or "./x"), as tsc's loadModuleFromExports reads them for a config. */
function fromExports(scope: PackageJson, subpath: string): string | undefined {
  const exports = scope.json.exports as unknown;
  const keys = exports !== null && typeof exports === "object" && !Array.isArray(exports) ? Object.keys(exports) : [];
  if (subpath === ".") {
    const main = typeof exports === "string" || Array.isArray(exports) || keys.every((key) => !key.startsWith(".")) ? exports : (exports as Record<string, unknown>)["."];
    return main ? fromExportTarget(scope, main, "", false) : undefined;
  }
  if (keys.length === 0 || !keys.every((key) => key.startsWith("."))) return undefined;
  const table = exports as Record<string, unknown>;
  if (!subpath.endsWith("/") && !subpath.includes("*") && Object.prototype.hasOwnProperty.call(table, subpath)) return fromExportTarget(scope, table[subpath], "", false);
  const expanding = keys.filter((key) => (key.indexOf("*") >= 0 && key.indexOf("*") === key.lastIndexOf("*")) || key.endsWith("/")).sort(comparePatternKeys);
  for (const key of expanding) {
    const star = key.indexOf("*");
    if (star >= 0 && !key.endsWith("*") && subpath.startsWith(key.slice(0, star)) && subpath.endsWith(key.slice(star + 1))) {
      return fromExportTarget(scope, table[key], subpath.slice(star, subpath.length - (key.length - 1 - star)), true);
    }
    if (key.endsWith("*") && subpath.startsWith(key.slice(0, -1))) return fromExportTarget(scope, table[key], subpath.slice(key.length - 1), true);
    if (subpath.startsWith(key)) return fromExportTarget(scope, table[key], subpath.slice(key.length), false);
  }
  return undefined;
}

function comparePatternKeys(a: string, b: string): number {
  const aStar = a.indexOf("*");
  const bStar = b.indexOf("*");
  const aBase = aStar === -1 ? a.length : aStar + 1;
  const bBase = bStar === -1 ? b.length : bStar + 1;
  if (aBase !== bBase) return bBase - aBase;
  if (aStar === -1) return 1;
  if (bStar === -1) return -1;
  return b.length - a.length;
}

function fromExportTarget(scope: PackageJson, target: unknown, subpath: string, pattern: boolean): string | undefined {
  if (typeof target === "string") {
    if (!pattern && subpath.length > 0 && !target.endsWith("/")) return undefined;
    if (!target.startsWith("./")) return undefined;
    const bad = (parts: string[]) => parts.some((part) => part === ".." || part === "." || part === "node_modules");
    if (bad(target.split("/").slice(2)) || bad(subpath.split("/"))) return undefined;
    const path = resolve(scope.dir, pattern ? target.replace(/\*/g, subpath) : target + subpath);
    if (path.endsWith(".json")) return isFile(path) ? path : undefined;
    // No extension added here (tsc adds none to an "exports" target), only the .js/.ts → .json replacement.
    const known = /(\.d\.ts|\.ts|\.js)$/.exec(path);
    const replaced = known ? path.slice(0, path.length - known[1]!.length) + ".json" : undefined;
    return replaced !== undefined && isFile(replaced) ? replaced : undefined;
  }
  if (Array.isArray(target)) {
    for (const element of target) {
      const found = fromExportTarget(scope, element, subpath, pattern);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (target !== null && typeof target === "object") {
    for (const [condition, value] of Object.entries(target)) {
      if (!CONDITIONS.includes(condition)) continue;
      const found = fromExportTarget(scope, value, subpath, pattern);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Problems: one line each on stderr, once per run.

let problemSink: ((line: string) => void) | undefined;
const reported = new Set<string>();

/**
 * Where the lines about tsconfig problems go (run.ts: `tsprof run`'s stderr before the program starts; the hooks:
 * stderr once per run, through a marker in the run's directory, hooks/register.ts). Without a sink they are dropped.
 */
export function onTsconfigProblem(sink: (line: string) => void): void {
  problemSink = sink;
}

function reportTsconfigProblem(text: string): void {
  const line = `tsprof: ${text}`;
  if (reported.has(line)) return;
  reported.add(line);
  problemSink?.(line);
}

// ---------------------------------------------------------------------------------------------------------
// A tolerant reader of tsconfig text, as TypeScript's own parser reads it (parseJsonText): comments and trailing
// commas are fine; a missing comma or colon, an unquoted or single-quoted key, a missing closing brace are errors
// (tsc's TS1005, TS1327, …) that lose nothing around them. Values tsc could not use (a bare word) are left out.

interface JsonError {
  line: number;
  message: string;
}

interface ParsedJson {
  value: unknown;
  errors: JsonError[];
  extendsLines: number[];
}

type Token =
  | { kind: "punct"; text: "{" | "}" | "[" | "]" | ":" | ","; line: number }
  | { kind: "string"; value: string; quote: string; line: number }
  | { kind: "number"; value: number; line: number }
  | { kind: "word"; text: string; line: number }
  | { kind: "other"; text: string; line: number }
  | { kind: "eof"; line: number };

function tokenize(text: string, errors: JsonError[]): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\n") {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end === -1 ? text.length : end + 2;
      for (let k = i; k < stop; k++) if (text[k] === "\n") line++;
      i = stop;
    } else if ("{}[]:,".includes(c)) {
      tokens.push({ kind: "punct", text: c as "{", line });
      i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let raw = "";
      while (j < text.length && text[j] !== c && text[j] !== "\n") {
        if (text[j] === "\\" && j + 1 < text.length) {
          raw += text.slice(j, j + 2);
          j += 2;
        } else raw += text[j++];
      }
      if (text[j] !== c) errors.push({ line, message: "Unterminated string literal" });
      tokens.push({ kind: "string", value: unescape(raw), quote: c, line });
      i = text[j] === c ? j + 1 : j;
    } else if (/[-+0-9.]/.test(c)) {
      const match = /^[-+]?(?:0x[0-9a-f]+|(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)/i.exec(text.slice(i));
      const literal = match ? match[0] : c;
      tokens.push({ kind: "number", value: Number(literal), line });
      i += literal.length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const word = /^[A-Za-z0-9_$]+/.exec(text.slice(i))![0];
      tokens.push({ kind: "word", text: word, line });
      i += word.length;
    } else {
      tokens.push({ kind: "other", text: c, line });
      i++;
    }
  }
  tokens.push({ kind: "eof", line });
  return tokens;
}

function unescape(raw: string): string {
  try {
    return JSON.parse(`"${raw.replace(/\\'/g, "'").replace(/"/g, '\\"').replace(/\\\\"/g, '\\"')}"`) as string;
  } catch {
    return raw;
  }
}

/** A value tsc could not use (a bare word, a missing value): the property is left out. */
const NO_VALUE = Symbol("no value");

export function parseJsonTolerantly(text: string): ParsedJson {
  const errors: JsonError[] = [];
  const tokens = tokenize(text, errors);
  let at = 0;
  const extendsLines: number[] = [];
  const peek = (): Token => tokens[at]!;
  // One error per token and message, as TypeScript's parser reports one per place.
  const seen = new Set<string>();
  const error = (token: Token, message: string): void => {
    const key = `${tokens.indexOf(token)} ${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    errors.push({ line: token.line, message });
  };
  const isPunct = (token: Token, text: string): boolean => token.kind === "punct" && token.text === text;

  function value(depth: number, key?: string): unknown {
    const token = peek();
    if (isPunct(token, "{")) return object(depth);
    if (isPunct(token, "[")) return array(depth, key);
    if (token.kind === "string") {
      at++;
      if (token.quote !== '"') error(token, "String literal with double quotes expected");
      return token.value;
    }
    if (token.kind === "number") {
      at++;
      return token.value;
    }
    if (token.kind === "word") {
      at++;
      if (token.text === "true") return true;
      if (token.text === "false") return false;
      if (token.text === "null") return null;
      return NO_VALUE;
    }
    error(token, "Property value can only be string literal, numeric literal, 'true', 'false', 'null', object literal or array literal");
    if (token.kind === "other") at++;
    return NO_VALUE;
  }

  function object(depth: number): Record<string, unknown> {
    at++; // {
    const result: Record<string, unknown> = {};
    for (;;) {
      const token = peek();
      if (isPunct(token, "}")) {
        at++;
        return result;
      }
      if (token.kind === "eof" || isPunct(token, "]")) {
        error(token, "'}' expected");
        return result;
      }
      if (token.kind !== "string" && token.kind !== "word" && token.kind !== "number") {
        error(token, "Property assignment expected");
        at++;
        continue;
      }
      at++;
      if (token.kind !== "string" || token.quote !== '"') error(token, "String literal with double quotes expected");
      const key = token.kind === "string" ? token.value : token.kind === "word" ? token.text : String(token.value);
      if (isPunct(peek(), ":")) at++;
      else error(peek(), "':' expected");
      if (depth === 0 && key === "extends") {
        extendsLines.length = 0;
        extendsLines.push(peek().line);
      }
      const item = value(depth + 1, depth === 0 ? key : undefined);
      if (item !== NO_VALUE) result[key] = item;
      const next = peek();
      if (isPunct(next, ",")) at++;
      // The end of the text ends the object as `}` would: its error is the "'}' expected" that follows.
      else if (!isPunct(next, "}") && next.kind !== "eof") error(next, "',' expected");
    }
  }

  function array(depth: number, key?: string): unknown[] {
    at++; // [
    const result: unknown[] = [];
    for (;;) {
      const token = peek();
      if (isPunct(token, "]")) {
        at++;
        return result;
      }
      if (token.kind === "eof" || isPunct(token, "}")) {
        error(token, "']' expected");
        return result;
      }
      if (key === "extends") extendsLines[result.length] = token.line;
      const before = at;
      const item = value(depth + 1);
      // A token no value starts with (`:`): skipped, as TypeScript's parser moves past it.
      if (at === before) at++;
      result.push(item === NO_VALUE ? undefined : item);
      const next = peek();
      if (isPunct(next, ",")) at++;
      else if (!isPunct(next, "]") && next.kind !== "eof") error(next, "',' expected");
    }
  }

  if (peek().kind === "eof") return { value: {}, errors, extendsLines };
  const result = value(0);
  if (peek().kind !== "eof") error(peek(), "Unexpected token");
  return { value: result === NO_VALUE ? undefined : result, errors, extendsLines };
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
      const value = compilerOptionsOf(config)[name];
      if (typeof value === "string") settings[name] = value;
    }
    settings.tsconfig = config;
    jsxByConfig.set(config, settings);
  }
  return settings;
}
