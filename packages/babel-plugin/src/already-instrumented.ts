// The "already instrumented" marker (idempotence, design.md §3 pitfall 11): the module header's accessor.
//
// A module tsprof instrumented has, at top level, `function _tsprof$N() { … .module("file", [sites]) … }`.
// Finding that shape means a second pass must leave the file alone. It survives later plugins
// (preset-env, modules-commonjs) because they keep top-level function declarations and member calls.
import { types as t } from "@babel/core";
import { PROBE_ACCESSOR_NAME } from "@tsprof/instrument";

function callsModuleWithSites(node: t.Node): boolean {
  let found = false;
  t.traverseFast(node, (inner) => {
    if (found || !t.isCallExpression(inner)) return;
    const callee = inner.callee;
    const [file, sites] = inner.arguments;
    found = t.isMemberExpression(callee) && t.isIdentifier(callee.property, { name: "module" }) && t.isStringLiteral(file) && t.isArrayExpression(sites);
  });
  return found;
}

export function isAlreadyInstrumented(program: t.Program): boolean {
  return program.body.some(
    (statement) => t.isFunctionDeclaration(statement) && !!statement.id && PROBE_ACCESSOR_NAME.test(statement.id.name) && callsModuleWithSites(statement.body),
  );
}
