// The packages as `npm pack` publishes them: what each tarball holds, and whether what it holds can load and
// type-check where only the packages it declares are installed. npm's hoisting hides a dependency missing from
// package.json (the repository's node_modules has everything, and so does a plain npm install, most of the
// time); pnpm without hoisting and Yarn Plug'n'Play do not: `tsprof run` of a .ts file with `await` died there
// of "Cannot find module '@babel/parser'". `npm pack --dry-run` reads the file list offline and builds nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { dirname, join, posix } from "node:path";
import type * as ts from "typescript";
import { repoRoot } from "./helpers/cli";

const typescript = require("typescript") as typeof ts;
const acorn = require("acorn") as { parse(code: string, options: { ecmaVersion: "latest"; sourceType: "script" | "module"; allowHashBang: boolean; allowReturnOutsideFunction: boolean }): unknown };

interface Manifest {
  name: string;
  description?: string;
  license?: string;
  types?: string;
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

interface Packed {
  name: string;
  dir: string;
  manifest: Manifest;
  files: string[];
}

/** Every workspace package as `npm pack` would publish it: its folder, package.json and the paths in its tarball. */
function packedPackages(): Packed[] {
  const result = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts", "--offline", "--workspaces"], { cwd: repoRoot, encoding: "utf8", timeout: 120_000 });
  assert.equal(result.status, 0, result.stderr);
  const packs = JSON.parse(result.stdout) as { name: string; files: { path: string }[] }[];
  const workspaces = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { workspaces: string[] }).workspaces;
  return workspaces.map((workspace) => {
    const dir = join(repoRoot, workspace);
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
    const pack = packs.find((candidate) => candidate.name === manifest.name);
    assert.ok(pack, `npm pack listed no ${manifest.name}`);
    return { name: manifest.name, dir, manifest, files: pack.files.map((file) => file.path) };
  });
}

const packages = packedPackages();

/** The package a bare specifier names ("@babel/core/lib/x" → "@babel/core"), or undefined for a path or a builtin. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) return undefined;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
  return builtinModules.includes(name) ? undefined : name;
}

/** The string-literal specifiers of the require(), require.resolve(), import() calls and import/export declarations of a JavaScript file. */
function jsSpecifiers(code: string, module: boolean): string[] {
  const found: string[] = [];
  const literal = (node: unknown): string | undefined => {
    const value = (node as { type?: string; value?: unknown } | undefined)?.type === "Literal" ? (node as { value: unknown }).value : undefined;
    return typeof value === "string" ? value : undefined;
  };
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(visit);
    const n = node as Record<string, unknown> & { type?: string };
    let specifier: string | undefined;
    if (n.type === "CallExpression") {
      const callee = n.callee as { type: string; name?: string; object?: { type: string; name?: string }; property?: { name?: string } };
      const isRequire = callee.type === "Identifier" && callee.name === "require";
      const isResolve = callee.type === "MemberExpression" && callee.object?.type === "Identifier" && callee.object.name === "require" && callee.property?.name === "resolve";
      if (isRequire || isResolve) specifier = literal((n.arguments as unknown[])[0]);
    } else if (n.type === "ImportExpression" || n.type === "ImportDeclaration" || n.type === "ExportNamedDeclaration" || n.type === "ExportAllDeclaration") {
      specifier = literal(n.source);
    }
    if (specifier !== undefined) found.push(specifier);
    for (const key of Object.keys(n)) if (key !== "type") visit(n[key]);
  };
  visit(acorn.parse(code, { ecmaVersion: "latest", sourceType: module ? "module" : "script", allowHashBang: true, allowReturnOutsideFunction: true }));
  return found;
}

/** What a package may load: its dependencies and peers (an optional peer is loaded only when installed, behind a check). */
function declared(manifest: Manifest): Set<string> {
  return new Set([manifest.name, ...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
}

test("every package a published JavaScript file loads is one its package.json declares", () => {
  const undeclared: string[] = [];
  for (const pkg of packages) {
    const allowed = declared(pkg.manifest);
    for (const file of pkg.files.filter((path) => /\.(c|m)?js$/.test(path))) {
      const code = readFileSync(join(pkg.dir, file), "utf8");
      for (const specifier of jsSpecifiers(code, file.endsWith(".mjs"))) {
        const name = packageOf(specifier);
        if (name !== undefined && !allowed.has(name)) undeclared.push(`${pkg.name}: ${file} loads ${specifier}`);
      }
    }
  }
  assert.deepEqual(undeclared, []);
});

/** Whether the installed package `name`, as `pkg` finds it, comes with its own type declarations. */
function shipsTypes(pkg: Packed, name: string): boolean {
  const manifestPath = createRequire(join(pkg.dir, "package.json")).resolve(`${name}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { types?: string; typings?: string; exports?: unknown };
  return manifest.types !== undefined || manifest.typings !== undefined || JSON.stringify(manifest.exports ?? null).includes('"types"') || existsSync(join(dirname(manifestPath), "index.d.ts"));
}

/** The .d.ts files a user's compiler reads: those the package's `types` and `exports` name, and those they import, relative to them. */
function publishedDeclarations(pkg: Packed): string[] {
  const entries = [pkg.manifest.types, ...Object.values(pkg.manifest.exports ?? {}).map((target) => (target as { types?: string }).types)];
  const pending = entries.filter((entry): entry is string => entry !== undefined).map((entry) => posix.normalize(entry));
  const seen = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const info = typescript.preProcessFile(readFileSync(join(pkg.dir, file), "utf8"), true, true);
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith(".")) continue;
      const base = posix.join(posix.dirname(file), fileName).replace(/\.(c|m)?js$/, "");
      const candidate = [`${base}.d.ts`, `${base}.d.mts`, `${base}.d.cts`, `${base}/index.d.ts`].find((path) => pkg.files.includes(path));
      if (candidate !== undefined) pending.push(candidate);
    }
  }
  return [...seen];
}

test("the published type declarations import only packages that are declared and come with types (no TS7016 for a user without skipLibCheck)", () => {
  const problems: string[] = [];
  for (const pkg of packages) {
    const allowed = declared(pkg.manifest);
    for (const file of publishedDeclarations(pkg)) {
      assert.ok(pkg.files.includes(file), `${pkg.name}: ${file} is named by package.json but not published`);
      const info = typescript.preProcessFile(readFileSync(join(pkg.dir, file), "utf8"), true, true);
      for (const specifier of [...info.importedFiles, ...info.typeReferenceDirectives].map((reference) => reference.fileName)) {
        const name = packageOf(specifier);
        if (name === undefined || name === "node") continue;
        const typesPackage = `@types/${name.replace(/^@/, "").replace("/", "__")}`;
        if (!allowed.has(name)) problems.push(`${pkg.name}: ${file} imports ${specifier}, not a dependency`);
        else if (!shipsTypes(pkg, name) && !allowed.has(typesPackage)) problems.push(`${pkg.name}: ${file} imports ${specifier}, which has no types of its own (and ${typesPackage} is no dependency)`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test("each tarball has a README, a LICENSE, a description, and neither tsc's build info nor source maps of sources it leaves out", () => {
  const problems: string[] = [];
  for (const pkg of packages) {
    if (!pkg.files.includes("README.md")) problems.push(`${pkg.name}: no README.md`);
    if (!pkg.files.includes("LICENSE")) problems.push(`${pkg.name}: no LICENSE`);
    else if (pkg.manifest.license === "MIT" && !readFileSync(join(pkg.dir, "LICENSE"), "utf8").startsWith("MIT License")) problems.push(`${pkg.name}: LICENSE is not the MIT license package.json names`);
    if (!pkg.manifest.description) problems.push(`${pkg.name}: no description`);
    for (const file of pkg.files) {
      if (file.endsWith(".tsbuildinfo")) problems.push(`${pkg.name}: ${file}`);
      if (!file.endsWith(".map")) continue;
      const map = JSON.parse(readFileSync(join(pkg.dir, file), "utf8")) as { sources: string[]; sourceRoot?: string };
      for (const source of map.sources) {
        const shipped = posix.normalize(posix.join(posix.dirname(file), map.sourceRoot ?? "", source));
        if (!pkg.files.includes(shipped)) problems.push(`${pkg.name}: ${file} maps to ${shipped}, not published`);
      }
    }
  }
  assert.deepEqual(problems, []);
});
