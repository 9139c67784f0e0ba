// The module header's loading style, checked again once every plugin of the pass has run.
//
// Program.enter picks how the header loads the runtime from the source as written (runtime-access.ts). A
// module without import/export gets the require-or-global accessor; but a plugin or preset that runs
// after this one can make the output an ES module: preset-react's automatic runtime adds
// `import { jsx } from "react/jsx-runtime"`, transform-runtime imports its helpers. Node runs that output
// as an ES module, where `require` does not exist and there is no global: every call ran on the no-op
// handle and the profile was lost without a word. Here, after the pass, such a header becomes the
// import header (`import * as _tsprof$<tag>$rt from "@tsprof/runtime/probe"`), which loads the runtime
// before the other imports.
import { types as t, type NodePath } from "@babel/core";
import { moduleHeader } from "./probe-shapes";
import type { ModuleHeader } from "./instrument-program";

function hasModuleSyntax(program: t.Program): boolean {
  return program.body.some((statement) => t.isImportDeclaration(statement) || t.isExportDeclaration(statement));
}

/** Rewrites the require-or-global header of a program that other plugins turned into an ES module. */
export function switchHeaderToImport(programPath: NodePath<t.Program>, header: ModuleHeader): void {
  if (header.access.kind !== "require-or-global") return;
  const program = programPath.node;
  if (!hasModuleSyntax(program)) return;
  const start = program.body.indexOf(header.statements[0]);
  // Moved or rewritten by another plugin (a wrapper around the module body): that plugin's output stands.
  if (start < 0 || header.statements.some((statement, offset) => program.body[start + offset] !== statement)) return;
  const statements = moduleHeader(header.ids, { kind: "import", specifier: header.access.specifier }, header.file, header.sites);
  statements[0].leadingComments = header.statements[0].leadingComments;
  program.body.splice(start, header.statements.length, ...statements);
  program.sourceType = "module";
}
