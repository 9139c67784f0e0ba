// The "already instrumented" marker (idempotence, design.md §3 pitfall 11): the module header's accessor.
//
// A module tsprof instrumented has, at top level, `function _tsprof$<tag>() { … .module("file", [sites]) … }`
// (any PROBE_ACCESSOR_NAME: whatever the tag, so a file instrumented under another path or root still counts).
// Finding that shape means a second pass must leave the file alone; its site table is read back from
// the call, so `file.metadata.tsprof` is the same on both passes. The shape survives later plugins
// (preset-env, modules-commonjs) because they keep top-level function declarations and member calls.
import { types as t } from "@babel/core";
import { PROBE_ACCESSOR_NAME, type ModuleSites, type SiteTuple } from "@tsprof/instrument";

/** The literal value of a site-table node (arrays, strings, numbers, `-1`); undefined for anything else. */
function literalValue(node: t.Node | null): unknown {
  if (t.isStringLiteral(node) || t.isNumericLiteral(node)) return node.value;
  if (t.isUnaryExpression(node, { operator: "-" }) && t.isNumericLiteral(node.argument)) return -node.argument.value;
  if (t.isArrayExpression(node)) return node.elements.map((element) => literalValue(element));
  return undefined;
}

function moduleCall(node: t.Node): ModuleSites | undefined {
  let found: ModuleSites | undefined;
  t.traverseFast(node, (inner) => {
    if (found || !t.isCallExpression(inner)) return;
    const callee = inner.callee;
    const [file, sites] = inner.arguments;
    if (t.isMemberExpression(callee) && t.isIdentifier(callee.property, { name: "module" }) && t.isStringLiteral(file) && t.isArrayExpression(sites)) {
      found = { file: file.value, sites: literalValue(sites) as SiteTuple[] };
    }
  });
  return found;
}

/** The site table of a module this transform already instrumented, or undefined for a fresh module. */
export function existingSiteTable(program: t.Program): ModuleSites | undefined {
  for (const statement of program.body) {
    if (!t.isFunctionDeclaration(statement) || !statement.id || !PROBE_ACCESSOR_NAME.test(statement.id.name)) continue;
    const table = moduleCall(statement.body);
    if (table) return table;
  }
  return undefined;
}
