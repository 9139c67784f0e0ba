// withErrorPolicy: "throw" gives a Babel error with a code frame; "skip" restores the program and warns once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { transformSync, types as t, type PluginObj } from "@babel/core";
import type { ErrorPolicy } from "@tsprof/instrument";
import { withErrorPolicy } from "./error-policy";

const source = `"use strict";\nfunction f() {\n  return 1;\n}`;

/** A plugin that half-rewrites the program, then fails, under the given policy. */
function failingPlugin(policy: ErrorPolicy, warnings: string[]): () => PluginObj {
  return () => ({
    visitor: {
      Program(path) {
        withErrorPolicy(path, policy, "src/f.js", () => {
          path.node.body.unshift(t.expressionStatement(t.stringLiteral("half done")));
          path.node.directives = [];
          throw new Error("unexpected shape");
        }, (line) => warnings.push(line));
      },
    },
  });
}

function transformWith(policy: ErrorPolicy, warnings: string[]): string | null | undefined {
  return transformSync(source, { filename: "/project/src/f.js", babelrc: false, configFile: false, plugins: [failingPlugin(policy, warnings)] })?.code;
}

test('onError "skip" leaves the file exactly as it was and warns once', () => {
  const warnings: string[] = [];
  const unchanged = transformSync(source, { babelrc: false, configFile: false })?.code;
  assert.equal(transformWith("skip", warnings), unchanged);
  assert.deepEqual(warnings, ["tsprof: left src/f.js uninstrumented: unexpected shape"]);
});

test('onError "throw" raises a Babel error with the reason and a code frame', () => {
  const warnings: string[] = [];
  assert.throws(
    () => transformWith("throw", warnings),
    (error: Error) => {
      assert.match(error.message, /^\/project\/src\/f\.js: tsprof: could not instrument this file: unexpected shape\n/);
      // Babel colours its code frames where it detects a colour terminal or CI (CI=true): compare the text.
      assert.match(error.message.replace(/\x1b\[[0-9;]*m/g, ""), /> 1 \| "use strict";/);
      return true;
    },
  );
  assert.deepEqual(warnings, []);
});
