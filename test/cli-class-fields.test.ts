// End-to-end tests of `tsprof run` on what a TypeScript file's tsconfig decides beyond types: how class
// fields and parameter properties are initialised (target, useDefineForClassFields) and whether unused
// imports stay (verbatimModuleSyntax). Each fixture under fixtures/class-fields/<case>/ and
// fixtures/module-syntax/<case>/ is compiled here by TypeScript 5.9 (`tsc -p`, its tsconfig) and run by
// node: `tsprof run` must print what that prints.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { node, tsprof, repoRoot, type RunResult } from "./helpers/cli";

const fixture = (...parts: string[]) => join(repoRoot, "fixtures", ...parts);
const tscBin = join(repoRoot, "node_modules", "typescript", "bin", "tsc");

/** tsc's build of a fixture (which must type-check), run by node. */
function underTsc(dir: string, main: string): RunResult {
  const out = mkdtempSync(join(tmpdir(), "tsprof-tsc-"));
  const built = spawnSync(process.execPath, [tscBin, "-p", dir, "--outDir", out, "--skipLibCheck"], { encoding: "utf8", timeout: 120_000 });
  assert.equal(built.stdout + built.stderr, "", `tsc -p ${dir}`);
  assert.equal(built.status, 0);
  return node([join(out, main.replace(/\.ts$/, ".js").replace(/\.mts$/, ".mjs"))], { cwd: out });
}

/** `tsprof run` of a fixture's main file in its directory, with a compile cache of its own. */
function underTsprof(dir: string, main: string, cache = mkdtempSync(join(tmpdir(), "tsprof-cache-"))): RunResult {
  const out = join(mkdtempSync(join(tmpdir(), "tsprof-test-")), "p.tsprof.json");
  return tsprof(["run", "-o", out, main], { cwd: dir, env: { TSPROF_CACHE_DIR: cache } });
}

function assertSameAsTsc(dir: string, main: string, expectedStdout: string): void {
  const expected = underTsc(dir, main);
  // The fixture's point, spelled out: tsc's output prints this.
  assert.equal(expected.stdout, expectedStdout);
  const actual = underTsprof(dir, main);
  assert.equal(actual.stderr, expected.stderr);
  assert.equal(actual.stdout, expected.stdout);
  assert.equal(actual.status, expected.status);
}

/** A copy of a fixture directory somewhere with no tsconfig.json above it. */
function copied(...parts: string[]): string {
  const work = mkdtempSync(join(tmpdir(), "tsprof-test-"));
  for (let dir = work; dirname(dir) !== dir; dir = dirname(dir)) assert.ok(!existsSync(join(dir, "tsconfig.json")), `${dir}/tsconfig.json`);
  cpSync(fixture(...parts), work, { recursive: true });
  return work;
}

const mixedClasses = (ownKeys: string, instance: string, statics: string, subclass: string, setters: boolean) =>
  [
    ...(setters ? ["Base's static setter st=7"] : []),
    "static q",
    "static block sees q=q",
    "before super",
    "Base constructor sees []",
    ...(setters ? ["Base's setter s=5"] : []),
    `after super ${ownKeys}`,
    `${instance} 2 10 2 ${statics}`,
    subclass,
    "",
  ].join("\n");

test("target ES2020: parameter properties are assigned before the field initialisers, fields without one make no property", () => {
  assertSameAsTsc(fixture("class-fields", "param-properties"), "main.ts", `42 [ 'name' ]\n{"x":1,"y":2,"z":0}\n`);
});

test("target ES2022: native fields, parameter properties declared first and assigned after the initialisers, as tsc emits", () => {
  assertSameAsTsc(fixture("class-fields", "define-es2022"), "main.ts", `NaN [ 'id', 'name' ]\n{"x":1,"y":2,"z":0} {"x":1,"y":2,"z":0,"k":3,"w":1}\n`);
});

test("useDefineForClassFields false (target from the extended tsconfig): assignments after super(), setters called, static fields assigned in place", () => {
  assertSameAsTsc(
    fixture("class-fields", "assign"),
    "main.ts",
    mixedClasses(
      `["x","y","a","computed","fromOuter"]`,
      `{"x":3,"y":6,"a":1,"computed":3,"fromOuter":"outer"}`,
      "h,length,name,prototype,q",
      `{"x":4,"y":8,"a":1,"computed":3,"fromOuter":"outer","extra":5}`,
      true,
    ),
  );
});

test("useDefineForClassFields true below ES2022: parameter properties, then every field defined, in the constructor", () => {
  assertSameAsTsc(
    fixture("class-fields", "define-lowered"),
    "main.ts",
    mixedClasses(
      `["x","y","a","s","u","computed","fromOuter"]`,
      `{"x":3,"y":6,"a":1,"s":5,"computed":3,"fromOuter":"outer"}`,
      "h,length,name,prototype,q,st",
      `{"x":4,"y":8,"a":1,"s":5,"computed":3,"fromOuter":"outer","extra":5}`,
      false,
    ),
  );
});

test("a tsconfig without target gets TypeScript 5.9's default, ES5: no useDefineForClassFields", () => {
  assertSameAsTsc(fixture("class-fields", "default-target"), "main.ts", `42 [ 'name' ]\n`);
});

test("no tsconfig at all: native class fields, as Node, esbuild and tsx have them", () => {
  const work = copied("class-fields", "define-es2022");
  rmSync(join(work, "tsconfig.json"));
  const result = underTsprof(work, "main.ts");
  assert.equal(result.stderr, "");
  assert.equal(result.stdout, `NaN [ 'id', 'name' ]\n{"x":1,"y":2,"z":0} {"x":1,"y":2,"z":0,"k":3,"w":1}\n`);
  assert.equal(result.status, 0);
});

test("a method between the constructor and a field that moves into it keeps its line in stack traces", () => {
  const result = underTsprof(fixture("class-fields", "lines"), "main.ts");
  assert.equal(result.stderr, "");
  assert.match(result.stdout, /^main\.ts:3:\d+\)\ntrue\n/);
});

test("verbatimModuleSyntax keeps an import whose binding is never used: its module's side effects run", () => {
  assertSameAsTsc(fixture("module-syntax", "verbatim"), "main.mts", "side effect ran\nmain 3\n");
});

test("preserveValueImports and importsNotUsedAsValues: \"preserve\" keep it too (TypeScript up to 5.4; tsc 5.9 refuses both)", () => {
  for (const option of ['"preserveValueImports": true', '"importsNotUsedAsValues": "preserve"']) {
    const work = copied("module-syntax", "verbatim");
    writeFileSync(join(work, "tsconfig.json"), `{ "compilerOptions": { "target": "ES2022", "module": "nodenext", ${option} } }\n`);
    const result = underTsprof(work, "main.mts");
    assert.equal(result.stderr, "", option);
    assert.equal(result.stdout, "side effect ran\nmain 3\n", option);
  }
});

test("the tsconfig's class-field and import settings are part of the compile cache's key", () => {
  const cache = mkdtempSync(join(tmpdir(), "tsprof-cache-"));
  const fields = copied("class-fields", "param-properties");
  assert.equal(underTsprof(fields, "main.ts", cache).stdout, `42 [ 'name' ]\n{"x":1,"y":2,"z":0}\n`);
  writeFileSync(join(fields, "tsconfig.json"), '{ "compilerOptions": { "target": "ES2020", "useDefineForClassFields": true } }\n');
  assert.equal(underTsprof(fields, "main.ts", cache).stdout, `42 [ 'id', 'name' ]\n{"x":1,"y":2,"z":0}\n`);
  const imports = copied("module-syntax", "verbatim");
  assert.equal(underTsprof(imports, "main.mts", cache).stdout, "side effect ran\nmain 3\n");
  writeFileSync(join(imports, "tsconfig.json"), '{ "compilerOptions": { "target": "ES2022", "module": "nodenext" } }\n');
  assert.equal(underTsprof(imports, "main.mts", cache).stdout, "main 3\n");
});
