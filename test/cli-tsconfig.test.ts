// End-to-end tests of `tsprof run` reading tsconfig.json as tsc 5.9 does: esModuleInterop (off by default for
// `module` commonjs: plain require()s), alwaysStrict / strict / moduleDetection for files without import or
// export, `extends` resolved by TypeScript's rules (a package's tsconfig.json or package.json "tsconfig" field,
// never its "main"), a tsconfig with errors read tolerantly with one stderr line per problem, and `paths`, which
// neither tsc's output nor node applies at run time. A program must print what TypeScript 5.9's output for the
// same compilerOptions (ts.transpileModule, tsc's emitter) prints under node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import type * as ts from "typescript";
import { tsprof, node, scratchProject, type RunResult } from "./helpers/cli";

const typescript = require("typescript") as typeof ts;

/** A folder in the temp dir holding `files`, with no tsconfig.json above it. */
function project(files: Record<string, string>): string {
  const root = scratchProject(files, "tsconfig");
  for (let dir = dirname(root); dirname(dir) !== dir; dir = dirname(dir)) assert.ok(!existsSync(join(dir, "tsconfig.json")), `${dir}/tsconfig.json`);
  return root;
}

/** `tsprof run MAIN` in `cwd` with no compile cache. */
function run(cwd: string, main: string): RunResult {
  return tsprof(["run", "-o", join(cwd, "p.tsprof.json"), main], { cwd, env: { TSPROF_CACHE: "0" } });
}

/** What TypeScript 5.9's output of `files` (compiled with `compilerOptions`, into out/) does under node. */
function underTsc(cwd: string, files: string[], main: string, compilerOptions: Record<string, unknown>): RunResult {
  for (const name of files) {
    const fileName = join(cwd, name);
    const { outputText } = typescript.transpileModule(readFileSync(fileName, "utf8"), { compilerOptions: compilerOptions as ts.CompilerOptions, fileName });
    const out = join(cwd, "out", name.replace(/\.ts$/, ".js").replace(/\.cts$/, ".cjs"));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
  return node([join("out", main.replace(/\.ts$/, ".js").replace(/\.cts$/, ".cjs"))], { cwd });
}

test("esModuleInterop: off (module commonjs's default) gives tsc's plain require()s, on (or module nodenext) its interop helpers", () => {
  const files = {
    // A package that is a function: `import * as` is callable only without interop; a default import is its `default`.
    "node_modules/callme/index.js": 'module.exports = function callme() { return "called"; };\nmodule.exports.extra = 1;\n',
    "node_modules/callme/package.json": '{ "name": "callme", "main": "index.js" }\n',
    "main.ts":
      'import * as star from "callme";\nimport byDefault from "callme";\nimport equals = require("callme");\n' +
      'let out: string;\ntry { out = (star as any)(); } catch (e) { out = (e as Error).constructor.name; }\n' +
      'console.log("star", out, typeof star, (star as any).extra, typeof (star as any).default);\n' +
      'console.log("default", typeof byDefault);\nconsole.log("equals", equals(), equals.extra);\n',
  };
  const withInterop = "star TypeError object 1 function\ndefault function\nequals called 1\n";
  const configs: [Record<string, unknown>, string][] = [
    [{ target: "ES2022", module: "commonjs" }, "star called function 1 undefined\ndefault undefined\nequals called 1\n"],
    [{ target: "ES2022", module: "commonjs", esModuleInterop: true }, withInterop],
    [{ target: "ES2022", module: "nodenext" }, withInterop],
  ];
  for (const [compilerOptions, expected] of configs) {
    const cwd = project({ ...files, "tsconfig.json": JSON.stringify({ compilerOptions }) });
    assert.equal(underTsc(cwd, ["main.ts"], "main.ts", compilerOptions).stdout, expected, `tsc, ${JSON.stringify(compilerOptions)}`);
    const result = run(cwd, "main.ts");
    assert.equal(result.stderr, "");
    assert.equal(result.status, 0);
    assert.equal(result.stdout.split("\n").slice(0, 3).join("\n") + "\n", expected, `tsprof run, ${JSON.stringify(compilerOptions)}`);
  }
});

test("a file without import or export is strict as tsc makes it: alwaysStrict, strict (unless alwaysStrict is false), moduleDetection force, module nodenext, .cts", () => {
  const script = 'function mode(this: unknown) { return this === undefined ? "strict" : "sloppy"; }\nlet frozen = "no throw";\ntry { (Object.freeze({ a: 1 }) as any).a = 2; } catch (e) { frozen = (e as Error).constructor.name; }\nconsole.log(mode(), frozen);\n';
  const cases: [string, Record<string, unknown>, string][] = [
    ["script.ts", {}, "sloppy no throw"],
    ["script.ts", { alwaysStrict: true }, "strict TypeError"],
    ["script.ts", { module: "commonjs", strict: true }, "strict TypeError"],
    ["script.ts", { strict: true, alwaysStrict: false }, "sloppy no throw"],
    ["script.ts", { module: "commonjs", moduleDetection: "force" }, "strict TypeError"],
    ["script.ts", { target: "ES2022", module: "nodenext" }, "strict TypeError"],
    ["script.cts", {}, "strict TypeError"],
  ];
  for (const [main, compilerOptions, expected] of cases) {
    const cwd = project({ [main]: script, "tsconfig.json": JSON.stringify({ compilerOptions }) });
    const tsc = underTsc(cwd, [main], main, compilerOptions);
    assert.equal(tsc.stdout, expected + "\n", `tsc: ${main} ${JSON.stringify(compilerOptions)}`);
    const result = run(cwd, main);
    assert.equal(result.stderr, "");
    assert.equal(result.stdout.slice(0, result.stdout.indexOf("\n") + 1), tsc.stdout, `tsprof run: ${main} ${JSON.stringify(compilerOptions)}`);
    // "use strict" put before the first line, not on a line of its own: errors keep the file's line numbers.
    if (compilerOptions.alwaysStrict === true) {
      writeFileSync(join(cwd, "throws" + main.slice(6)), "\n\nthrow new Error('line 3');\n");
      assert.match(run(cwd, "throws" + main.slice(6)).stderr, new RegExp(`throws\\${main.slice(6)}:3\\b`));
    }
  }
});

/** A method decorator that tells TypeScript's legacy decorators (target, key, descriptor) from the standard ones (value, context). */
const decorated = 'function Dec(t: any, k: any, d?: any) { console.log("legacy", typeof t === "object" && typeof d === "object"); }\nclass B { @Dec m() {} }\n';

test("extends names a package as tsc resolves it: its tsconfig.json (not its main), its package.json \"tsconfig\" field, its exports", () => {
  const cwd = project({
    "main-and-tsconfig/tsconfig.json": '{ "extends": "cfgmain" }\n',
    "main-and-tsconfig/main.ts": decorated,
    "node_modules/cfgmain/package.json": '{ "name": "cfgmain", "version": "1.0.0", "main": "index.js" }\n',
    "node_modules/cfgmain/index.js": "module.exports = {};\n",
    "node_modules/cfgmain/tsconfig.json": '{ "compilerOptions": { "target": "ES2020", "experimentalDecorators": true } }\n',
    "field/tsconfig.json": '{ "extends": "pkgcfg" }\n',
    "field/main.ts": decorated,
    "node_modules/pkgcfg/package.json": '{ "name": "pkgcfg", "tsconfig": "./tsc.json" }\n',
    "node_modules/pkgcfg/tsc.json": '{ "compilerOptions": { "experimentalDecorators": true } }\n',
    "exports/tsconfig.json": '{ "extends": "@cfg/all/legacy" }\n',
    "exports/main.ts": decorated,
    "node_modules/@cfg/all/package.json": '{ "name": "@cfg/all", "exports": { "./legacy": { "require": "./configs/legacy.json" } } }\n',
    "node_modules/@cfg/all/configs/legacy.json": '{ "compilerOptions": { "experimentalDecorators": true } }\n',
  });
  for (const dir of ["main-and-tsconfig", "field", "exports"]) {
    const result = run(join(cwd, dir), "main.ts");
    assert.equal(result.stderr, "", dir);
    assert.equal(result.stdout.split("\n")[0], "legacy true", dir);
  }
});

test("a tsconfig with errors is read as tsc reads it: one stderr line per problem, naming the file, and the rest honoured", () => {
  const cwd = project({
    // tsc: TS5083 for the missing file; experimentalDecorators still on.
    "missing-extends/tsconfig.json": '{ "extends": "./missing.json", "compilerOptions": { "module": "commonjs", "experimentalDecorators": true } }\n',
    "missing-extends/main.ts": decorated,
    // tsc: TS1005 ',' expected (4:5); target es2022 still honoured: the field initialiser runs before the parameter property.
    "missing-comma/tsconfig.json": '{\n  "compilerOptions": {\n    "target": "es2022"\n    "strict": true\n  }\n}\n',
    "missing-comma/main.ts": 'class C { a = this.b * 2; constructor(public b: number) {} }\nconsole.log("a =", new C(3).a);\n',
    // tsc: TS1005 '}' expected at the end; both options honoured.
    "unclosed/tsconfig.json": '{ "compilerOptions": { "experimentalDecorators": true, "target": "ES2022"\n',
    "unclosed/main.ts": decorated,
    // A bare key and a single-quoted string: TS1327 three times, all honoured.
    "quotes/tsconfig.json": "{ compilerOptions: { 'experimentalDecorators': true } }\n",
    "quotes/main.ts": decorated,
  });
  const cases: [string, string, string][] = [
    ["missing-extends", "legacy true", `tsprof: tsconfig.json:1: "extends" names './missing.json', which tsc does not find; its options are left out\n`],
    ["missing-comma", "a = NaN", "tsprof: tsconfig.json:4: ',' expected; using what could be read, as tsc does\n"],
    ["unclosed", "legacy true", "tsprof: tsconfig.json:2: '}' expected; using what could be read, as tsc does\n"],
    ["quotes", "legacy true", "tsprof: tsconfig.json:1: String literal with double quotes expected (and 1 more error); using what could be read, as tsc does\n"],
  ];
  for (const [dir, stdout, stderr] of cases) {
    const result = run(join(cwd, dir), "main.ts");
    assert.equal(result.stderr, stderr, dir);
    assert.equal(result.stdout.split("\n")[0], stdout, dir);
    assert.equal(result.status, 0, dir);
  }
});

test("a tsconfig problem is one line per run, however many processes and threads of the program read that tsconfig", () => {
  const cwd = project({
    "tsconfig.json": '{ "compilerOptions": { "module": "commonjs" "experimentalDecorators": true } }\n',
    // The main script (read by tsprof run itself), a forked process, a worker and an ES module (the hooks thread).
    "main.ts":
      'import { fork } from "node:child_process";\nimport { Worker } from "node:worker_threads";\n' +
      'if (process.argv[2] === "child") { require("./lib"); } else {\n' +
      '  fork(__filename, ["child"]).on("exit", () => {\n' +
      '    new Worker(__dirname + "/lib.ts").on("exit", async () => { await import("./esm.mts"); });\n' +
      "  });\n}\n",
    "lib.ts": 'console.log("lib");\n',
    "esm.mts": 'console.log("esm");\n',
  });
  const result = run(cwd, "main.ts");
  assert.equal(result.stderr, "tsprof: tsconfig.json:1: ',' expected; using what could be read, as tsc does\n");
  assert.match(result.stdout, /^lib\nlib\nesm\n/);
  assert.equal(result.status, 0);
});

test("a tsconfig paths alias that node cannot find: node's own error (no tsprof line shown), then one line saying paths are not applied at run time", () => {
  const compilerOptions = { target: "ES2022", module: "commonjs", baseUrl: ".", paths: { "@lib/*": ["src/lib/*"] } };
  const cwd = project({
    "tsconfig.json": JSON.stringify({ compilerOptions }),
    "src/main.ts": 'import { sq } from "@lib/math";\nconsole.log(sq(4));\n',
    "src/lib/math.ts": "export function sq(n: number) { return n * n; }\n",
  });
  const plain = underTsc(cwd, ["src/main.ts"], "src/main.ts", compilerOptions);
  const result = run(cwd, "src/main.ts");
  assert.equal(result.status, plain.status);
  assert.equal(result.stdout, plain.stdout);
  // node:internal/modules/cjs/loader:N, `throw err;`, `^`, then the message: as under plain node, not tsprof's cjs-hook.js.
  const head = (text: string) => text.split("\n").slice(0, 5).join("\n");
  assert.equal(head(result.stderr), head(plain.stderr));
  assert.match(head(result.stderr), /^node:internal\/modules\/cjs\/loader:\d+\n {2}throw err;\n/);
  const lines = result.stderr.trimEnd().split("\n");
  assert.equal(
    lines[lines.length - 1],
    `tsprof: '@lib/math' is a tsconfig "paths" alias ('@lib/*' in tsconfig.json), which tsc leaves as written and neither node nor tsprof run applies at run time: map it in package.json "imports" (or with a resolver such as tsconfig-paths)`,
  );
  assert.equal(lines.filter((line) => line.startsWith("tsprof:")).length, 1);
  // A module not found that is no alias: no hint.
  writeFileSync(join(cwd, "src/other.ts"), 'require("not-installed");\n');
  assert.doesNotMatch(run(cwd, "src/other.ts").stderr, /tsprof:/);
});
