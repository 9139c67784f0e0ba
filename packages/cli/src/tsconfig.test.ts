// tsconfig.ts against TypeScript 5.9 itself (the repository's devDependency): the file an `extends` names, and
// what a tsconfig with errors yields (its first error and the options read), for the same files on disk.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type * as ts from "typescript";
import { parseJsonTolerantly, resolveExtends } from "./tsconfig";

const typescript = require("typescript") as typeof ts;

function layout(files: Record<string, string>): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "tsprof-tsconfig-")));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

/** The file tsc takes `"extends": spec` in DIR/tsconfig.json to name (undefined when it finds none). */
function tscExtends(dir: string, spec: string): string | undefined {
  const configPath = join(dir, "tsconfig.json");
  writeFileSync(configPath, JSON.stringify({ extends: spec, files: [] }));
  const parsed = typescript.getParsedCommandLineOfConfigFile(configPath, {}, { ...typescript.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (parsed === undefined || parsed.errors.some((error) => error.code === 6053 || error.code === 5083)) return undefined;
  const extended = (parsed.options.configFile as { extendedSourceFiles?: string[] } | undefined)?.extendedSourceFiles;
  return extended?.[0];
}

test("extends resolves to the file tsc 5.9 resolves it to", () => {
  const config = '{ "compilerOptions": {} }\n';
  const root = layout({
    "base.json": config,
    "plain.json": config,
    "project/inner/keep": "",
    // A package with main and tsconfig.json: tsc takes tsconfig.json, never main.
    "node_modules/cfgmain/package.json": '{ "name": "cfgmain", "main": "index.js" }',
    "node_modules/cfgmain/index.js": "module.exports = {};\n",
    "node_modules/cfgmain/tsconfig.json": config,
    "node_modules/cfgmain/strict.json": config,
    "node_modules/cfgmain/tsconfig.base.json": config,
    // The package.json "tsconfig" field, with and without .json.
    "node_modules/field/package.json": '{ "name": "field", "tsconfig": "./configs/tsc.json" }',
    "node_modules/field/configs/tsc.json": config,
    "node_modules/field-noext/package.json": '{ "name": "field-noext", "tsconfig": "./tsc" }',
    "node_modules/field-noext/tsc.json": config,
    // Exports: a main export, a condition, a pattern; a subpath not exported finds nothing.
    "node_modules/@scope/exp/package.json": JSON.stringify({ name: "@scope/exp", exports: { ".": "./main.json", "./node": { import: "./no.json", require: "./node.json" }, "./presets/*": "./p/*.json" } }),
    "node_modules/@scope/exp/main.json": config,
    "node_modules/@scope/exp/node.json": config,
    "node_modules/@scope/exp/p/strictest.json": config,
    "node_modules/@scope/exp/hidden.json": config,
    // A package that is only a folder with tsconfig.json, and one in a node_modules further up.
    "node_modules/@tsconfig/node20/tsconfig.json": config,
    // Self-reference through the project's own exports.
    "project/package.json": JSON.stringify({ name: "my-project", exports: { "./base": "./configs/base.json" } }),
    "project/configs/base.json": config,
    "project/node_modules/local/tsconfig.json": config,
  });
  const dir = join(root, "project", "inner");
  const specs = [
    "../../base.json",
    "../../base",
    "../../missing.json",
    "../../missing",
    "cfgmain",
    "cfgmain/strict",
    "cfgmain/strict.json",
    "cfgmain/tsconfig.base.json",
    "cfgmain/tsconfig.base",
    "cfgmain/nope",
    "field",
    "field-noext",
    "@scope/exp",
    "@scope/exp/node",
    "@scope/exp/presets/strictest",
    "@scope/exp/hidden.json",
    "@tsconfig/node20/tsconfig.json",
    "@tsconfig/node20",
    "my-project/base",
    "local",
    "not-installed",
    "",
  ];
  for (const spec of specs) {
    assert.equal(resolveExtends(spec, dir), tscExtends(dir, spec), `extends "${spec}"`);
  }
});

test("a tsconfig with errors: the first error's line and message, and the values read, as TypeScript's parser has them", () => {
  const texts = [
    '{\n  "compilerOptions": {\n    "target": "es2022"\n    "strict": true\n  }\n}\n',
    '{ "compilerOptions": { "target": "es2022", }, }',
    '{ "compilerOptions": { "experimentalDecorators": true, "target": "ES2022" \n',
    "{ 'compilerOptions': { 'target': 'es2022' } }",
    '{ compilerOptions: { target: "es2022", strict: true } }',
    '{ "compilerOptions": { "target" "es2022", "strict": true } }',
    '{ "compilerOptions": { "target": , "strict": true } }',
    '{ "compilerOptions": { , "target": "es2022", "strict": true } }',
    '{ "compilerOptions": { "target": "es2022"; "strict": true } }',
    '// comment\n{ /* a */ "compilerOptions": { "target": "es2022", "paths": { "@a/*": ["src/*",] } } }',
    '{ "extends": ["./a", "./b"], "compilerOptions": { "strict": true } }',
  ];
  for (const text of texts) {
    const file = typescript.parseJsonText("tsconfig.json", text);
    const conversion: ts.Diagnostic[] = [];
    const expected = typescript.convertToObject(file, conversion) as { compilerOptions?: unknown } | undefined;
    const parseDiagnostics = (file as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
    const first = [...parseDiagnostics, ...conversion].sort((a, b) => a.start! - b.start!)[0];
    const ours = parseJsonTolerantly(text);
    // A property without a usable value is absent from ours, undefined in TypeScript's: compared as JSON.
    const json = (value: unknown) => JSON.parse(JSON.stringify(value ?? null)) as unknown;
    assert.deepEqual(json((ours.value as { compilerOptions?: unknown }).compilerOptions), json(expected?.compilerOptions), text);
    if (first === undefined) {
      assert.deepEqual(ours.errors, [], text);
    } else {
      const line = file.getLineAndCharacterOfPosition(first.start!).line + 1;
      const message = typescript.flattenDiagnosticMessageText(first.messageText, " ").replace(/\.$/, "");
      assert.deepEqual(ours.errors[0], { line, message }, text);
    }
  }
});
