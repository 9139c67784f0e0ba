// The plugin next to istanbul (babel-plugin-istanbul: what `jest --coverage` adds to babel-jest's
// plugins, after the project's own, and what nyc uses): for every fixtures/transform/<case>/, istanbul's
// function, statement and branch maps are the same with tsprof as without it, with tsprof listed before
// istanbul (babel-jest's order) or after it. tsprof's rebuilt function bodies once had no `loc`, so
// istanbul's fnMap said `undefined-undefined` for every function and a concise arrow's expression was
// no longer a statement. With `sourceMaps: true` the user's identifiers map back to where they were
// written, as without tsprof.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseSync, transformSync, traverse, types as t, type NodePath, type PluginItem } from "@babel/core";
import { TraceMap, originalPositionFor } from "@jridgewell/trace-mapping";
import { transformCases } from "./helpers/transform-cases";
import tsprofPlugin = require("@tsprof/babel-plugin");

/** The parts of istanbul's FileCoverage compared here (istanbul-lib-coverage's FileCoverageData). */
interface CoverageMaps {
  fnMap: Record<string, { name: string; decl: unknown; loc: unknown; line: number }>;
  statementMap: Record<string, unknown>;
  branchMap: Record<string, unknown>;
}

const presetTypescript = require.resolve("@babel/preset-typescript");
const istanbulPlugin = require.resolve("babel-plugin-istanbul");

/**
 * Functions istanbul cannot see the same way, by design: a body-level declaration whose name clashes
 * with a parameter, a `var`, another declaration or a function declared in a nested block (Annex B)
 * becomes `var a = function (…) { … }` first in the
 * probe's `try` (clashing-declarations.ts). istanbul names a function expression without an id
 * `(anonymous_N)` with its `decl` at the `function` keyword, and numbers functions and statements in
 * the new order. Every function, statement and branch keeps its position and its count.
 */
const rewrittenDeclarations: Record<string, string[]> = {
  "annex-b-clashes": ["a", "b", "twice", "c", "clashing", "shared"],
  "annex-b-block-updates": ["k", "j"],
};

/** The maps as position-sorted lists; a rewritten declaration's function keeps only its positions. */
function byPosition(maps: CoverageMaps, rewritten: ReadonlySet<string>, plainFnMap: CoverageMaps["fnMap"]) {
  const sorted = (items: unknown[]) => items.map((item) => JSON.stringify(item)).sort();
  const rewrittenBodies = new Set(Object.values(plainFnMap).filter((fn) => rewritten.has(fn.name)).map((fn) => JSON.stringify(fn.loc)));
  const functions = Object.values(maps.fnMap).map((fn) =>
    rewrittenBodies.has(JSON.stringify(fn.loc)) ? { loc: fn.loc, line: fn.line } : { ...fn, name: fn.name.replace(/^\(anonymous_\d+\)$/, "(anonymous)") },
  );
  return { functions: sorted(functions), statements: sorted(Object.values(maps.statementMap)), branches: sorted(Object.values(maps.branchMap)) };
}

for (const { name, caseDir, filename, source, typescript, pluginOptions, settings } of transformCases()) {
  const presets = typescript ? [presetTypescript] : [];
  const sourceType: "script" | "module" = settings.sourceType ?? "script";
  const tsprof: PluginItem = [tsprofPlugin, { runtime: "global", ...pluginOptions }];

  const coverageMaps = (plugins: (istanbul: PluginItem) => PluginItem[]): CoverageMaps => {
    let coverage: CoverageMaps | undefined;
    const istanbul: PluginItem = [istanbulPlugin, { cwd: caseDir, exclude: [], onCover: (_file: string, data: CoverageMaps) => (coverage = data) }];
    transformSync(source, { filename, cwd: caseDir, babelrc: false, configFile: false, sourceType, presets, plugins: plugins(istanbul) });
    assert.ok(coverage, "istanbul instrumented the file");
    return { fnMap: coverage.fnMap, statementMap: coverage.statementMap, branchMap: coverage.branchMap };
  };

  const plain = coverageMaps((istanbul) => [istanbul]);
  const rewritten = new Set(rewrittenDeclarations[name] ?? []);

  for (const [order, plugins] of [
    ["tsprof before istanbul", (istanbul: PluginItem) => [tsprof, istanbul]],
    ["istanbul before tsprof", (istanbul: PluginItem) => [istanbul, tsprof]],
  ] as const) {
    test(`coverage ${name}, ${order}: istanbul's function, statement and branch maps as without tsprof`, () => {
      assert.ok(Object.keys(plain.fnMap).length > 0, "the fixture has functions (the test would prove nothing)");
      const withTsprof = coverageMaps(plugins);
      if (rewritten.size === 0) assert.deepEqual(withTsprof, plain);
      else assert.deepEqual(byPosition(withTsprof, rewritten, plain.fnMap), byPosition(plain, rewritten, plain.fnMap));
    });
  }

  /**
   * tsprof's names, the methods called on its handle (`_tsprof$h.enter`), everything in its accessor function,
   * and the no-op handle of `typeof _tsprof$… === "function" ? _tsprof$…() : function () { … }()`.
   */
  const isProbeCode = (path: NodePath<t.Identifier>): boolean =>
    path.node.name.startsWith("_tsprof$") ||
    (path.parentPath.isMemberExpression() && path.key === "property" && t.isIdentifier(path.parentPath.node.object) && path.parentPath.node.object.name.startsWith("_tsprof$")) ||
    !!path.findParent((parent) => parent.isFunctionDeclaration() && !!parent.node.id?.name.startsWith("_tsprof$")) ||
    !!path.findParent((parent) => {
      if (!parent.isConditionalExpression() || !t.isBinaryExpression(parent.node.test)) return false;
      const typeOf = parent.node.test.left;
      return t.isUnaryExpression(typeOf, { operator: "typeof" }) && t.isIdentifier(typeOf.argument) && typeOf.argument.name.startsWith("_tsprof$");
    });

  test(`source map ${name}: the user's identifiers map back to where they were written`, () => {
    /** "name line:column" of every identifier in the output that is not tsprof's, through the output's source map. */
    const mappedIdentifiers = (plugins: PluginItem[]): string[] => {
      const result = transformSync(source, { filename, cwd: caseDir, babelrc: false, configFile: false, sourceType, presets, plugins, sourceMaps: true })!;
      const map = new TraceMap(result.map as never);
      const ast = parseSync(result.code!, { filename: "output.js", babelrc: false, configFile: false, sourceType })!;
      const found: string[] = [];
      traverse(ast, {
        Identifier(path) {
          const node: t.Identifier = path.node;
          if (!node.loc || isProbeCode(path)) return;
          const original = originalPositionFor(map, { line: node.loc.start.line, column: node.loc.start.column });
          found.push(`${node.name} ${original.line}:${original.column}`);
        },
      });
      return found.sort();
    };
    assert.deepEqual(mappedIdentifiers([tsprof]), mappedIdentifiers([]));
  });
}
