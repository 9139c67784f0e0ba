// `tsprof run` compiling on the fly: the compile's time is not the program's, what Babel's TypeScript support refuses, and a main script that does not compile.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { tsprof, scratchProject } from "./helpers/cli";

test("a module compiled on a cold cache: the hook excludes the compile's time from the calls open during it", () => {
  // The program watches the recording session: the time the CommonJS hook spends on a file while it records
  // (telling its format, compiling it) is handed to excludeTime() (how many seconds is the clock's business,
  // not the test's).
  const work = scratchProject({
    "main.js": [
      "const owner = globalThis[Symbol.for('tsprof.recorder')].owner;",
      "const seen = [];",
      "const exclude = owner.excludeTime;",
      "owner.excludeTime = function (seconds) { seen.push(seconds); return exclude.call(this, seconds); };",
      "function load() { return require('./lib.js'); }",
      "load().f();",
      "console.log(seen.length > 0, seen.every((seconds) => seconds > 0));",
      "",
    ].join("\n"),
    "lib.js": "exports.f = function f() { return 1; };\n",
  }, "compile");
  const result = tsprof(["run", "-o", join(work, "p.tsprof.json"), "main.js"], { cwd: work, env: { TSPROF_CACHE: "0", TSPROF_CLOCK: "hrtime" } });
  assert.equal(result.stderr, "");
  assert.equal(result.stdout, "true true\n", "lib.js compiled inside load(): its format told and its compile, off the clock");
});

test("a main script Babel parses but refuses to compile: its error, exit 1 and no table, as for a syntax error; a module it loads that fails still gets the table", () => {
  const work = scratchProject({
    "refused.mts": 'import fs = require("fs");\nconsole.log(typeof fs.readFileSync);\n',
    "main.js": "function main() { require('./refused.mts'); }\nmain();\n",
  }, "compile");
  const refused = "`import fs = require(...);` is only supported when compiling modules to CommonJS.";
  const main = tsprof(["run", "refused.mts"], { cwd: work });
  assert.equal(main.status, 1);
  assert.equal(main.stdout, "", "no table: the program never ran");
  assert.equal(main.stderr.split("\n")[0], `${join(work, "refused.mts")}: Error: ${refused}`);
  const out = join(work, "p.tsprof.json");
  assert.equal(tsprof(["run", "-o", out, "refused.mts"], { cwd: work }).status, 1);
  assert.equal(existsSync(out), false, "no profile either");
  // As python -m cProfile: an error raised while the program runs (here, loading a module) ends it with its table.
  const loaded = tsprof(["run", "main.js"], { cwd: work });
  assert.equal(loaded.status, 1);
  assert.match(loaded.stdout, /1 function calls in/);
  assert.match(loaded.stderr, /refused\.mts: Error: `import fs = require/);
});

test("an ES module compiled on the hooks thread for an import(): its seconds are counted where the recording leaves them out of async wall times", () => {
  // The hooks thread compiles lib.mjs while main() awaits it; the count it keeps for the runtime (the session's
  // offClockSeconds) has grown by then (how much is the clock's business, not the test's).
  const work = scratchProject({
    "main.mjs": [
      "const counter = () => globalThis[Symbol.for('tsprof.recorder')].owner.options.offClockSeconds?.[0] ?? -1;",
      "async function main() {",
      "  const before = counter();",
      "  const lib = await import('./lib.mjs');",
      "  console.log(lib.f(), before >= 0, counter() > before);",
      "}",
      "main();",
      "",
    ].join("\n"),
    "lib.mjs": "export function f() { return 1; }\n",
  }, "compile");
  const out = join(work, "p.tsprof.json");
  const result = tsprof(["run", "-o", out, "main.mjs"], { cwd: work, env: { TSPROF_CACHE: "0", TSPROF_CLOCK: "hrtime" } });
  assert.equal(result.stderr, "");
  assert.equal(result.stdout, "1 true true\n");
});
