// Site tables: positions follow input source maps back to the TypeScript source, and other plugins
// listed before tsprof do not change what it sees (it instruments the original AST in Program.enter).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { transformSync, types as t, type PluginItem, type TransformOptions } from "@babel/core";
import type { ModuleSites } from "@tsprof/instrument";
import { repoRoot } from "./helpers/cli";
import tsprofPlugin = require("@tsprof/babel-plugin");

const caseDir = join(repoRoot, "fixtures", "transform", "typescript");
const tsFile = join(caseDir, "input.ts");
const tsSource = readFileSync(tsFile, "utf8");
const base: TransformOptions = { cwd: caseDir, babelrc: false, configFile: false, sourceType: "script" };

function sitesOf(result: ReturnType<typeof transformSync>): ModuleSites {
  return (result!.metadata as unknown as { tsprof: ModuleSites }).tsprof;
}

/** input.ts compiled to JavaScript (types and overloads removed: lines move) with its source map. */
function compiledTypescript() {
  const result = transformSync(tsSource, { ...base, filename: tsFile, presets: [require.resolve("@babel/preset-typescript")], sourceMaps: true });
  return { code: result!.code!, map: result!.map! };
}

/**
 * What the source map can and cannot give back. Two sites differ from the direct table, by nature:
 * the enum became a function `(function (Color) { … })(Color || …)` in the compiled file (a real
 * function there, mapped into the enum's line), and the arrows `<T,>(value: T): T => value` and
 * `((n: number) => n + 1)` compiled to `value => value` and `n => n + 1`, whose starts map to their
 * parameters, not to `<T,>` or `(`.
 */
function expectedFromMap(sites: ModuleSites["sites"]): ModuleSites["sites"] {
  const parameterColumn: Record<string, number> = { identity: 23, typed: 17 };
  const expected = sites.map((site) => (site[0] in parameterColumn ? ([site[0], site[1], site[2], parameterColumn[site[0]], site[4]] as typeof site) : site));
  const enumAt = expected.findIndex((site) => site[0] === "identity");
  expected.splice(enumAt, 0, ["(anonymous)", "", 28, 11, 0]);
  return expected;
}

const direct = sitesOf(transformSync(tsSource, { ...base, filename: tsFile, presets: [require.resolve("@babel/preset-typescript")], plugins: [[tsprofPlugin, {}]] }));

test("TypeScript through preset-typescript: positions of the .ts source", () => {
  assert.equal(direct.file, "input.ts");
  // function overloaded(x: number | string) … is on line 7 of input.ts; Square's constructor on line 20, column 3.
  assert.deepEqual(direct.sites[0], ["overloaded", "", 7, 1, 0]);
  assert.deepEqual(direct.sites.find((site) => site[1] === "Square.constructor"), ["Square", "Square.constructor", 20, 3, 0]);
});

test("compiled JavaScript with an input source map: the same sites, file and positions as the .ts source", () => {
  const { code, map } = compiledTypescript();
  const jsFile = join(caseDir, "build", "input.js");
  const withoutMap = sitesOf(transformSync(code, { ...base, filename: jsFile, inputSourceMap: false as never, plugins: [[tsprofPlugin, {}]] }));
  assert.equal(withoutMap.file, "build/input.js");
  assert.notDeepEqual(withoutMap.sites, direct.sites, "the compiled file's own positions differ (the test would prove nothing)");
  // The map's source "input.ts" is relative to the compiled file's directory: point it back at the fixture.
  const inputSourceMap = { ...map, sources: ["../input.ts"] };
  const mapped = sitesOf(transformSync(code, { ...base, filename: jsFile, inputSourceMap, plugins: [[tsprofPlugin, {}]] }));
  assert.deepEqual(mapped, { file: direct.file, sites: expectedFromMap(direct.sites) });
});

test("an inline sourceMappingURL comment is followed too", () => {
  const { code, map } = compiledTypescript();
  const jsFile = join(caseDir, "input.js");
  const comment = `//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString("base64")}`;
  const mapped = sitesOf(transformSync(`${code}\n${comment}\n`, { ...base, filename: jsFile, plugins: [[tsprofPlugin, {}]] }));
  assert.deepEqual(mapped, { file: direct.file, sites: expectedFromMap(direct.sites) });
});

test("plugins listed before tsprof do not change its site table or its probes' places", () => {
  const jsFile = join(repoRoot, "fixtures", "transform", "expressions-and-arrows", "input.js");
  const source = readFileSync(jsFile, "utf8");
  const others: PluginItem[] = [
    require.resolve("@babel/plugin-transform-arrow-functions"),
    require.resolve("@babel/plugin-transform-function-name"),
    require.resolve("@babel/plugin-transform-parameters"),
    require.resolve("@babel/plugin-transform-destructuring"),
  ];
  const alone = transformSync(source, { ...base, cwd: join(jsFile, ".."), filename: jsFile, plugins: [[tsprofPlugin, {}]] });
  const after = transformSync(source, { ...base, cwd: join(jsFile, ".."), filename: jsFile, plugins: [...others, [tsprofPlugin, {}]] });
  const before = transformSync(source, { ...base, cwd: join(jsFile, ".."), filename: jsFile, plugins: [[tsprofPlugin, {}], ...others] });
  assert.deepEqual(sitesOf(after), sitesOf(alone));
  assert.deepEqual(sitesOf(before), sitesOf(alone));
  assert.equal(after!.code, before!.code);
});

test("a map with several sources (tsc outFile): each site names the file and the line the map gives it", () => {
  // `tsc --outFile dist/all.js --sourceMap` of src/a.ts (`function aa` and an arrow) and src/b.ts
  // (`function bb` and an arrow, then a call), with one function appended that the map knows nothing of.
  const code = [
    "function aa(n) {",
    "    return [n].map((x) => x + 1)[0];",
    "}",
    "function bb() {",
    "    return [aa(1)].map((x) => x * 2)[0];",
    "}",
    "console.log(bb());",
    "function unmapped() {}",
  ].join("\n");
  const inputSourceMap = {
    version: 3,
    file: "all.js",
    sourceRoot: "",
    sources: ["../src/a.ts", "../src/b.ts"],
    names: [],
    mappings:
      "AAAA,SAAS,EAAE,CAAC,CAAS;IACnB,OAAO,CAAC,CAAC,CAAC,CAAC,GAAG,CAAC,CAAC,CAAC,EAAE,EAAE,CAAC,CAAC,GAAG,CAAC,CAAC,CAAC,CAAC,CAAC,CAAC;AAClC,CAAC;ACFD,SAAS,EAAE;IACT,OAAO,CAAC,EAAE,CAAC,CAAC,CAAC,CAAC,CAAC,GAAG,CAAC,CAAC,CAAC,EAAE,EAAE,CAAC,CAAC,GAAG,CAAC,CAAC,CAAC,CAAC,CAAC,CAAC;AACtC,CAAC;AACD,OAAO,CAAC,GAAG,CAAC,EAAE,EAAE,CAAC,CAAC",
  };
  const result = transformSync(code, { ...base, filename: join(caseDir, "dist", "all.js"), inputSourceMap, plugins: [[tsprofPlugin, { runtime: "global" }]] });
  // bb is on line 4 of dist/all.js and line 1 of src/b.ts: never dist/all.js:1 (the generated file with the original's line).
  assert.deepEqual(sitesOf(result), {
    file: "dist/all.js",
    sites: [
      ["aa", "", 1, 1, 0, "src/a.ts"],
      ["(anonymous)", "", 2, 18, 0, "src/a.ts"],
      ["bb", "", 1, 1, 0, "src/b.ts"],
      ["(anonymous)", "", 2, 22, 0, "src/b.ts"],
      ["unmapped", "", 8, 1, 0],
    ],
  });
  assert.match(result!.code!, /\.module\("dist\/all\.js", \[\["aa", "", 1, 1, 0, "src\/a\.ts"\]/, "the embedded table is the reported one");
});

test("`tsprof ignore next` works with the parser's attachComment off (comments found by position, not on nodes)", () => {
  const dir = join(repoRoot, "fixtures", "transform", "ignore-comments");
  const filename = join(dir, "input.js");
  const source = readFileSync(filename, "utf8");
  const expected = JSON.parse(readFileSync(join(dir, "sites.json"), "utf8")) as ModuleSites;
  for (const parserOpts of [{}, { attachComment: false }]) {
    const result = transformSync(source, { ...base, cwd: dir, filename, parserOpts, plugins: [[tsprofPlugin, {}]] });
    assert.deepEqual(sitesOf(result).sites, expected.sites, JSON.stringify(parserOpts));
  }
  // Other comments between the ignore comment and the code it skips do not break the link.
  const between = "/* tsprof ignore next */\n// a note\n/* another */ function skipped() {}\nfunction kept() {}\n";
  const result = transformSync(between, { ...base, filename, parserOpts: { attachComment: false }, plugins: [[tsprofPlugin, {}]] });
  assert.deepEqual(sitesOf(result).sites.map((site) => site[0]), ["kept"]);
});

test("an indexed (sections) input map in a sourceMappingURL comment is read (it failed the file; plain Babel compiles it)", () => {
  const indexed = { version: 3, sections: [{ offset: { line: 0, column: 0 }, map: { version: 3, sources: ["a.ts"], names: [], mappings: "AAAA" } }] };
  const comment = `//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(indexed)).toString("base64")}\n`;
  const source = "function f() { return 1; }\nconsole.log(f());\n" + comment;
  const result = transformSync(source, { ...base, filename: join(caseDir, "dist", "m.js"), plugins: [[tsprofPlugin, { onError: "throw" }]] });
  assert.deepEqual(sitesOf(result), { file: "dist/a.ts", sites: [["f", "", 1, 1, 0]] });
});

/** A source map's `mappings` for one generated line: segments [column, source, line, column, name?], absolute. */
function oneLineMappings(segments: number[][]): string {
  const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const vlq = (value: number) => {
    let rest = value < 0 ? (-value << 1) | 1 : value << 1;
    let out = "";
    do {
      let digit = rest & 31;
      rest >>>= 5;
      if (rest) digit |= 32;
      out += digits[digit];
    } while (rest);
    return out;
  };
  const previous = [0, 0, 0, 0, 0];
  return segments
    .map((segment) => segment.map((value, index) => vlq(value - previous[index])).join("") + (segment.forEach((value, index) => (previous[index] = value)), ""))
    .join(",");
}

test("minified input with a source map: functions and classes take the original names the map gives (the lines were right, the names the minifier's)", () => {
  // As esbuild --minify writes `function fib`, `const square = …` and `export class Store { add() {} }`.
  const code = "function n(e){return e}var s=e=>e*e;var r=class e{add(t){return this}};var q=function(){};\n";
  const at = (text: string) => code.indexOf(text);
  const names = ["fib", "square", "Store", "_Store", "not.an.identifier"];
  const mappings = oneLineMappings([
    [0, 0, 0, 0],
    [at("n(e)"), 0, 0, 9, 0],
    [at("s=e"), 0, 1, 13, 1],
    [at("e=>"), 0, 1, 22],
    [at("r=class"), 0, 2, 13, 2],
    [at("e{add"), 0, 2, 13, 3],
    [at("add("), 0, 3, 2],
    [at("q=function"), 0, 4, 6, 4],
    [at("function(){}"), 0, 4, 10],
  ]);
  const inputSourceMap = { version: 3, file: "app.js", sources: ["../src/app.ts"], names, mappings };
  const result = transformSync(code, { ...base, filename: join(caseDir, "dist", "app.js"), inputSourceMap, plugins: [[tsprofPlugin, {}]] });
  assert.deepEqual(sitesOf(result), {
    file: "src/app.ts",
    sites: [
      ["fib", "", 1, 1, 0],
      ["square", "", 2, 23, 0],
      ["add", "Store.add", 4, 3, 0],
      // A name that is not an identifier is not taken for one: the generated file's own.
      ["q", "", 5, 11, 0],
    ],
  });
});

/**
 * What babel-plugin-idx does with the arrow passed to `idx`, in the same place (its Program visitor, in the
 * traversal that runs this plugin's Program.enter): it requires a concise body and compiles the call away.
 */
const idxLikePlugin: PluginItem = () => ({
  visitor: {
    Program(path: import("@babel/core").NodePath) {
      path.traverse({
        CallExpression(call) {
          if (!t.isIdentifier(call.node.callee, { name: "idx" })) return;
          const arrow = call.node.arguments[1];
          if (!t.isArrowFunctionExpression(arrow) || t.isBlockStatement(arrow.body)) {
            throw call.buildCodeFrameError("The body of the arrow function supplied to `idx` must be a single expression (without curly braces).");
          }
          call.replaceWith(t.identifier("compiledAway"));
        },
      });
    },
  },
});

test("the arrow passed to idx keeps its concise body and gets no site (babel-plugin-idx after tsprof failed the build)", () => {
  const filename = join(caseDir, "idx.js");
  for (const source of [
    'const idx = require("idx");\nfunction friendName(props) { return idx(props, (_) => _.user.friends[0].name); }\n',
    'import idx from "idx";\nexport function friendName(props) { return idx(props, (_) => _.user.name); }\n',
  ]) {
    const alone = transformSync(source, { ...base, sourceType: "unambiguous", filename, plugins: [[tsprofPlugin, {}]] });
    assert.deepEqual(sitesOf(alone).sites, [["friendName", "", 2, source.startsWith("import") ? 8 : 1, 0]]);
    assert.match(alone!.code!, /idx\(props, _ => _\.user\./);
    for (const plugins of [[[tsprofPlugin, {}], idxLikePlugin], [idxLikePlugin, [tsprofPlugin, {}]]]) {
      const result = transformSync(source, { ...base, sourceType: "unambiguous", filename, plugins });
      assert.deepEqual(sitesOf(result).sites, sitesOf(alone).sites);
    }
  }
  // A function of the user's own that happens to be called idx is still instrumented.
  const own = transformSync("function idx(o, f) { return f(o); }\nidx(1, (x) => x);\n", { ...base, filename, plugins: [[tsprofPlugin, {}]] });
  assert.deepEqual(sitesOf(own).sites.map((site) => site[0]), ["idx", "(anonymous)"]);
});
