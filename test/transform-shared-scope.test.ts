// Files that share one global scope: classic <script>s on one page, `babel --out-file` concatenations, tsc's
// `outFile`. Each instrumented file's module header is top-level code (a hoisted accessor and its handle); its
// names are unique per file, so one file's header never replaces another's and every call is recorded under
// the function that was called (the last file's accessor used to win: `alpha` was counted as `beta`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import vm from "node:vm";
import { transformSync } from "@babel/core";
import type * as ts from "typescript";
import type { ModuleHandle, SiteTuple } from "@tsprof/instrument";
import { tsprofTransformer } from "@tsprof/ts-transformer";
import tsprofPlugin = require("@tsprof/babel-plugin");

const FILES: Record<string, string> = {
  "src/a.js": "function alpha() {\n  return 1;\n}\n",
  "src/b.js": "function gamma() {\n  return 0;\n}\nfunction beta() {\n  return alpha() + gamma() + 1;\n}\n",
};
const MAIN = "var result = beta();\n";

/** Runs the scripts, one after another, in one fresh global scope with a probe entry that records "file:function" per call. */
function runScripts(scripts: string[]): { calls: string[]; result: unknown } {
  const calls: string[] = [];
  const entry = {
    module(file: string, sites: SiteTuple[]): ModuleHandle {
      return {
        enter: (site: number) => (calls.push(`${file}:${sites[site][0]}`), 0),
        exit: () => {},
        suspend: (_token: number, value: unknown) => value as never,
        delegate: (_token: number, value: unknown) => value as never,
        resume: (_token: number, value?: unknown) => value as never,
      };
    },
  };
  const context = vm.createContext({ __tsprof: entry });
  for (const script of scripts) vm.runInContext(script, context);
  return { calls, result: vm.runInContext("result", context) };
}

const EXPECTED = { calls: ["src/b.js:beta", "src/a.js:alpha", "src/b.js:gamma"], result: 2 };

function withProject(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-shared-scope-"));
  try {
    mkdirSync(join(dir, "src"));
    for (const [path, text] of Object.entries(FILES)) writeFileSync(join(dir, path), text);
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function babelInstrument(dir: string, path: string): string {
  return transformSync(FILES[path], {
    filename: join(dir, path),
    cwd: dir,
    babelrc: false,
    configFile: false,
    sourceType: "script",
    plugins: [[tsprofPlugin, { runtime: "global" }]],
  })!.code!;
}

test("Babel: two instrumented files concatenated into one script (babel --out-file): each call is recorded under its own function", () => {
  withProject((dir) => {
    const bundle = [babelInstrument(dir, "src/a.js"), babelInstrument(dir, "src/b.js"), MAIN].join("\n");
    assert.deepEqual(runScripts([bundle]), EXPECTED);
  });
});

test("Babel: two instrumented classic scripts on one page (one global scope): each call is recorded under its own function", () => {
  withProject((dir) => {
    assert.deepEqual(runScripts([babelInstrument(dir, "src/a.js"), babelInstrument(dir, "src/b.js"), MAIN]), EXPECTED);
  });
});

test("Babel: the same file instrumented in two builds at the same path (two packages' src/a.js) gets two headers of its own", () => {
  withProject((dir) => {
    const other = mkdtempSync(join(tmpdir(), "tsprof-shared-scope-other-"));
    try {
      const first = babelInstrument(dir, "src/a.js");
      const second = transformSync("function delta() {\n  return 1;\n}\n", {
        filename: join(other, "src/a.js"),
        cwd: other,
        babelrc: false,
        configFile: false,
        plugins: [[tsprofPlugin, { runtime: "global" }]],
      })!.code!;
      const { calls } = runScripts([first, second, "var result = [alpha(), delta()];"]);
      assert.deepEqual(calls, ["src/a.js:alpha", "src/a.js:delta"]);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

test("tsc transformer: outFile with module none (one script for the whole program): each call is recorded under its own function", () => {
  const tsApi = require("typescript") as typeof ts;
  withProject((dir) => {
    const options: ts.CompilerOptions = {
      target: tsApi.ScriptTarget.ES2020,
      module: tsApi.ModuleKind.None,
      outFile: join(dir, "dist/all.js"),
      allowJs: true,
      noLib: true,
      types: [],
      ignoreDeprecations: "5.0",
    };
    const program = tsApi.createProgram({ rootNames: Object.keys(FILES).map((path) => join(dir, path)), options });
    let bundle: string | undefined;
    const result = program.emit(undefined, (fileName, text) => {
      if (fileName.endsWith(".js")) bundle = text;
    }, undefined, false, { before: [tsprofTransformer(program, { runtime: "global", root: dir }, { ts: tsApi })] });
    assert.deepEqual(result.diagnostics.map((d) => tsApi.flattenDiagnosticMessageText(d.messageText, "\n")), []);
    assert.ok(bundle, "tsc emitted the outFile");
    assert.deepEqual(runScripts([bundle, MAIN]), EXPECTED);
  });
});
