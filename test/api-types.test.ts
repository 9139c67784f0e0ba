// The published types (the built .d.ts of @tsprof/runtime and @tsprof/stats) accept what the READMEs
// document, in a program compiled as strictly as TypeScript allows (strict, exactOptionalPropertyTypes).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as ts from "typescript";
import { repoRoot } from "./helpers/cli";

const typescript = require("typescript") as typeof ts;

/** Type-checks `source` as the one file of a strict project resolving @tsprof/* to the built packages; returns the diagnostics, one line each. */
function typeErrors(source: string, extraOptions: ts.CompilerOptions = {}): string[] {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-api-types-"));
  const file = join(dir, "program.ts");
  writeFileSync(file, source);
  const options: ts.CompilerOptions = {
    strict: true,
    exactOptionalPropertyTypes: true,
    noEmit: true,
    skipLibCheck: false,
    target: typescript.ScriptTarget.ES2022,
    module: typescript.ModuleKind.Node16,
    moduleResolution: typescript.ModuleResolutionKind.Node16,
    lib: ["lib.es2022.d.ts", "lib.esnext.disposable.d.ts"],
    types: ["node"],
    typeRoots: [join(repoRoot, "node_modules", "@types")],
    baseUrl: dir,
    paths: { "@tsprof/*": [join(repoRoot, "node_modules", "@tsprof", "*")] },
    ...extraOptions,
  };
  const program = typescript.createProgram([file], options);
  return typescript.getPreEmitDiagnostics(program).map((d) => `${d.file ? `${d.file.fileName}: ` : ""}TS${d.code} ${typescript.flattenDiagnosticMessageText(d.messageText, " ")}`);
}

test("the documented calls type-check against the built .d.ts under strict and exactOptionalPropertyTypes", () => {
  const errors = typeErrors(`
import { Profile } from "@tsprof/runtime";
import { SortKey, Stats } from "@tsprof/stats";

function work(): number { return 1; }
// README: each option optional, undefined counts as absent.
const maxDepth: number | undefined = undefined;
const p = new Profile({ maxDepth, maxTreeNodes: undefined, maxFrames: undefined, clock: undefined, compensate: undefined });
p.runcall(work);
let out = "";
// Any { write } sink, as Stats takes one.
p.printStats("calls", { write(s: string) { out += s; } });
p.printStats(SortKey.CUMULATIVE);
p.printStats([SortKey.CUMULATIVE, SortKey.NAME]);
p.printStats(null);
p.printStats(undefined, process.stdout);
const limit: number | undefined = undefined;
new Stats(p.snapshot(), { write(s: string) { out += s; } }).sortStats(SortKey.TIME).printStats(limit).printCallers(null).printCallees(undefined);
export { out };
`);
  assert.deepEqual(errors, []);
});

test("and the types still refuse what is wrong: an unknown option, a sink without write", () => {
  const errors = typeErrors(`
import { Profile } from "@tsprof/runtime";
new Profile({ maxTreNodes: 10 });
new Profile().printStats("calls", {});
`);
  assert.equal(errors.length, 2, errors.join("\n"));
});

test("@tsprof/instrument's SiteKindCode is a value: usable under isolatedModules (no ambient const enum, TS2748) and defined at run time for code esbuild, swc or Babel compiled", () => {
  const errors = typeErrors(
    `
import { SiteKindCode, type SiteTuple } from "@tsprof/instrument";
const kind: SiteKindCode = SiteKindCode.Async;
const site: SiteTuple = ["f", "", 1, 1, kind];
export { site };
`,
    { isolatedModules: true },
  );
  assert.deepEqual(errors, []);
  const { SiteKindCode } = require("@tsprof/instrument") as typeof import("@tsprof/instrument");
  assert.deepEqual({ ...SiteKindCode }, { Function: 0, Generator: 1, Async: 2, AsyncGenerator: 3 });
});
