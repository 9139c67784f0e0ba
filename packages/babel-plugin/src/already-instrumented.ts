// The "already instrumented" marker (idempotence, design.md §3 pitfall 11): the module header's registration.
//
// A module tsprof instrumented has, in its accessor, `ENTRY.module("file", [[name, qualifiedName, line,
// column, kind], …])`: a call of a member named `module` with a string and a non-empty array of site
// tuples. Finding that call anywhere in the file means a second pass must leave the file alone; its site
// table is read back from it, so `file.metadata.tsprof` is the same on both passes.
//
// Anywhere, not only at the top level: a bundle (webpack wraps each module in a function, even the
// entry), Babel's UMD, AMD and SystemJS output (the module body inside the factory) and a minifier
// (which renames `_tsprof$<tag>` to `i`) all keep the call, its member name and its literals, and
// nothing else of the header for sure. Looking only for a top-level `function _tsprof$…` missed them,
// and `tsprof run` over a webpack bundle instrumented the code again (each function counted twice, the
// accessor itself profiled) and profiled the copy of the runtime bundled with it. The site-tuple shape is
// what tells the call from a user's `angular.module("app", ["ngRoute"])`.
import { types as t } from "@babel/core";
import type { ModuleSites, SiteTuple } from "@tsprof/instrument";

/** The literal value of a site-table node (arrays, strings, numbers, `-1`); undefined for anything else. */
function literalValue(node: t.Node | null): unknown {
  if (t.isStringLiteral(node) || t.isNumericLiteral(node)) return node.value;
  if (t.isUnaryExpression(node, { operator: "-" }) && t.isNumericLiteral(node.argument)) return -node.argument.value;
  if (t.isArrayExpression(node)) return node.elements.map((element) => literalValue(element));
  return undefined;
}

/** [name, qualifiedName, line, column, kind] or the same with the site's own file last. */
function isSiteTuple(value: unknown): value is SiteTuple {
  if (!Array.isArray(value) || (value.length !== 5 && value.length !== 6)) return false;
  const [name, qualifiedName, line, column, kind, file] = value as unknown[];
  const isNumber = (x: unknown) => typeof x === "number";
  return typeof name === "string" && typeof qualifiedName === "string" && isNumber(line) && isNumber(column) && isNumber(kind) && (value.length === 5 || typeof file === "string");
}

/** `X.module("file", [sites])` or `X["module"](…)`: the registration call's site table, else undefined. */
function registration(node: t.Node): ModuleSites | undefined {
  if (!t.isCallExpression(node) || !t.isMemberExpression(node.callee)) return undefined;
  const { property, computed } = node.callee;
  const named = computed ? t.isStringLiteral(property, { value: "module" }) : t.isIdentifier(property, { name: "module" });
  const [file, sites] = node.arguments;
  if (!named || node.arguments.length !== 2 || !t.isStringLiteral(file) || !t.isArrayExpression(sites) || sites.elements.length === 0) return undefined;
  const table = literalValue(sites) as unknown[];
  return table.every(isSiteTuple) ? { file: file.value, sites: table } : undefined;
}

/** The site table of a module this transform already instrumented (the first header found), or undefined for a fresh module. */
export function existingSiteTable(program: t.Program): ModuleSites | undefined {
  let found: ModuleSites | undefined;
  t.traverseFast(program, (node) => {
    if (!found) found = registration(node);
  });
  return found;
}
