// Options from a ts-patch entry: ts-patch's keys set aside, tsprof's validated, the tsconfig's directory as the base.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type * as ts from "typescript";
import { baseDirectory, buildDirectory, misplacedEntryMessage, normalizeTransformerOptions, tsprofOptionsOf } from "./transformer-options";

test("ts-patch's entry keys are not tsprof options", () => {
  assert.deepEqual(tsprofOptionsOf({ transform: "@tsprof/ts-transformer", after: true, import: "x", exclude: ["a"] }), { exclude: ["a"] });
  assert.throws(() => normalizeTransformerOptions({ transform: "t", excludes: ["a"] }, "/p"), /^OptionsError: tsprof: unknown option "excludes"/);
});

test("root: relative to the tsconfig's directory, which is also the default", () => {
  const base = baseDirectory({ configFilePath: "/repo/app/tsconfig.json" }, undefined);
  assert.equal(base, "/repo/app");
  assert.equal(normalizeTransformerOptions({}, base).root, "/repo/app");
  assert.equal(normalizeTransformerOptions({ root: ".." }, base).root, "/repo");
  assert.equal(baseDirectory({}, undefined), process.cwd());
});

test("an entry of tsprof's with \"after\" or \"afterDeclarations\" is misplaced; other plugins' entries are not tsprof's business", () => {
  const base = process.cwd();
  const ownFolder = join(__dirname, "..");
  assert.match(misplacedEntryMessage({ plugins: [{ transform: "@tsprof/ts-transformer", after: true }] } as never, base) ?? "", /remove "after": true from its "plugins" entry$/);
  assert.match(misplacedEntryMessage({ plugins: [{ transform: ownFolder, afterDeclarations: true }] } as never, base) ?? "", /remove "afterDeclarations": true/);
  assert.equal(misplacedEntryMessage({ plugins: [{ transform: "@tsprof/ts-transformer", after: false }, { transform: "other-plugin", after: true }] } as never, base), undefined);
  assert.equal(misplacedEntryMessage({ plugins: [{ transform: "@tsprof/ts-transformer" }] } as never, base), undefined);
  assert.equal(misplacedEntryMessage({}, base), undefined);
});

test("a project of a `tsc -b` build: the build's folder (of several projects named, their common one); otherwise none", () => {
  const realTs = require("typescript") as typeof ts;
  const folders = new Set(["/repo", "/repo/packages/core", "/repo/packages/app"]);
  /** TypeScript as `tsc ...args` run in /repo sees it. */
  const tsc = (...args: string[]) => ({ ...realTs, sys: { ...realTs.sys, args, getCurrentDirectory: () => "/repo", directoryExists: (path: string) => folders.has(path) } }) as typeof ts;
  const core = { configFilePath: "/repo/packages/core/tsconfig.json", composite: true };
  const app = { configFilePath: "/repo/packages/app/tsconfig.json" };
  assert.equal(buildDirectory(tsc("-b"), core), "/repo");
  assert.equal(buildDirectory(tsc("--build", "--verbose", "packages/app"), core), "/repo/packages/app");
  assert.equal(buildDirectory(tsc("-b", "packages/app/tsconfig.json"), app), "/repo/packages/app");
  assert.equal(buildDirectory(tsc("-b", "packages/core", "packages/app/tsconfig.build.json"), core), "/repo/packages");
  // Not a build, or no tsconfig (transpileModule): the default root stays the tsconfig's folder, or the current one.
  assert.equal(buildDirectory(tsc("-p", "packages/core"), core), undefined);
  assert.equal(buildDirectory(tsc(), app), undefined);
  assert.equal(buildDirectory(tsc("-b"), { composite: true }), undefined);
  assert.equal(buildDirectory(tsc("-b"), undefined), undefined);
});
