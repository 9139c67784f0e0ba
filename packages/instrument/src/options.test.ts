// normalizeOptions: defaults, accepted shapes, and one clear line for every bad option.
import { test } from "node:test";
import assert from "node:assert/strict";
import { normalizeOptions, OptionsError } from "./options";

test("defaults: everything included, root = cwd, the runtime package, auto import style, throw on errors", () => {
  assert.deepEqual(normalizeOptions(undefined, "/work/app"), {
    include: [],
    exclude: [],
    root: "/work/app",
    runtime: "@tsprof/runtime/probe",
    importStyle: "auto",
    onError: "throw",
  });
});

test("strings become lists, root resolves against cwd", () => {
  const options = normalizeOptions({ include: "src/**", exclude: ["**/*.test.ts"], root: "packages/a", runtime: "global", importStyle: "require", onError: "skip" }, "/work/app");
  assert.deepEqual(options, {
    include: ["src/**"],
    exclude: ["**/*.test.ts"],
    root: "/work/app/packages/a",
    runtime: "global",
    importStyle: "require",
    onError: "skip",
  });
});

const bad: [unknown, string][] = [
  [{ inclde: "src/**" }, 'tsprof: unknown option "inclde" (known options: include, exclude, root, runtime, importStyle, onError)'],
  [{ include: 5 }, 'tsprof: option "include" must be a glob string or an array of glob strings, got number 5'],
  [{ exclude: ["ok", 3] }, 'tsprof: option "exclude" must be a glob string or an array of glob strings, got an array with a non-string or empty item'],
  [{ include: "" }, 'tsprof: option "include" must be a glob string or an array of glob strings, got ""'],
  [{ importStyle: "esm" }, 'tsprof: option "importStyle" must be one of "auto", "import", "require", "global", got "esm"'],
  [{ onError: true }, 'tsprof: option "onError" must be one of "throw", "skip", got boolean true'],
  [{ runtime: "" }, 'tsprof: option "runtime" must be a non-empty string, got ""'],
  [{ root: null }, 'tsprof: option "root" must be a non-empty string, got null'],
  ["src/**", 'tsprof: options must be an object, got "src/**"'],
  [["a"], "tsprof: options must be an object, got an array with a non-string or empty item"],
];

for (const [raw, message] of bad) {
  test(`rejects ${JSON.stringify(raw)} with one line`, () => {
    assert.throws(() => normalizeOptions(raw, "/work/app"), (error: Error) => error instanceof OptionsError && error.message === message);
  });
}
