// End-to-end tests of `tsprof run` loading modules as Node 20.19+ does: syntax detection of ES modules in files
// with no package.json "type", require() of ES modules, syntax errors in loaded files, extensionless and
// unknown-extension scripts, and named imports from TypeScript CommonJS. Each program also runs under plain
// `node` (or, for TypeScript, against the output tsc gives it) and must print the same and exit the same.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { node, profiledRun as profiled, scratchProject } from "./helpers/cli";

const project = (files: Record<string, string>) => scratchProject(files, "modules");


/** Same stdout, stderr and exit status as `node FILE` in `cwd`. */
function assertLikeNode(cwd: string, file: string, result: { stdout: string; stderr: string; status: number | null }) {
  const plain = node([file], { cwd });
  assert.equal(result.stdout, plain.stdout, `stdout of ${file}`);
  assert.equal(result.stderr, plain.stderr, `stderr of ${file}`);
  assert.equal(result.status, plain.status, `exit status of ${file}`);
}

test("an ES module in a .js file with no package.json type runs as one, as Node detects it", () => {
  const cwd = project({
    "imp.js": 'import path from "path";\nfunction hello() { return path.sep; }\nconsole.log("esm-in-js", hello());\n',
    "meta.js": "function where() { return typeof import.meta.url; }\nconsole.log(where());\n",
    "tla.js": "async function one() { return 1; }\nconst n = await one();\nconsole.log('tla js', n);\n",
    // A top-level const named like a CommonJS wrapper parameter is an ES module to Node as well.
    "clash.js": "const require = 1;\nfunction clash() { return typeof exports; }\nconsole.log(clash(), require);\n",
    // And in a destructuring pattern.
    "destructured.js": "const { require } = { require: 2 };\nfunction bound() { return typeof exports; }\nconsole.log(bound(), require);\n",
    "cjs.js": "function plain() { return typeof require; }\nconsole.log(plain(), typeof module);\n",
  });
  const files = [["imp.js", "hello"], ["meta.js", "where"], ["tla.js", "one"], ["clash.js", "clash"], ["destructured.js", "bound"], ["cjs.js", "plain"]];
  for (const [file, name] of files) {
    const result = profiled(cwd, [file]);
    assertLikeNode(cwd, file, result);
    assert.deepEqual(result.calls, { [name]: 1 }, file);
  }
});

test("TypeScript with top-level await in a package with no type runs as an ES module; its imports stay CommonJS otherwise", () => {
  const cwd = project({
    "tla.ts": 'import { sep } from "path";\nasync function one(): Promise<number> { return 1; }\nconst n: number = await one();\nconsole.log("tla", n, sep, typeof require);\n',
    "cjs.ts": 'import { sep } from "path";\nfunction two(): number { return 2; }\nconsole.log("cjs", two(), sep, typeof require);\n',
  });
  const esm = profiled(cwd, ["tla.ts"]);
  assert.equal(esm.stderr, "");
  assert.equal(esm.stdout, "tla 1 / undefined\n");
  assert.equal(esm.status, 0);
  assert.deepEqual(esm.calls, { one: 1 });
  const cjs = profiled(cwd, ["cjs.ts"]);
  assert.equal(cjs.stdout, "cjs 2 / function\n");
  assert.deepEqual(cjs.calls, { two: 1 });
});

test("require() of an ES module (.js detected, .mjs) loads it as Node does, and its functions are profiled", () => {
  const cwd = project({
    "lib.js": "export function f() { return 1; }\n",
    "m.mjs": "export function g() { return 2; }\n",
    "req.js": 'const { f } = require("./lib.js");\nconst { g } = require("./m.mjs");\nconsole.log("require esm", f(), g());\n',
  });
  const result = profiled(cwd, ["req.js"]);
  assertLikeNode(cwd, "req.js", result);
  assert.equal(result.stdout, "require esm 1 2\n");
  assert.deepEqual(result.calls, { f: 1, g: 1 });
});

test("require() of an ES module profiles the modules it imports too, run in Node's order (require(esm) links past the module hooks)", () => {
  const cwd = project({
    "main.cjs": 'console.log("main");\nconst { hello } = require("./lib.mjs");\nfunction run() { return hello(3); }\nconsole.log(run());\n',
    "lib.mjs":
      'import { inner } from "./inner.mjs";\nimport { twice } from "./detected.js";\nimport plain from "./plain.cjs";\nexport { label } from "./label.mjs";\nimport { sep } from "node:path";\n' +
      'console.log("lib", sep);\nexport function hello(n) { return inner(n) + twice(n) + plain(n); }\n',
    "inner.mjs": 'import { deep } from "./deep.mjs";\nconsole.log("inner");\nexport function inner(n) { return deep(n) * 2; }\n',
    "deep.mjs": 'console.log("deep");\nexport function deep(n) { return n + 1; }\n',
    // An ES module by syntax detection, and a CommonJS module between two ES modules of the graph.
    "detected.js": 'console.log("detected");\nexport function twice(n) { return 2 * n; }\n',
    "plain.cjs": 'console.log("plain");\nmodule.exports = function plain(n) { return n - 1; };\n',
    "label.mjs": 'console.log("label");\nexport function label() { return "l"; }\n',
    // createRequire from an ES module goes the same way; a graph with a cycle runs as under node.
    "created.mjs": 'import { createRequire } from "node:module";\nconst require = createRequire(import.meta.url);\nfunction viaCreated() { return require("./lib.mjs").hello(1); }\nconsole.log(viaCreated());\n',
    "cyclic.cjs": 'const { ping } = require("./ping.mjs");\nconsole.log(ping(2));\n',
    "ping.mjs": 'import { pong } from "./pong.mjs";\nimport { deep } from "./deep.mjs";\nconsole.log("ping");\nexport function ping(n) { return n > 0 ? pong(n - 1) : deep(n); }\n',
    "pong.mjs": 'import { ping } from "./ping.mjs";\nconsole.log("pong");\nexport function pong(n) { return ping(n); }\n',
  });
  const result = profiled(cwd, ["main.cjs"]);
  assertLikeNode(cwd, "main.cjs", result);
  assert.equal(result.stdout, "main\ndeep\ninner\ndetected\nplain\nlabel\nlib /\n16\n");
  assert.deepEqual(result.calls, { run: 1, hello: 1, inner: 1, deep: 1, twice: 1, plain: 1 });
  const created = profiled(cwd, ["created.mjs"]);
  assertLikeNode(cwd, "created.mjs", created);
  assert.deepEqual(created.calls, { viaCreated: 1, hello: 1, inner: 1, deep: 1, twice: 1, plain: 1 });
  const cyclic = profiled(cwd, ["cyclic.cjs"]);
  assertLikeNode(cwd, "cyclic.cjs", cyclic);
  assert.equal(cyclic.stdout, "pong\ndeep\nping\n1\n");
  assert.equal(cyclic.calls?.ping, 3);
});

test("require() of an ES module: its imports resolve as imports (a package's \"import\" export), a link error runs none of the graph", () => {
  const cwd = project({
    "node_modules/dual/package.json": JSON.stringify({ name: "dual", exports: { import: "./esm.mjs", require: "./cjs.cjs" } }),
    "node_modules/dual/esm.mjs": 'export function dualImport() { return "import"; }\n',
    "node_modules/dual/cjs.cjs": 'exports.dualImport = function dualRequire() { return "require"; };\n',
    "main.cjs": 'const { which } = require("./lib.mjs");\nconsole.log(which(), require("dual").dualImport());\n',
    "lib.mjs": 'import { dualImport } from "dual";\nexport function which() { return dualImport(); }\n',
    "linkfail.cjs": 'try { require("./broken.mjs"); } catch (error) { console.log(error.name, error.message); }\n',
    "broken.mjs": 'import { deep } from "./deep.mjs";\nimport { missing } from "./other.mjs";\nexport function broken() { return deep() + missing(); }\n',
    "deep.mjs": 'console.log("deep runs");\nexport function deep() { return 1; }\n',
    "other.mjs": 'console.log("other runs");\nexport function present() { return 2; }\n',
  });
  const result = profiled(cwd, ["--include", "*.*", "--include", "node_modules/**", "main.cjs"]);
  assertLikeNode(cwd, "main.cjs", result);
  assert.equal(result.stdout, "import require\n");
  assert.deepEqual(result.calls, { which: 1, dualImport: 1, dualRequire: 1 });
  const linkfail = profiled(cwd, ["linkfail.cjs"]);
  assertLikeNode(cwd, "linkfail.cjs", linkfail);
  assert.match(linkfail.stdout, /^SyntaxError .*'missing'\n$/);
});

test("a syntax error in a required or imported file: JavaScript as Node reports it, TypeScript in the clean form, exit 1", () => {
  const cwd = project({
    "synerr.js": "function f( {\n  return 1;\n}\n",
    "req_synerr.js": 'require("./synerr.js");\n',
    "imp_synerr.mjs": 'import "./synerr.js";\n',
    "bad.ts": "const x: number = ;\n",
    "req_bad.js": 'require("./bad.ts");\n',
    "imp_bad.mts": 'import "./bad.ts";\n',
  });
  for (const file of ["req_synerr.js", "imp_synerr.mjs"]) {
    const result = profiled(cwd, [file]);
    const plain = node([file], { cwd });
    assert.equal(result.status, 1, file);
    assert.equal(plain.status, 1, file);
    // Node's report up to its stack (whose frames name tsprof's hook).
    const head = (stderr: string) => stderr.slice(0, stderr.indexOf("SyntaxError:")) + stderr.split("\n").find((line) => line.startsWith("SyntaxError:"));
    assert.equal(head(result.stderr), head(plain.stderr), file);
    assert.match(result.stderr, /synerr\.js:2\n/);
  }
  for (const file of ["req_bad.js", "imp_bad.mts"]) {
    // CI runners set CI, and Babel's colours follow picocolors, which colours any CI log: the frame stays
    // plain text, as Node's own syntax errors are and as the main script's is.
    const result = profiled(cwd, [file], { CI: "true", FORCE_COLOR: "1" });
    assert.equal(result.status, 1, file);
    assert.doesNotMatch(result.stderr, /\x1b\[/, file);
    assert.match(result.stderr, /^\S+bad\.ts:1:19: SyntaxError: Unexpected token\n\n> 1 \| const x: number = ;\n/, file);
    assert.doesNotMatch(result.stderr, /node:internal|triggerUncaughtException|^\[|^\s+at /m, file);
  }
});

test("an extensionless script and one with an unknown extension run as CommonJS, instrumented", () => {
  const cwd = project({
    tool: '#!/usr/bin/env node\nfunction hello() { return "hi"; }\nconsole.log(hello());\n',
    "s.txt": 'function txt() { return "txt ran"; }\nconsole.log(txt());\n',
    esmtool: '#!/usr/bin/env node\nimport { sep } from "path";\nfunction esm() { return sep; }\nconsole.log(esm());\n',
  });
  for (const [file, name] of [["tool", "hello"], ["s.txt", "txt"], ["esmtool", "esm"]]) {
    const result = profiled(cwd, [file]);
    assertLikeNode(cwd, file, result);
    assert.deepEqual(result.calls, { [name]: 1 }, file);
  }
});

test("-m BIN under node_modules: a hint names --include when nothing was instrumented; an extensionless bin is instrumented with it", () => {
  const cwd = project({
    "node_modules/fakepkg/package.json": JSON.stringify({ name: "fakepkg", version: "1.0.0", bin: { fake: "cli.js", fake2: "cli2" } }),
    "node_modules/fakepkg/cli.js": '#!/usr/bin/env node\nfunction main() { console.log("fake"); }\nmain();\n',
    "node_modules/fakepkg/cli2": '#!/usr/bin/env node\nfunction main2() { console.log("fake2"); }\nmain2();\n',
  });
  mkdirSync(join(cwd, "node_modules", ".bin"));
  symlinkSync(join("..", "fakepkg", "cli.js"), join(cwd, "node_modules", ".bin", "fake"));
  symlinkSync(join("..", "fakepkg", "cli2"), join(cwd, "node_modules", ".bin", "fake2"));
  const plain = profiled(cwd, ["-m", "fake"]);
  assert.equal(plain.stdout, "fake\n");
  assert.equal(plain.status, 0);
  assert.deepEqual(plain.calls, {});
  assert.equal(
    plain.stderr,
    "tsprof: nothing was instrumented: node_modules/fakepkg/cli.js is under node_modules, which is instrumented only with --include 'node_modules/fakepkg/**'\n",
  );
  // A fake Jest: the hint names Jest's own transform and the jest environment, not --include.
  mkdirSync(join(cwd, "node_modules", "jest", "bin"), { recursive: true });
  writeFileSync(join(cwd, "node_modules", "jest", "bin", "jest.js"), '#!/usr/bin/env node\nconsole.log("jest");\n');
  symlinkSync(join("..", "jest", "bin", "jest.js"), join(cwd, "node_modules", ".bin", "jest"));
  const jest = profiled(cwd, ["-m", "jest"]);
  assert.equal(jest.stdout, "jest\n");
  assert.match(jest.stderr, /^tsprof: nothing was instrumented: Jest compiles and loads test files itself, .*testEnvironment: "@tsprof\/runtime\/jest-environment"/);
  assert.doesNotMatch(jest.stderr, /--include/);
  const included = profiled(cwd, ["--include", "node_modules/**", "-m", "fake2"]);
  assert.equal(included.stdout, "fake2\n");
  assert.equal(included.stderr, "");
  assert.deepEqual(included.calls, { main2: 1 });
});

test("-m BIN whose loader compiles TypeScript (ts-node's register): it compiles the file as written, its output is profiled at the TypeScript's lines", () => {
  // A fake ts-node: registered for .ts the way ts-node's registerExtension is (m._compile wrapped, the previous
  // handler called), its "type check" refuses any code but the file as written (ts-node type-checked tsprof's
  // output under "strict": TS7034 on the probe's variables), its output a line longer, with a source map.
  const register = [
    'const { readFileSync } = require("fs");',
    'const old = require.extensions[".ts"] || require.extensions[".js"];',
    'require.extensions[".ts"] = function (m, filename) {',
    "  const _compile = m._compile;",
    "  m._compile = function (code, fileName) {",
    '    if (code !== readFileSync(fileName, "utf8")) throw new Error("faketsc: not the file as written: " + fileName);',
    '    if (code.includes("bad")) throw new Error("faketsc: TS2322 in " + fileName);',
    '    const map = { version: 3, sources: [fileName], names: [], mappings: ";AAAA;AACA;AACA;AACA" };',
    '    const js = \'"use strict";\\n\' + code.replace(/: number/g, "") + "//# sourceMappingURL=data:application/json;base64," + Buffer.from(JSON.stringify(map)).toString("base64") + "\\n";',
    "    return _compile.call(this, js, fileName);",
    "  };",
    "  return old(m, filename);",
    "};",
  ].join("\n");
  const cwd = project({
    "node_modules/faketsc/package.json": JSON.stringify({ name: "faketsc", version: "1.0.0", bin: { faketsc: "bin.js" } }),
    "node_modules/faketsc/register.js": register + "\n",
    "node_modules/faketsc/bin.js": '#!/usr/bin/env node\nrequire("./register.js");\nconst path = require("path");\nrequire(path.resolve(process.argv[2]));\n',
    "app.ts": "\nfunction fib(n: number): number { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\nconsole.log(fib(10));\n",
    "bad.ts": "const bad: number = 1;\nconsole.log(bad);\n",
  });
  mkdirSync(join(cwd, "node_modules", ".bin"));
  symlinkSync(join("..", "faketsc", "bin.js"), join(cwd, "node_modules", ".bin", "faketsc"));
  const bin = join(cwd, "node_modules", "faketsc", "bin.js");
  const result = profiled(cwd, ["-m", "faketsc", "app.ts"]);
  const plain = node([bin, "app.ts"], { cwd });
  assert.deepEqual([result.stdout, result.stderr, result.status], [plain.stdout, plain.stderr, plain.status]);
  assert.equal(result.stdout, "55\n");
  assert.deepEqual(result.calls, { fib: 177 });
  const profile = JSON.parse(readFileSync(join(cwd, "p.tsprof.json"), "utf8")) as { functions: { name: string; file: string; line: number }[] };
  assert.deepEqual(profile.functions.map(({ name, file, line }) => ({ name, file, line })), [{ name: "fib", file: "app.ts", line: 2 }]);
  const failed = profiled(cwd, ["-m", "faketsc", "bad.ts"]);
  assert.equal(failed.status, 1);
  assert.match(failed.stderr, /Error: faketsc: TS2322 in .*bad\.ts\n/);
});

test("-m BIN that runs the script in a node process of its own (tsx): one line says so and names the tsprof run that profiles it", () => {
  // A fake tsx: the script runs in `node --require <its preflight> app.ts`, started with arguments of its own.
  const cwd = project({
    "node_modules/faketsx/package.json": JSON.stringify({ name: "faketsx", version: "1.0.0", bin: { faketsx: "cli.js" } }),
    "node_modules/faketsx/preflight.js": "process.env.FAKETSX = '1';\n",
    "node_modules/faketsx/cli.js":
      '#!/usr/bin/env node\nconst { spawn } = require("child_process");\n' +
      'const child = spawn(process.execPath, ["--require", require.resolve("./preflight.js"), ...process.argv.slice(2)], { stdio: "inherit" });\n' +
      'child.on("exit", (code) => { process.exitCode = code; });\n',
    "app.js": "function work() { return process.env.FAKETSX; }\nconsole.log('ran', work(), process.argv.slice(2).join(','));\n",
  });
  mkdirSync(join(cwd, "node_modules", ".bin"));
  symlinkSync(join("..", "faketsx", "cli.js"), join(cwd, "node_modules", ".bin", "faketsx"));
  const result = profiled(cwd, ["-m", "faketsx", "app.js", "a b"]);
  assert.equal(result.stdout, "ran 1 a b\n");
  assert.equal(result.status, 0);
  assert.deepEqual(result.calls, {});
  assert.equal(
    result.stderr,
    "tsprof: nothing was instrumented: the program ran its code in a node process it started without tsprof's hook, which tsprof cannot see (node … app.js 'a b'); profile it with: tsprof run app.js 'a b'\n",
  );
  // A child running the tool's own entry point (ts-node's child-entrypoint.js): no command to suggest.
  writeFileSync(join(cwd, "node_modules", "faketsx", "entry.js"), 'require(require("path").resolve(process.argv[2]));\n');
  writeFileSync(
    join(cwd, "node_modules", "faketsx", "cli.js"),
    '#!/usr/bin/env node\nrequire("child_process").spawn(process.execPath, [require.resolve("./entry.js"), process.argv[2]], { stdio: "inherit" });\n',
  );
  const entry = profiled(cwd, ["-m", "faketsx", "app.js"]);
  assert.equal(entry.stdout, "ran undefined app.js\n");
  assert.equal(entry.stderr, "tsprof: nothing was instrumented: the program ran its code in a node process it started without tsprof's hook, which tsprof cannot see\n");
  // A child that inherits the hook (fork) is profiled, and no line is printed.
  writeFileSync(join(cwd, "node_modules", "faketsx", "cli.js"), '#!/usr/bin/env node\nrequire("child_process").fork(process.argv[2]);\n');
  const forked = profiled(cwd, ["-m", "faketsx", "app.js"]);
  assert.equal(forked.stdout, "ran undefined \n");
  assert.equal(forked.stderr, "");
  assert.deepEqual(forked.calls, { work: 1 });
});

test("named imports from TypeScript CommonJS (.cts behind a .cjs specifier, .ts behind .js), as from tsc's output", () => {
  const cwd = project({
    "u.cts": "export function add(a: number, b: number): number { return a + b; }\n",
    "util.ts": "export function mul(a: number, b: number): number { return a * b; }\nexport type T = number;\n",
    "v.cjs": "exports.sub = function sub(a, b) { return a - b; };\n",
    "m.mts": 'import { add } from "./u.cjs";\nimport { mul } from "./util.js";\nimport { sub } from "./v.cjs";\nimport u from "./u.cjs";\nconst v = await Promise.resolve(add(4, 5));\nconsole.log("mts", v, mul(2, 3), sub(5, 1), typeof u.add);\n',
  });
  const result = profiled(cwd, ["m.mts"]);
  assert.equal(result.stderr, "");
  assert.equal(result.stdout, "mts 9 6 4 function\n");
  assert.equal(result.status, 0);
  assert.deepEqual(result.calls, { add: 1, mul: 1, sub: 1 });
});

test("`export * as ns` in TypeScript compiled to CommonJS (.ts, .cts): the namespace object, as from tsc's output", () => {
  const cwd = project({
    "b.ts": "export const v = 1;\nexport function twice(n: number): number { return 2 * n; }\n",
    "lib.ts": 'export * as ns from "./b";\n',
    "lib2.cts": 'export * as ns2 from "./b";\n',
    "main.ts": 'import { ns } from "./lib";\nimport { ns2 } from "./lib2.cjs";\nconsole.log(ns.v, ns.twice(2), Object.keys(ns).sort().join(), ns === ns2);\n',
  });
  const result = profiled(cwd, ["main.ts"]);
  assert.equal(result.stderr, "");
  assert.equal(result.stdout, "1 4 twice,v true\n");
  assert.equal(result.status, 0);
  assert.deepEqual(result.calls, { twice: 1 });
});

test("`export * from` in TypeScript CommonJS imported by an ES module: the re-exported names are named exports, through a chain of re-exports, as from tsc's output", () => {
  const cwd = project({
    "lib.ts": 'export * from "./other.js";\nexport const own = 2;\n',
    "other.ts": 'export * from "./third.cjs";\nexport * from "./plain.js";\nexport function fromOther(): number { return 1; }\n',
    "third.cts": "export const fromThird = 3;\n",
    "plain.js": "exports.fromPlain = 4;\n",
    "main.mts": 'import { own, fromOther, fromThird, fromPlain } from "./lib.js";\nimport * as all from "./lib.js";\nconsole.log(own, fromOther(), fromThird, fromPlain, Object.keys(all).join());\n',
  });
  const result = profiled(cwd, ["main.mts"]);
  assert.equal(result.stderr, "");
  assert.equal(result.stdout, "2 1 3 4 __esModule,default,fromOther,fromPlain,fromThird,own\n");
  assert.equal(result.status, 0);
  assert.deepEqual(result.calls, { fromOther: 1 });
});

test("a CommonJS main script runs in Node's CommonJS loader, as under plain node: tick order, module identity, uncaught origin, argv0", () => {
  const program =
    'process.on("uncaughtException", (error, origin) => { console.log("caught", error.message, origin); });\n' +
    "function order() {\n" +
    '  Promise.resolve().then(() => console.log("promise.then"));\n' +
    '  process.nextTick(() => console.log("nextTick"));\n' +
    '  console.log("sync");\n' +
    "}\n" +
    "order();\n" +
    "console.log(require.main === module, module.id, module.parent, process.argv0);\n" +
    'throw new Error("top");\n';
  const cwd = project({ "main.js": program, "main.cjs": program, "main.cts": program.replace("function order()", "function order(): void") });
  for (const file of ["main.js", "main.cjs"]) {
    const result = profiled(cwd, [file]);
    assertLikeNode(cwd, file, result);
    assert.equal(result.calls?.order, 1, file);
  }
  // The order plain node gives (the handled throw first, then the ticks; process.argv0 is how the test spawns it).
  const expected = node(["main.js"], { cwd }).stdout;
  assert.match(expected, /^sync\ntrue \. null \S+\ncaught top uncaughtException\nnextTick\npromise\.then\n$/);
  const ts = profiled(cwd, ["main.cts"]);
  assert.equal(ts.stdout, expected);
  assert.equal(ts.status, 0, ts.stderr);
});
