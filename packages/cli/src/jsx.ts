// JSX in a .tsx file under `tsprof run`, compiled as tsc compiles it with the governing tsconfig's `jsx`:
// "react" is the classic runtime (jsxFactory / jsxFragmentFactory, React.createElement by default),
// "react-jsx" and "react-jsxdev" the automatic one (jsxImportSource, react by default). With "preserve",
// "react-native" or no `jsx` at all, tsc leaves the JSX in its output (or refuses it), which node cannot run:
// tsprof says which setting is needed instead of failing on the first `<`.
import type { PluginObj, PluginPass } from "@babel/core";
import type { JsxSettings } from "./tsconfig";

const reactJsx = require.resolve("@babel/plugin-transform-react-jsx");
const reactJsxDevelopment = require.resolve("@babel/plugin-transform-react-jsx-development");

/** The `jsx` values tsc compiles JSX for (tsc reads them case-insensitively), and those it leaves JSX for. */
const COMPILED = ["react", "react-jsx", "react-jsxdev"];
const KEPT = ["preserve", "react-native"];

function jsxMode(settings: JsxSettings): string | undefined {
  return settings.jsx?.toLowerCase();
}

/** Whether tsc, with these settings, turns JSX into calls (rather than keeping it, or refusing it). */
export function compilesJsx(settings: JsxSettings): boolean {
  return COMPILED.includes(jsxMode(settings) ?? "");
}

/** The Babel plugins for a .tsx file's JSX (a .ts file has none: TypeScript's `<T>x` is a type assertion there). */
export function jsxPlugins(settings: JsxSettings): unknown[] {
  if (!compilesJsx(settings)) return [[refuseJsxPlugin, { settings }]];
  // Under react-jsxdev, Babel's development transform also serves a file that says `@jsxRuntime classic`: its
  // createElement calls then get __self and __source props, which tsc does not add.
  const development = jsxMode(settings) === "react-jsxdev";
  // throwIfNamespace: tsc compiles <a:b c:d="1"/> to createElement("a:b", { "c:d": "1" }); Babel would refuse it.
  // useSpread: {...props} stays an object spread, as in tsc's output for the ES2018+ targets Node 20 runs.
  // pure: false: no /*#__PURE__*/ annotations, which only moved the columns of stack traces further from the source.
  const options = development ? { throwIfNamespace: false, pure: false } : { throwIfNamespace: false, useSpread: true, pure: false };
  return [[tscPragmasPlugin, { settings }], [development ? reactJsxDevelopment : reactJsx, options]];
}

interface Pragmas {
  jsx?: string;
  jsxfrag?: string;
  jsximportsource?: string;
  jsxruntime?: string;
}

/**
 * The `@jsx`, `@jsxFrag`, `@jsxImportSource` and `@jsxRuntime` pragmas as tsc reads them: only in block
 * comments before the file's first token (a `/** @jsx h *\/` after a statement or a "use strict" counts for
 * nothing), the name in any case, the first word after it as the value, the last of a kind winning.
 */
function readPragmas(comments: readonly { type: string; value: string; end?: number | null }[], firstToken: number): Pragmas {
  const pragmas: Pragmas = {};
  for (const comment of comments) {
    if (comment.type !== "CommentBlock" || (comment.end ?? Infinity) > firstToken) continue;
    for (const match of comment.value.matchAll(/@(\S+)(\s+(?:\S.*)?)?$/gm)) {
      const name = match[1].toLowerCase();
      const value = match[2]?.trim().split(/\s+/)[0];
      if (value && (name === "jsx" || name === "jsxfrag" || name === "jsximportsource" || name === "jsxruntime")) pragmas[name] = value;
    }
  }
  return pragmas;
}

/**
 * The runtime and names tsc uses for a file (its getJSXImplicitImportBase and jsx factory lookup): the
 * automatic runtime for "react-jsx"/"react-jsxdev", and also for "react" when jsxImportSource is set or the file
 * has an @jsxImportSource or `@jsxRuntime automatic` pragma; `@jsxRuntime classic` turns it off. Classic calls
 * the @jsx pragma's factory, else jsxFactory, else React.createElement (fragments likewise).
 */
function tscJsxPragmas(settings: JsxSettings, pragmas: Pragmas): string[] {
  const mode = jsxMode(settings);
  const automatic =
    pragmas.jsxruntime !== "classic" &&
    (mode === "react-jsx" || mode === "react-jsxdev" || !!settings.jsxImportSource || !!pragmas.jsximportsource || pragmas.jsxruntime === "automatic");
  if (automatic) return ["@jsxRuntime automatic", `@jsxImportSource ${pragmas.jsximportsource ?? settings.jsxImportSource ?? "react"}`];
  return [
    "@jsxRuntime classic",
    `@jsx ${pragmas.jsx ?? settings.jsxFactory ?? "React.createElement"}`,
    `@jsxFrag ${pragmas.jsxfrag ?? settings.jsxFragmentFactory ?? "React.Fragment"}`,
  ];
}

const ANY_JSX_PRAGMA = /@jsx/i;

type CommentList = NonNullable<PluginPass["file"]["ast"]["comments"]>;

/**
 * Babel's JSX transform reads its pragmas from every comment of the file, with rules of its own (it refuses
 * an @jsx pragma under the automatic runtime, where tsc ignores it; it takes one after the first statement,
 * where tsc does not), and preset-typescript reads @jsx to keep the factory's import. So while the file is
 * transformed, the comments those two see hold tsc's answer in their pragma syntax instead of the file's own
 * pragmas; the other comments stay (the tsprof plugin looks for `tsprof ignore file`), and the file's list
 * is put back on the way out. This plugin goes first: the Program visitors run in plugin order, presets last.
 */
function tscPragmasPlugin(): PluginObj<PluginPass & { saved?: CommentList }> {
  return {
    name: "tsprof-tsc-jsx-pragmas",
    visitor: {
      Program: {
        enter(path, state) {
          const ast = state.file.ast;
          const comments = ast.comments ?? [];
          const node = path.node;
          const firstToken = Math.min(node.directives[0]?.start ?? Infinity, node.body[0]?.start ?? Infinity);
          const settings = (state.opts as { settings: JsxSettings }).settings;
          const effective = tscJsxPragmas(settings, readPragmas(comments, firstToken));
          state.saved = comments;
          ast.comments = [
            ...comments.filter((comment) => !ANY_JSX_PRAGMA.test(comment.value)),
            ...effective.map((value) => ({ type: "CommentBlock" as const, value: ` ${value} `, start: 0, end: 0, loc: node.loc! })),
          ] as CommentList;
        },
        exit(_path, state) {
          if (state.saved) state.file.ast.comments = state.saved;
        },
      },
    },
  };
}

/** Set on the error for JSX that tsc would not compile: the one line `tsprof run` prints for it (see transform.ts). */
export const JSX_SETTING_LINE = Symbol.for("tsprof.jsxSettingLine");

/** The error for JSX at `line:column` (1-based) of a file whose tsconfig does not have tsc compile JSX. */
export function jsxSettingError(filename: string, line: number, column: number, settings: JsxSettings): Error {
  const needed = `JSX needs "jsx": "react-jsx" (or "react-jsxdev", or "react" for createElement calls) in tsconfig.json's compilerOptions`;
  const why =
    settings.tsconfig === undefined
      ? "there is no tsconfig.json above this file"
      : settings.jsx === undefined
        ? `${settings.tsconfig} does not set "jsx"`
        : KEPT.includes(settings.jsx.toLowerCase())
          ? `${settings.tsconfig} has "jsx": "${settings.jsx}", with which tsc leaves the JSX for node, which cannot run it`
          : `${settings.tsconfig} has "jsx": "${settings.jsx}", which tsc does not know`;
  const error = new Error(`${needed}: ${why}`);
  Object.defineProperty(error, JSX_SETTING_LINE, { value: `${filename}:${line}:${column}: ${error.message}` });
  return error;
}

/** Refuses the first JSX element or fragment of a file whose settings leave JSX uncompiled (see jsxSettingError). */
function refuseJsxPlugin(): PluginObj<PluginPass> {
  const refuse = (path: { node: { loc?: { start: { line: number; column: number } } | null } }, state: PluginPass): never => {
    const start = path.node.loc?.start ?? { line: 1, column: 0 };
    throw jsxSettingError(state.filename ?? "", start.line, start.column + 1, (state.opts as { settings: JsxSettings }).settings);
  };
  return { name: "tsprof-refuse-jsx", visitor: { JSXElement: refuse, JSXFragment: refuse } };
}

/** The first JSX element or fragment of a parsed file (for the main script's check before the run), or undefined. */
export function firstJsx(node: unknown): { line: number; column: number } | undefined {
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = firstJsx(child);
      if (found) return found;
    }
    return undefined;
  }
  if (node === null || typeof node !== "object") return undefined;
  const n = node as Record<string, unknown> & { type?: unknown; loc?: { start: { line: number; column: number } } };
  if (typeof n.type !== "string") return undefined;
  if (n.type === "JSXElement" || n.type === "JSXFragment") return { line: n.loc?.start.line ?? 1, column: (n.loc?.start.column ?? 0) + 1 };
  for (const key of Object.keys(n)) {
    if (key === "loc" || key === "start" || key === "end" || key.endsWith("Comments") || key === "extra") continue;
    const found = firstJsx(n[key]);
    if (found) return found;
  }
  return undefined;
}
