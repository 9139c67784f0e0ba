// End-to-end tests of `tsprof run` on syntax that Node 20 does not run as written or that Babel treats otherwise
// than tsc: `using` / `await using`, top-level `this` and namespaces exporting `var`/`let` in TypeScript, .tsx files (JSX as the tsconfig's `jsx`
// says, extensionless imports of .tsx), the deprecated `import … assert { type: "json" }`, and Babel's hold
// on Error.stackTraceLimit. A JavaScript program must behave as under plain `node`; a TypeScript one as the
// output of TypeScript 5.9 for the same compilerOptions (ts.transpileModule, tsc's emitter) run by node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdirSync, writeFileSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import type * as ts from "typescript";
import { tsprof, node, repoRoot, profiledRun, scratchProject, type RunResult } from "./helpers/cli";
import { tsprofTransformer } from "@tsprof/ts-transformer";
import type { ModuleSites } from "@tsprof/instrument";

const typescript = require("typescript") as typeof ts;

/** A folder in the temp dir holding `files` (no package.json or tsconfig.json above it). */
function project(files: Record<string, string>): string {
  const root = scratchProject(files, "syntax");
  for (let dir = root; dirname(dir) !== dir; dir = dirname(dir)) assert.ok(dir === root || !existsSync(join(dir, "tsconfig.json")), `${dir}/tsconfig.json`);
  return root;
}


/** `tsprof run -o OUT ARGS` in `cwd` with no compile cache (Babel compiles every file in the run): its result and calls by name. */
function profiled(cwd: string, args: string[], env: Record<string, string> = { TSPROF_CACHE: "0" }) {
  return profiledRun(cwd, args, env);
}

/**
 * What tsc's output does: each TypeScript file of `cwd` compiled with `compilerOptions` (as tsconfig.json
 * spells them) into out/ (x.ts → x.js, x.mts → x.mjs, x.tsx → x.js), then `node out/MAIN`.
 */
function underTsc(cwd: string, main: string, compilerOptions: Record<string, unknown>): RunResult {
  const out = join(cwd, "out");
  mkdirSync(out, { recursive: true });
  for (const name of Object.keys(sources.get(cwd) ?? {})) {
    const match = /^(.*)\.(ts|mts|cts|tsx)$/.exec(name);
    if (!match) continue;
    const fileName = join(cwd, name);
    const { outputText } = typescript.transpileModule(readFileSync(fileName, "utf8"), { compilerOptions: compilerOptions as ts.CompilerOptions, fileName });
    const extension = { ts: ".js", tsx: ".js", mts: ".mjs", cts: ".cjs" }[match[2] as "ts"];
    writeFileSync(join(out, match[1] + extension), outputText);
  }
  return node([join("out", main.replace(/\.(ts|tsx)$/, ".js").replace(/\.mts$/, ".mjs").replace(/\.cts$/, ".cjs"))], { cwd });
}

const sources = new Map<string, Record<string, string>>();

/** project() that remembers its files for underTsc. */
function tsProject(files: Record<string, string>): string {
  const root = project(files);
  sources.set(root, files);
  return root;
}

/** Node's warnings carry the process id: `(node:1234)`. */
const samePid = (text: string) => text.replace(/\(node:\d+\)/g, "(node:PID)");

test("Error.stackTraceLimit and Error.prepareStackTrace stay the program's when Babel compiles in its process", () => {
  const show = 'console.log("limit", Error.stackTraceLimit, typeof Error.prepareStackTrace, Error.prepareStackTrace && Error.prepareStackTrace.name);\n';
  const cwd = project({
    "dep.js": "exports.x = 3;\n",
    "limit.js": show,
    "limit.ts": "const typed: number = 1;\n" + show,
    "user-limit.js": 'Error.stackTraceLimit = 5;\nrequire("./dep.js");\nconsole.log("limit", Error.stackTraceLimit);\n',
  });
  const plain = node(["limit.js"], { cwd });
  assert.match(plain.stdout, /^limit 10 function /);
  for (const file of ["limit.js", "limit.ts"]) {
    const result = profiled(cwd, [file]);
    assert.equal(result.stdout, plain.stdout, file);
    assert.equal(result.status, 0, file);
  }
  // The first compile of a run is the one that changed them: here the main script comes from the compile cache
  // (a first run put it there) and dep.js, changed since, is compiled after the program set its limit.
  const cache = { TSPROF_CACHE_DIR: join(cwd, "cache") };
  assert.equal(profiled(cwd, ["user-limit.js"], cache).stdout, "limit 5\n");
  writeFileSync(join(cwd, "dep.js"), "exports.x = 4;\n");
  const warm = profiled(cwd, ["user-limit.js"], cache);
  assert.equal(warm.stdout, node(["user-limit.js"], { cwd }).stdout);
  assert.equal(warm.stdout, "limit 5\n");
});

test("top-level this in TypeScript compiled to CommonJS is module.exports, as in tsc's output; undefined in an ES module", () => {
  const compilerOptions = { target: "ES2022", module: "commonjs" };
  const program = "export const answer = 42;\ndeclare const module: any;\nconst arrow = () => this;\nconsole.log(typeof this, this === (typeof module === 'object' ? module.exports : 0), arrow() === this);\n";
  const cwd = tsProject({ "top-this.ts": program, "top-this.mts": program, "tsconfig.json": JSON.stringify({ compilerOptions }) });
  const expected = underTsc(cwd, "top-this.ts", compilerOptions);
  assert.equal(expected.stdout, "object true true\n");
  const cjs = profiled(cwd, ["top-this.ts"]);
  assert.equal(cjs.stderr, "");
  assert.equal(cjs.stdout, expected.stdout);
  assert.equal(cjs.status, 0);
  assert.deepEqual(cjs.calls, { arrow: 1 });
  const esm = profiled(cwd, ["top-this.mts"]);
  assert.equal(esm.stdout, underTsc(cwd, "top-this.mts", compilerOptions).stdout);
  assert.equal(esm.stdout, "undefined false true\n");
});

test("import … assert { type: 'json' } (deprecated, still run by Node 20) runs as under node, in the main script and imported modules, instrumented", () => {
  const cwd = project({
    "data.json": '{ "a": 1 }\n',
    "lib.mjs":
      'import data from "./data.json" assert { type: "json" };\nimport again from "./data.json" with { type: "json" };\n' +
      "export function get() { return data.a + again.a; }\n",
    "main.mjs": 'import data from "./data.json" assert { type: "json" };\nimport { get } from "./lib.mjs";\nfunction show() { console.log(data.a, get()); }\nshow();\n',
    "reexport.mjs": 'export { default } from "./data.json" assert { type: "json" };\nexport function one() { return 1; }\n',
    "imp-reexport.mjs": 'import d, { one } from "./reexport.mjs";\nconsole.log(d.a, one());\n',
    "typed.mts": 'import data from "./data.json" assert { type: "json" };\nfunction typed(): number { return data.a; }\nconsole.log(typed());\n',
  });
  for (const [file, calls] of [["main.mjs", { show: 1, get: 1 }], ["imp-reexport.mjs", { one: 1 }]] as const) {
    const result = profiled(cwd, [file]);
    const plain = node([file], { cwd });
    assert.equal(plain.status, 0, plain.stderr);
    // Node's warning for each `assert`, none for `with`: the compiled code keeps each import's keyword.
    assert.match(plain.stderr, /'assert' is deprecated in import statements/);
    assert.equal(result.stdout, plain.stdout, file);
    assert.equal(samePid(result.stderr), samePid(plain.stderr), file);
    assert.equal(result.status, 0, file);
    assert.deepEqual(result.calls, calls, file);
  }
  const typed = profiled(cwd, ["typed.mts"]);
  assert.equal(typed.stdout, "1\n");
  assert.match(typed.stderr, /^\(node:\d+\) V8: file:\/\/\S+typed\.mts:1 'assert' is deprecated in import statements/);
  assert.deepEqual(typed.calls, { typed: 1 });
});

test("using and await using in TypeScript run as tsc's output does (Node 20 cannot run them); JavaScript keeps Node's SyntaxError", () => {
  const program = [
    "class Res {",
    '  constructor(public name: string) { console.log("open", name); }',
    '  [Symbol.dispose]() { console.log("dispose", this.name); }',
    "}",
    "class ARes {",
    "  constructor(public name: string) {}",
    '  async [Symbol.asyncDispose]() { await null; console.log("async dispose", this.name); }',
    "}",
    "function scoped() {",
    '  using a = new Res("a");',
    '  using b = new Res("b"), c = null;',
    '  console.log("body", typeof c);',
    "}",
    "scoped();",
    'for (using r of [new Res("loop1"), new Res("loop2")]) console.log("in", r.name);',
    "function throws() {",
    '  using x = new Res("x");',
    '  throw new Error("body");',
    "}",
    'try { throws(); } catch (e: any) { console.log("caught", e.message); }',
    "async function main() {",
    '  await using z = new ARes("z");',
    '  using y = new Res("y");',
    '  console.log("main body");',
    "}",
    'main().then(() => console.log("done"));',
    "",
  ].join("\n");
  const compilerOptions = { target: "ES2022", module: "commonjs" };
  const cwd = tsProject({
    "using.ts": program,
    "using.mts": program,
    "tsconfig.json": JSON.stringify({ compilerOptions }),
    // The runtime README's own example: a scope of a Profile of the program's own.
    "scope.ts":
      `import { Profile } from ${JSON.stringify(join(repoRoot, "packages", "runtime"))};\n` +
      "function work(): number { return 1; }\n" +
      "const profile = new Profile();\n" +
      "{ using _ = profile.scope(); work(); work(); }\n" +
      "const snap = profile.snapshot();\n" +
      'console.log("scope", snap.stats.map((row) => `${snap.functions[row.function].qualifiedName} ${row.calls}`).join(", "));\n',
    "using.js": 'function f() {\n  using lock = { [Symbol.dispose]() {} };\n}\nf();\n',
  });
  for (const file of ["using.ts", "using.mts"]) {
    const expected = underTsc(cwd, file, compilerOptions);
    assert.match(expected.stdout, /^open a\nopen b\nbody object\ndispose b\ndispose a\n.*caught body\n.*done\n$/s);
    const result = profiled(cwd, [file]);
    assert.equal(result.stderr, "", file);
    assert.equal(result.stdout, expected.stdout, file);
    assert.equal(result.status, expected.status, file);
    assert.deepEqual(
      result.calls,
      { scoped: 1, throws: 1, main: 1, "Res.constructor": 6, "Res[Symbol.dispose]": 6, "ARes.constructor": 1, "ARes[Symbol.asyncDispose]": 1, "(anonymous)": 1 },
      file,
    );
  }
  const scope = profiled(cwd, ["scope.ts"]);
  assert.equal(scope.stderr, "");
  assert.equal(scope.stdout, "scope work 2\n");
  assert.equal(scope.status, 0);
  // JavaScript is not compiled down: Node's SyntaxError, as without tsprof.
  const js = profiled(cwd, ["using.js"]);
  const plain = node(["using.js"], { cwd });
  assert.equal(plain.status, 1);
  assert.equal(js.status, 1);
  const reason = (stderr: string) => stderr.split("\n").find((line) => line.startsWith("SyntaxError:"));
  assert.equal(reason(js.stderr), "SyntaxError: Unexpected identifier 'lock'");
  assert.equal(reason(js.stderr), reason(plain.stderr));
});

/**
 * A stand-in for React's automatic runtime: an element of a function component is that component's output
 * (so the components run and get rows), any other one says what it was made with.
 */
const RUNTIME = (names: string[]) =>
  "exports.Fragment = function Fragment() {};\n" +
  "const make = (kind) => (type, props, key) => typeof type === \"function\" && type !== exports.Fragment\n" +
  "  ? type(props)\n" +
  "  : { [kind]: type === exports.Fragment ? \"Fragment\" : type, props, key };\n" +
  names.map((name) => `exports.${name} = make("${name}");\n`).join("");
const FAKE_REACT: Record<string, string> = {
  "node_modules/fakejsx/package.json": JSON.stringify({ name: "fakejsx", exports: { "./jsx-runtime": "./jsx-runtime.js", "./jsx-dev-runtime": "./jsx-dev-runtime.js" } }),
  "node_modules/fakejsx/jsx-runtime.js": RUNTIME(["jsx", "jsxs"]),
  "node_modules/fakejsx/jsx-dev-runtime.js": RUNTIME(["jsxDEV"]),
};

const APP_TSX = [
  'import { f } from "./comp";',
  "function Item({ n }: { n: number }) { return <li data-n={n} {...{ extra: true }}>{n}</li>; }",
  'const List = ({ k }: { k: number }) => <ul key="list">{[1, 2].slice(0, k).map((n) => <Item key={n} n={n} />)}<>frag</><a:b c:d="1" /></ul>;',
  "const generic = <T,>(x: T) => x;",
  "console.log(JSON.stringify(<List k={2} />), JSON.stringify(List({ k: 2 })), generic(f()));",
  "",
].join("\n");

test(".tsx as tsc compiles it with the tsconfig's jsx: react-jsx, react-jsxdev and react with jsxImportSource (automatic), react (createElement); ./comp finds comp.tsx", () => {
  const settings: Record<string, unknown>[] = [
    { jsx: "react-jsx", jsxImportSource: "fakejsx" },
    { jsx: "react-jsxdev", jsxImportSource: "fakejsx" },
    { jsx: "react", jsxImportSource: "fakejsx" },
    { jsx: "react", jsxFactory: "h", jsxFragmentFactory: "Frag" },
  ];
  for (const jsx of settings) {
    const compilerOptions = { target: "ES2022", module: "commonjs", ...jsx };
    const cwd = tsProject({
      ...FAKE_REACT,
      "tsconfig.json": JSON.stringify({ compilerOptions }),
      // The classic factory in scope of the file (a global here, as a UMD build would make it).
      "app.tsx": (jsx.jsxFactory ? 'import "./h";\n' : "") + APP_TSX,
      "h.ts":
        'const name = (type: any) => (typeof type === "function" ? type.name : type);\n' +
        "(globalThis as any).h = (type: any, props: any, ...children: any[]) =>\n" +
        "  typeof type === 'function' && type.name !== 'Frag' ? type(props) : { h: name(type), props, children };\n" +
        "(globalThis as any).Frag = function Frag() {};\n",
      "comp.tsx": "export function f(): number { return 1; }\n",
      "main.ts": 'import { f } from "./comp";\nconsole.log(f());\n',
      "main.mts": 'import { f } from "./comp";\nimport { f as g } from "./comp.js";\nconsole.log(f(), g());\n',
    });
    const expected = underTsc(cwd, "app.tsx", compilerOptions);
    assert.equal(expected.status, 0, expected.stderr);
    const result = profiled(cwd, ["app.tsx"]);
    const label = JSON.stringify(jsx);
    assert.equal(result.stderr, "", label);
    assert.equal(result.stdout, expected.stdout, label);
    assert.equal(result.status, 0, label);
    // app.tsx's functions (h.ts has rows of its own).
    const { List, Item, generic, f } = result.calls ?? {};
    assert.deepEqual({ List, Item, generic, f }, { List: 2, Item: 4, generic: 1, f: 1 }, label);
    if (jsx.jsx !== "react-jsx") continue;
    for (const main of ["main.ts", "main.mts"]) {
      const viaImport = profiled(cwd, [main]);
      assert.equal(viaImport.stderr, "", main);
      assert.equal(viaImport.stdout, main === "main.ts" ? "1\n" : "1 1\n", main);
      assert.deepEqual(viaImport.calls, { f: main === "main.ts" ? 1 : 2 }, main);
    }
  }
});

test(".tsx pragmas as tsc reads them: @jsx and @jsxFrag before the first statement (a later one counts for nothing), ignored under react-jsx", () => {
  const view = [
    "/** @jsx h */",
    "/** @jsxFrag Frag */",
    'function h(tag: any, props: any, ...children: any[]) { return { tag: typeof tag === "function" ? tag.name : tag, props, children }; }',
    "function Frag() {}",
    "function Item({ n }: { n: number }) { return <li>{n}</li>; }",
    'const tree = <ul class="x">{[1, 2].map(n => <Item n={n} />)}<>frag</></ul>;',
    "console.log(JSON.stringify(tree));",
    "",
  ].join("\n");
  const late = '"use strict";\n/** @jsx h */\nconst h = () => "h called";\nconsole.log(JSON.stringify(<p>x</p>));\n';
  for (const jsx of [{ jsx: "react" }, { jsx: "react-jsx", jsxImportSource: "fakejsx" }]) {
    const compilerOptions = { target: "ES2022", module: "commonjs", ...jsx };
    const cwd = tsProject({
      ...FAKE_REACT,
      "node_modules/react/index.js": 'exports.createElement = (type, props, ...children) => ({ createElement: type, props, children });\nexports.Fragment = "Fragment";\n',
      "tsconfig.json": JSON.stringify({ compilerOptions }),
      "view.tsx": view,
      "late.tsx": 'import * as React from "react";\n' + late,
    });
    for (const file of ["view.tsx", "late.tsx"]) {
      const expected = underTsc(cwd, file, compilerOptions);
      assert.equal(expected.status, 0, expected.stderr);
      const result = profiled(cwd, [file]);
      assert.equal(result.stderr, "", `${file} ${jsx.jsx}`);
      assert.equal(result.stdout, expected.stdout, `${file} ${jsx.jsx}`);
    }
  }
});

test("JSX tsc would not compile (no tsconfig, no jsx, preserve, react-native, an unknown value) is one line naming the setting, exit 1; a .tsx without JSX runs; .jsx is one line too", () => {
  const cwd = project({
    "view.tsx": 'const x = 1;\nconst tree = <ul class="x">{x}</ul>;\nconsole.log(tree);\n',
    "plain.tsx": "export function f(): number { return 1; }\n",
    "main.ts": 'import { f } from "./plain";\nrequire("./view");\nconsole.log(f());\n',
    "app.jsx": "function App() {\n  return <div />;\n}\nconsole.log(App());\n",
  });
  const view = join(cwd, "view.tsx");
  const line = (why: string) =>
    `${view}:2:14: JSX needs "jsx": "react-jsx" (or "react-jsxdev", or "react" for createElement calls) in tsconfig.json's compilerOptions: ${why}\n`;
  const noConfig = profiled(cwd, ["view.tsx"]);
  assert.equal(noConfig.stderr, line("there is no tsconfig.json above this file"));
  assert.equal(noConfig.stdout, "");
  assert.equal(noConfig.status, 1);
  // The same line when the file is reached by require() (the hooks refuse it; the program's first lines ran).
  const imported = profiled(cwd, ["main.ts"]);
  assert.equal(imported.stderr, line("there is no tsconfig.json above this file"));
  assert.equal(imported.status, 1);
  const config = join(cwd, "tsconfig.json");
  writeFileSync(config, '{ "compilerOptions": { "strict": true } }\n');
  assert.equal(profiled(cwd, ["view.tsx"]).stderr, line(`${config} does not set "jsx"`));
  for (const setting of ["preserve", "react-native"]) {
    writeFileSync(config, JSON.stringify({ compilerOptions: { jsx: setting } }));
    const result = profiled(cwd, ["view.tsx"]);
    assert.equal(result.stderr, line(`${config} has "jsx": "${setting}", with which tsc leaves the JSX for node, which cannot run it`));
    assert.equal(result.status, 1);
  }
  writeFileSync(config, JSON.stringify({ compilerOptions: { jsx: "reactjsx" } }));
  assert.equal(profiled(cwd, ["view.tsx"]).stderr, line(`${config} has "jsx": "reactjsx", which tsc does not know`));
  // A .tsx file without JSX needs no setting: tsc compiles it whatever `jsx` says.
  const plain = profiled(cwd, ["plain.tsx"]);
  assert.equal(plain.stderr, "");
  assert.equal(plain.status, 0);
  // Node cannot run JSX in JavaScript either (it stops at the `<`): one line, exit 1, nothing run.
  const jsx = profiled(cwd, ["app.jsx"]);
  assert.equal(node(["app.jsx"], { cwd }).status, 1);
  assert.equal(
    jsx.stderr,
    `${join(cwd, "app.jsx")}:2:10: SyntaxError: JSX, which node cannot run: compile it first (tsprof run compiles JSX only in .tsx files, as tsc does)\n`,
  );
  assert.equal(jsx.status, 1);
});

test("functions exported from a namespace by var, let and const are named as written, as the tsc transformer names them (not the N.v assignment tsc's output makes)", () => {
  const program = [
    "namespace N {",
    "  export var v1 = () => 1;",
    "  export let l1 = function () { return 2; };",
    "  export const c1 = () => 3;",
    "  export var run = () => v1() + l1() + c1();",
    "}",
    "console.log(N.run());",
    "export {};",
    "",
  ].join("\n");
  const cwd = tsProject({ "names.ts": program });
  const result = profiled(cwd, ["names.ts"]);
  assert.equal(result.stdout, "6\n");
  assert.deepEqual(result.calls, { v1: 1, l1: 1, c1: 1, run: 1 });
  let table: ModuleSites | string | undefined;
  typescript.transpileModule(program, {
    fileName: join(cwd, "names.ts"),
    compilerOptions: { target: typescript.ScriptTarget.ES2022, module: typescript.ModuleKind.CommonJS },
    transformers: { before: [tsprofTransformer(undefined, { root: cwd }, { ts: typescript, onModule: (_file: string, sites: ModuleSites | string) => (table = sites) })] },
  });
  assert.ok(table && typeof table === "object", "the transformer made a site table");
  assert.deepEqual(table.sites.map((site) => site[0]).sort(), Object.keys(result.calls).sort());
});

test("namespaces exporting var and let run as tsc's output does (Babel refuses them): every use inside becomes the namespace's property", () => {
  const compilerOptions = { target: "ES2022", module: "commonjs", isolatedModules: true };
  const program = [
    "namespace Cfg { export var level = 1; export function bump() { level++; } }",
    "Cfg.bump();",
    "console.log(Cfg.level);",
    "",
    "namespace Many {",
    "  export let a = 1, b = a + 1;",
    "  export var none: number;",
    "  export var { p, q: [r], ...rest } = { p: 10, q: [20], s: 30 };",
    "  export let [first, , third = 3] = [1, 2];",
    "  function swap() { [a, b] = [b, a]; }",
    "  export function run(): string {",
    "    swap();",
    "    none = 5;",
    "    a += 100;",
    "    const o = { a, b };",
    "    ({ b } = { b: 7 });",
    "    for (p of [11, 12]) {}",
    "    const shadow = (a: number) => a * 2;",
    "    return JSON.stringify([o, a, b, none, p, r, rest, first, third, typeof a, shadow(4)]);",
    "  }",
    "  export class K { get v() { return a + b; } }",
    "}",
    "console.log(Many.run(), Many.a, Many.b, Many.none, Many.p, new Many.K().v);",
    "",
    "namespace Outer.Inner { export let depth = 1; export function deeper() { return ++depth; } }",
    "console.log(Outer.Inner.deeper(), Outer.Inner.depth);",
    "",
    "namespace Outer2 {",
    "  export let count = 0;",
    "  export namespace Sub { export function inc() { return ++count; } }",
    "}",
    "console.log(Outer2.Sub.inc(), Outer2.count);",
    "declare namespace Ambient { export var v: number; namespace In { export let w: string; } }",
    "export {};",
    "",
  ].join("\n");
  // A nested function declaring the namespace's name reaches the namespace through an alias; the namespace declaring it is refused.
  const shadowed = "namespace N { export var x = 1; export function f(N: number) { return x + N; } }\nconsole.log(N.f(1));\nexport {};\n";
  const cwd = tsProject({ "ns.ts": program, "ns.mts": program, "shadowed.ts": shadowed, "self.ts": "namespace N { export var x = 1; function N() {} export function f() { return x; } }\nexport {};\n" });
  const expected = underTsc(cwd, "ns.ts", compilerOptions);
  assert.equal(expected.stdout, '2\n[{"a":102,"b":1},102,7,5,12,20,{"s":30},1,3,"number",8] 102 7 5 12 109\n2 2\n1 1\n');
  for (const file of ["ns.ts", "ns.mts"]) {
    const result = profiled(cwd, [file]);
    assert.equal(result.stderr, "", file);
    assert.equal(result.stdout, expected.stdout, file);
    assert.equal(result.status, 0, file);
    assert.deepEqual(result.calls, { bump: 1, swap: 1, run: 1, shadow: 1, "get K.v": 1, deeper: 1, inc: 1 }, file);
  }
  const alias = profiled(cwd, ["shadowed.ts"]);
  assert.equal(alias.stdout, underTsc(cwd, "shadowed.ts", compilerOptions).stdout);
  assert.equal(alias.stdout, "2\n");
  const refused = profiled(cwd, ["self.ts"]);
  assert.equal(refused.status, 1);
  assert.equal(refused.stdout, "");
  assert.equal(
    refused.stderr.split("\n")[0],
    `${join(cwd, "self.ts")}: Error: tsprof run cannot compile this namespace: it exports 'x' with var or let and declares 'N', its own name, inside; rename that, or make the export a const`,
  );
});
