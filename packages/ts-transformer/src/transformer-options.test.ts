// Options from a ts-patch entry: ts-patch's keys set aside, tsprof's validated, the tsconfig's directory as the base.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { baseDirectory, misplacedEntryMessage, normalizeTransformerOptions, tsprofOptionsOf } from "./transformer-options";

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
