// Instruments one source file for `tsprof run`: strips TypeScript, applies the tsprof Babel plugin,
// and lowers ESM syntax to CommonJS for .ts/.cts files that Node will load as CommonJS.
import { transformSync } from "@babel/core";
import type { ModuleFormat } from "./module-format";
import { isTypeScript } from "./module-format";
import type { RunHookOptions } from "./run-options";

const tsprofPlugin = require.resolve("@tsprof/babel-plugin");
const presetTypescript = require.resolve("@babel/preset-typescript");
const modulesCommonjs = require.resolve("@babel/plugin-transform-modules-commonjs");

/** Compiles one file for Node: TypeScript stripped, tsprof probes added when `instrument` is set. */
export function compileSource(source: string, filename: string, format: ModuleFormat, options: RunHookOptions, instrument: boolean): string {
  const typescript = isTypeScript(filename);
  const plugins: unknown[] = [];
  if (instrument) plugins.push(
    [
      tsprofPlugin,
      {
        root: options.root,
        include: options.include,
        exclude: options.exclude,
        runtime: options.runtime,
        importStyle: format === "module" ? "import" : "require",
      },
    ]);
  if (typescript && format === "commonjs") plugins.push([modulesCommonjs, { loose: false }]);
  const result = transformSync(source, {
    filename,
    babelrc: false,
    configFile: false,
    sourceType: format === "module" ? "module" : "unambiguous",
    // Same line numbers as the original, so stack traces and error messages point at the user's lines.
    retainLines: true,
    compact: false,
    comments: true,
    presets: typescript ? [[presetTypescript, { onlyRemoveTypeImports: false, allowDeclareFields: true }]] : [],
    plugins: plugins as never,
    parserOpts: { allowReturnOutsideFunction: format === "commonjs" },
  });
  return result?.code ?? source;
}

/** Turns a Babel parse error into the one-line-plus-code-frame message a user expects from a syntax error. */
export function describeLoadError(error: unknown, filename: string): string | undefined {
  const e = error as { code?: string; loc?: { line: number; column: number }; message?: string; reasonCode?: string };
  if (!e || (e.code !== "BABEL_PARSE_ERROR" && e.code !== "BABEL_TRANSFORM_ERROR") || typeof e.message !== "string") return undefined;
  // Babel's message is "<file>: <reason> (<line>:<col>)\n\n<code frame>"
  const [first, ...rest] = e.message.split("\n");
  const reason = first.startsWith(filename) ? first.slice(filename.length + 2) : first;
  const where = e.loc ? `${filename}:${e.loc.line}:${e.loc.column + 1}` : filename;
  const kind = e.code === "BABEL_PARSE_ERROR" ? "SyntaxError" : "Error";
  return `${where}: ${kind}: ${reason.replace(/ \(\d+:\d+\)$/, "")}\n${rest.join("\n")}`.trimEnd();
}
