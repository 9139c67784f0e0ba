// Parses TypeScript with experimentalDecorators for `tsprof run`: the decorator syntax tsc accepts there, which
// neither of Babel's decorator grammars accepts whole.
//
// Babel's legacy grammar ("decorators-legacy", what its legacy transform asks for) takes any expression with
// subscripts after `@`, so a decorated member with a computed name reads as one element access, and it has no
// decorators after `export`:
//
//   class A { @D ["computed"]() {} }    // Babel: @(D["computed"]()) then `{`: "Unexpected token"
//   export @D class E {}                // Babel: expected "{"
//
// tsc stops a decorator's expression before `[` and takes decorators on either side of `export` (TypeScript
// 5.0+). Babel's standard grammar ("decorators") does both, but refuses parameter decorators (`constructor(@Inject(T)
// t)`), which it still parses, and decorators with calls or members after a call (`@a().b`), which tsc takes. So
// a file is parsed with the legacy grammar, as it always was; only when that fails, with the standard one (call
// arguments allowed anywhere, as in tsc, and the parameter decorators' error dropped: Babel records it and parses
// on under errorRecovery). Both grammars give the same Decorator nodes, which the transforms then lower as usual.
// A file neither parses fails with the error of the parse that got further into it (the legacy one's on a tie:
// the error tsprof gave before), which is where its real syntax error is.
import type { ParserOptions, ParserPlugin, parse as babelParse } from "@babel/parser";

type Parse = typeof babelParse;
type File = ReturnType<Parse>;

/** The standard grammar, with call arguments after a member chain (`@a.b()`), as tsc allows. */
const STANDARD_DECORATORS: ParserPlugin = ["decorators", { allowCallParenthesized: true }];

/** Parses `code` as `parse(code, options)` does, with tsc's decorator syntax when options ask for "decorators-legacy". */
export function parseLegacyDecoratorSyntax(parse: Parse, code: string, options: ParserOptions): File {
  const plugins = options.plugins ?? [];
  if (!plugins.includes("decorators-legacy")) return parse(code, options);
  let legacyError: unknown;
  try {
    return parse(code, options);
  } catch (error) {
    legacyError = error;
  }
  const standard = { ...options, plugins: [...plugins.filter((plugin) => plugin !== "decorators-legacy"), STANDARD_DECORATORS] };
  try {
    const ast = parse(code, { ...standard, errorRecovery: true });
    // The errors Babel recorded and parsed past: only parameter decorators' are not errors in TypeScript.
    const errors = (ast.errors ?? []).filter((error) => (error as { reasonCode?: string }).reasonCode !== "UnsupportedParameterDecorator");
    if (errors.length > 0) throw errors[0];
    ast.errors = [];
    return ast;
  } catch (standardError) {
    throw position(standardError) > position(legacyError) ? standardError : legacyError;
  }
}

/** How far into the file a parse error is (-1 without a position). */
function position(error: unknown): number {
  const pos = (error as { pos?: unknown } | null)?.pos;
  return typeof pos === "number" ? pos : -1;
}

/** A Babel plugin that makes Babel parse with parseLegacyDecoratorSyntax (its parser options are final here). */
export function legacyDecoratorSyntaxPlugin(): { name: string; parserOverride: (code: string, options: ParserOptions, parse: Parse) => File } {
  return { name: "tsprof-legacy-decorator-syntax", parserOverride: (code, options, parse) => parseLegacyDecoratorSyntax(parse, code, options) };
}
