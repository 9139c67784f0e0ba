// Instruments one source file for `tsprof run`: strips TypeScript, applies the tsprof Babel plugin,
// and lowers ESM syntax to CommonJS for .ts/.cts files that Node will load as CommonJS.
import { extname } from "node:path";
import type { PluginObj } from "@babel/core";
import type { ParserPlugin } from "@babel/parser";
import type { ModuleFormat } from "./module-format";
import { isTypeScript } from "./module-format";
import type { RunHookOptions } from "./run-options";
import { cacheDirectory, cacheKey, cached } from "./compile-cache";
import { decoratorStyleFor, jsxSettingsFor, tscEmitsCommonJs, tscMakesStrict, typescriptSettingsFor, type DecoratorStyle, type JsxSettings, type TypeScriptSettings } from "./tsconfig";
import { compilesJsx, firstJsx, jsxPlugins, jsxSettingError, JSX_SETTING_LINE } from "./jsx";
import { autoAccessorsPlugin } from "./auto-accessors";
import { legacyDecoratorsPlugin } from "./legacy-decorators";
import { legacyDecoratorSyntaxPlugin, parseLegacyDecoratorSyntax } from "./legacy-decorator-syntax";
import { classFieldsPlugin } from "./class-fields";
import { namespaceExportsPlugin } from "./namespace-exports";
import { inputSourceMapOption, linkedSourceMap } from "./linked-source-map";

const tsprofPlugin = require.resolve("@tsprof/babel-plugin");
const presetTypescript = require.resolve("@babel/preset-typescript");
const modulesCommonjs = require.resolve("@babel/plugin-transform-modules-commonjs");
const proposalDecorators = require.resolve("@babel/plugin-proposal-decorators");
const explicitResourceManagement = require.resolve("@babel/plugin-transform-explicit-resource-management");
const exportNamespaceFrom = require.resolve("@babel/plugin-transform-export-namespace-from");

/**
 * How a TypeScript file's decorators compile: the governing tsconfig's `experimentalDecorators` picks
 * TypeScript's legacy ones, else the standard ones (see tsconfig.ts). Part of the compile cache's key,
 * so turning the option on or off recompiles. Undefined for JavaScript, which Node runs without decorators.
 */
export function decoratorStyleOf(filename: string): DecoratorStyle | undefined {
  return isTypeScript(filename) ? decoratorStyleFor(filename) : undefined;
}

/** A .tsx file's JSX settings (see jsx.ts); undefined for every other file, whose JSX, if any, is left to Node. */
function jsxSettingsOf(filename: string, javascript = false): JsxSettings | undefined {
  return !javascript && extname(filename) === ".tsx" ? jsxSettingsFor(filename) : undefined;
}

/**
 * Everything the governing tsconfig decides about a TypeScript file's output (decorators, class fields,
 * kept imports: see tsconfig.ts), undefined for JavaScript. Part of the compile cache's key, so changing
 * any of them recompiles.
 */
function typescriptSettingsOf(filename: string, javascript = false): TypeScriptSettings | undefined {
  return !javascript && isTypeScript(filename) ? typescriptSettingsFor(filename) : undefined;
}

/**
 * The compile cache's key for a file (run.ts asks it too, to skip the syntax check of a script compiled before).
 * `javascript`: the code is JavaScript whatever the file's extension says (see compileSource).
 */
export function compileCacheKey(source: string, filename: string, format: ModuleFormat, options: RunHookOptions, instrument: boolean, javascript = false, linkedMap = linkedSourceMap(source, filename)): string {
  const settings = typescriptSettingsOf(filename, javascript);
  // A .tsx file's output also depends on its tsconfig's JSX options.
  const jsx = jsxSettingsOf(filename, javascript);
  const variant = javascript
    ? "javascript"
    : settings &&
      `${settings.decorators} ${settings.classFields} ${settings.keepValueImports} ${settings.module} ${settings.esModuleInterop} ${settings.alwaysStrict} ${settings.forceModules}${jsx ? ` ${JSON.stringify(jsx)}` : ""}`;
  return cacheKey(source, filename, format, options, instrument, variant, linkedMap);
}

/** Parser plugins for decorators and `accessor`, as @babel/plugin-proposal-decorators sets them for each version. */
function decoratorParserPlugins(style: DecoratorStyle): Array<"decorators-legacy" | "decoratorAutoAccessors" | ["decorators", { allowCallParenthesized: boolean }]> {
  return style === "legacy" ? ["decorators-legacy", "decoratorAutoAccessors"] : [["decorators", { allowCallParenthesized: false }], "decoratorAutoAccessors"];
}

/** compileSource through the disk cache (see compile-cache.ts). The linked map is read once, for the key and the compile. */
export function compileFile(source: string, filename: string, format: ModuleFormat, options: RunHookOptions, instrument: boolean, javascript = false): string {
  const linkedMap = linkedSourceMap(source, filename);
  const key = compileCacheKey(source, filename, format, options, instrument, javascript, linkedMap);
  return cached(cacheDirectory(options.root), key, () => compileSource(source, filename, format, options, instrument, javascript, linkedMap));
}

/**
 * Compiles one file for Node: TypeScript stripped, tsprof probes added when `instrument` is set. `javascript`:
 * the source is JavaScript whatever the extension (another loader's output for a .ts file, cjs-hook.ts), so it
 * is only instrumented, the TypeScript settings and transforms left out.
 */
export function compileSource(source: string, filename: string, format: ModuleFormat, options: RunHookOptions, instrument: boolean, javascript = false, linkedMap = linkedSourceMap(source, filename)): string {
  const typescript = !javascript && isTypeScript(filename);
  const decorators = javascript ? undefined : decoratorStyleOf(filename);
  const plugins: unknown[] = [];
  // `accessor` fields lowered first: this Program.enter runs before the tsprof plugin's, which instruments
  // the whole file there, so the getters and setters made get probes (see auto-accessors.ts).
  if (decorators) plugins.push([autoAccessorsPlugin, { decorators }]);
  // Legacy member and parameter decorators applied as tsc applies them (see legacy-decorators.ts), in the
  // decorator syntax tsc takes (legacy-decorator-syntax.ts).
  if (decorators === "legacy") plugins.push(legacyDecoratorsPlugin, legacyDecoratorSyntaxPlugin);
  // The plugin is told the hooks' decision (hooks/should-instrument.ts), not the --include/--exclude globs: the
  // file itself as its one include, an absolute path naming that file (node_modules in it opts it in as
  // explicitly). So the output depends on the file and not on the other globs, and the compile cache's key leaves
  // the glob list out (compile-cache.ts cacheKey): adding or reordering a glob recompiled every file.
  if (instrument) plugins.push(
    [
      tsprofPlugin,
      {
        root: options.root,
        include: [filename],
        exclude: [],
        runtime: options.runtime,
        importStyle: format === "module" ? "import" : "require",
      },
    ]);
  // Namespaces' `export var`/`export let`, which Babel's TypeScript transform refuses, lowered as tsc does
  // (namespace-exports.ts), after the tsprof plugin has named and instrumented their functions as written:
  // `export var v = () => 1` is `v` in the table, as `export const` is and as the tsc transformer names it,
  // not `N.v`, the assignment it becomes.
  if (typescript) plugins.push(namespaceExportsPlugin);
  // Class fields and parameter properties initialised as tsc does under the tsconfig (class-fields.ts):
  // its Class visitor runs before the decorators transform's and the TypeScript preset's.
  const settings = typescriptSettingsOf(filename, javascript);
  if (settings) plugins.push([classFieldsPlugin, { style: settings.classFields }]);
  // The decorators transform visits classes after the tsprof plugin has instrumented them: decorated
  // methods and the decorators keep their probes, Babel's helpers get none. "legacy" (TypeScript's
  // experimentalDecorators) is left only class decorators to apply; "2023-11" is the standard proposal
  // as it stands, the closest Babel has to TypeScript 5's standard decorators.
  if (decorators) plugins.push([proposalDecorators, { version: decorators === "legacy" ? "legacy" : "2023-11" }]);
  // `using` and `await using` (TypeScript 5.2+), which tsc lowers for every target Node 20 runs and Node 20 cannot
  // run. Not in JavaScript: there Node's own SyntaxError is the program's behaviour.
  if (typescript) plugins.push(explicitResourceManagement);
  plugins.push(keepImportAssert);
  // A .tsx file's JSX, as tsc compiles it with the tsconfig's `jsx` (see jsx.ts); first, for its pragma handling.
  const jsx = jsxSettingsOf(filename, javascript);
  if (jsx) plugins.unshift(...jsxPlugins(jsx));
  // allowTopLevelThis: `this` at a CommonJS module's top level is `exports` in tsc's output (and in Node); Babel
  // would make it undefined, as in an ES module. noInterop: with esModuleInterop off (tsc's default for `module`
  // commonjs), tsc emits plain require()s, no __importStar/__importDefault: `import * as f from "m"` is m's
  // module.exports itself (callable when m exports a function) and a default import reads its `default`
  // property. Only where tsc would emit CommonJS for the file: where it emits ES modules, Node's own interop
  // applies, closer to Babel's.
  // `export * as ns from "./b"`, which the CommonJS transform refuses unless this one has made it
  // `import * as _ns from "./b"; export { _ns as ns }` first (tsc's output: `exports.ns = require("./b")`,
  // through its __importStar under esModuleInterop). An ES module keeps it: Node runs it as written.
  if (typescript && format === "commonjs") {
    const noInterop = settings !== undefined && !settings.esModuleInterop && tscEmitsCommonJs(filename, settings);
    plugins.push(exportNamespaceFrom, [modulesCommonjs, { loose: false, allowTopLevelThis: true, noInterop }]);
    // A file without import or export stays a script for Babel's transform, sloppy unless tsc would make it strict
    // (alwaysStrict or strict, moduleDetection "force", a .cts file): then it gets tsc's "use strict" too.
    if (settings !== undefined && tscMakesStrict(filename, settings)) plugins.push(useStrictPlugin);
  }
  // Loaded on first use: with a warm compile cache a run never pays for loading Babel.
  const { transformSync } = require("@babel/core") as typeof import("@babel/core");
  const result = keepingErrorSettings(() => transformSync(source, {
    filename,
    inputSourceMap: inputSourceMapOption(linkedMap) as never,
    babelrc: false,
    configFile: false,
    sourceType: format === "module" ? "module" : "unambiguous",
    // Same line numbers as the original, so stack traces and error messages point at the user's lines.
    retainLines: true,
    compact: false,
    comments: true,
    // A syntax error's code frame is plain text, as Node's own are: Babel's default colours it whenever
    // picocolors thinks it may, which includes any process with CI set, whatever stderr is.
    highlightCode: false,
    // verbatimModuleSyntax and the like keep `import { x }` when x is unused (its module's side effects run).
    presets: settings ? [[presetTypescript, { onlyRemoveTypeImports: settings.keepValueImports, allowDeclareFields: true }]] : [],
    plugins: plugins as never,
    // The decorators plugin adds its parser plugins; legacy decorators' "decorators-legacy" leaves out `accessor`.
    parserOpts: {
      allowReturnOutsideFunction: format === "commonjs",
      plugins: [...(decorators === "legacy" ? ["decoratorAutoAccessors" as const] : []), ...IMPORT_ASSERT],
    },
  }));
  return result?.code ?? source;
}

/** Adds a "use strict" directive to a file that has none (see compileSource). */
function useStrictPlugin(): PluginObj {
  return {
    name: "tsprof-use-strict",
    visitor: {
      Program(path) {
        if (path.node.directives.some((directive) => directive.value.value === "use strict")) return;
        path.node.directives.unshift({ type: "Directive", value: { type: "DirectiveLiteral", value: "use strict" } } as never);
      },
    },
  };
}

/**
 * `import x from "./x.json" assert { type: "json" }`: the deprecated spelling of import attributes, which
 * Node 20 still runs (with a warning) and Babel refuses without this parser plugin. The parser marks each such
 * import, and keepImportAssert (below) makes the generator print it with `assert` again, so the program gets
 * Node's own warning for it (and `with` imports stay `with`).
 */
const IMPORT_ASSERT = ["deprecatedImportAssert" as const];

/**
 * Babel's generator prints every import's attributes with one keyword, `with` unless told otherwise (and then
 * warns on the console about the marked ones); an import whose attributes are in the older `assertions` field
 * gets `assert`. So the marked ones move there, each import keeping the keyword it was written with.
 */
function keepImportAssert(): PluginObj {
  const keep = (path: { node: { attributes?: unknown; assertions?: unknown; extra?: Record<string, unknown> } }): void => {
    const node = path.node;
    if (!node.extra?.deprecatedAssertSyntax || !node.attributes) return;
    node.assertions = node.attributes;
    node.attributes = undefined;
    delete node.extra.deprecatedAssertSyntax;
  };
  return { name: "tsprof-keep-import-assert", visitor: { ImportDeclaration: keep, ExportNamedDeclaration: keep, ExportAllDeclaration: keep } };
}

/**
 * Runs a Babel call without letting it change the program's Error settings: the first call into @babel/core
 * raises Error.stackTraceLimit to at least 50 and installs its own Error.prepareStackTrace (to hide its frames
 * from its errors), for good. In the profiled program's process, where the CommonJS hook compiles, the program
 * then saw 50 where Node gives 10, or lost the limit it had set, whenever a file was compiled rather than taken
 * from the compile cache. Both are put back as they were, property descriptors and all.
 */
function keepingErrorSettings<T>(call: () => T): T {
  const saved = ["stackTraceLimit", "prepareStackTrace"].map((key) => [key, Object.getOwnPropertyDescriptor(Error, key)] as const);
  try {
    return call();
  } finally {
    for (const [key, descriptor] of saved) {
      if (descriptor) Object.defineProperty(Error, key, descriptor);
      else delete (Error as unknown as Record<string, unknown>)[key];
    }
  }
}

/** Parses only (no transform), for reporting a syntax error before anything runs. Throws Babel's parse error. */
export function checkSyntax(source: string, filename: string, format: ModuleFormat): void {
  const { parse } = require("@babel/parser") as typeof import("@babel/parser");
  const jsx = jsxSettingsOf(filename);
  const typescript: ParserPlugin[] = isTypeScript(filename) ? ["typescript", ...decoratorParserPlugins(decoratorStyleFor(filename))] : [];
  const ast = parseLegacyDecoratorSyntax(parse, source, {
    sourceFilename: filename,
    sourceType: format === "module" ? "module" : "unambiguous",
    allowReturnOutsideFunction: format === "commonjs",
    plugins: [...typescript, ...(jsx ? ["jsx" as const] : []), ...IMPORT_ASSERT],
  });
  // JSX that tsc would not compile, refused here as the hooks refuse it (with the same line), before the run.
  const refused = jsx && !compilesJsx(jsx) ? firstJsx(ast.program) : undefined;
  if (jsx && refused) throw jsxSettingError(filename, refused.line, refused.column, jsx);
}

/**
 * Marks the SyntaxError the hooks raise for a TypeScript file Babel cannot parse (a symbol registered by name,
 * so the thrower module that esm-hooks.ts writes out can set it too); its value is the file's path. register.ts
 * prints such an error, when nothing catches it, as `tsprof run` prints one in the main script: the message and
 * the code frame, exit 1.
 */
export const LOAD_ERROR_KEY = "tsprof.loadError";

/** Turns a Babel parse error into the one-line-plus-code-frame message a user expects from a syntax error. */
export function describeLoadError(error: unknown, filename: string, source?: string): string | undefined {
  // JSX in a .tsx file whose tsconfig does not say how to compile it: jsx.ts's one line, no code frame.
  const jsxLine = (error as Record<symbol, unknown> | null)?.[JSX_SETTING_LINE];
  if (typeof jsxLine === "string") return jsxLine;
  const e = error as { code?: string; loc?: { line: number; column: number }; message?: string; reasonCode?: string };
  const codes = ["BABEL_PARSE_ERROR", "BABEL_PARSER_SYNTAX_ERROR", "BABEL_TRANSFORM_ERROR"];
  if (!e || !codes.includes(e.code as string) || typeof e.message !== "string") return undefined;
  // Babel's message is "<file>: <reason> (<line>:<col>)\n\n<code frame>"
  const [first, ...rest] = e.message.split("\n");
  const reason = first.startsWith(filename) ? first.slice(filename.length + 2) : first;
  const where = e.loc ? `${filename}:${e.loc.line}:${e.loc.column + 1}` : filename;
  // JSX in JavaScript (a .jsx or .js main script): Babel's reason asks for parser plugins, which means nothing to
  // the user; node cannot run it either (Unexpected token '<'), and tsprof compiles JSX only where tsc does.
  const missingPlugin = (e as { missingPlugin?: unknown }).missingPlugin;
  if (Array.isArray(missingPlugin) && missingPlugin.includes("jsx")) {
    return `${where}: SyntaxError: JSX, which node cannot run: compile it first (tsprof run compiles JSX only in .tsx files, as tsc does)`;
  }
  const kind = e.code === "BABEL_TRANSFORM_ERROR" ? "Error" : "SyntaxError";
  let frame = rest.join("\n");
  if (!frame.trim() && source !== undefined && e.loc) {
    const { codeFrameColumns } = require("@babel/code-frame") as typeof import("@babel/code-frame");
    frame = "\n" + codeFrameColumns(source, { start: { line: e.loc.line, column: e.loc.column + 1 } });
  }
  return `${where}: ${kind}: ${reason.replace(/ \(\d+:\d+\)$/, "")}\n${frame}`.trimEnd();
}
