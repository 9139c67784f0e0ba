// `tsprof run`'s --include globs and the hint it prints when nothing was instrumented: each glob it suggests works.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { tsprof, scratchProject, callsByName } from "./helpers/cli";

/** A project with package `greeter` in node_modules, its bin linked as node_modules/.bin/greet, and an empty folder `sub`. */
function greeterProject(): string {
  const work = scratchProject({
    "node_modules/greeter/package.json": JSON.stringify({ name: "greeter", version: "1.0.0", bin: { greet: "bin/greet.js" } }),
    "node_modules/greeter/bin/greet.js": "#!/usr/bin/env node\nfunction greet(name) { return 'hello ' + name; }\nconsole.log(greet(process.argv[2]));\n",
  }, "include");
  mkdirSync(join(work, "node_modules", ".bin"));
  symlinkSync(join("..", "greeter", "bin", "greet.js"), join(work, "node_modules", ".bin", "greet"));
  mkdirSync(join(work, "sub"));
  return work;
}

test("a script given by its node_modules/.bin link: the hint names the package's folder, and that glob instruments it", () => {
  const work = greeterProject();
  const out = join(work, "p.tsprof.json");
  const plain = tsprof(["run", "-o", out, "node_modules/.bin/greet", "world"], { cwd: work });
  assert.equal(plain.stdout, "hello world\n");
  assert.equal(plain.stderr, "tsprof: nothing was instrumented: node_modules/greeter/bin/greet.js is under node_modules, which is instrumented only with --include 'node_modules/greeter/**'\n");
  const included = tsprof(["run", "-o", out, "--include", "node_modules/greeter/**", "node_modules/.bin/greet", "world"], { cwd: work });
  assert.equal(included.stdout, "hello world\n");
  assert.equal(included.stderr, "");
  assert.deepEqual(callsByName(out), { greet: 1 });
});

test("globs climbing out of the working directory (../) name the files there; a bin in a parent's node_modules gets such a glob", () => {
  const work = scratchProject({ "lib/main.js": "function main() { return 2; }\nconsole.log(main());\n", "app/.keep": "" }, "include");
  const cwd = join(work, "app");
  const out = join(work, "p.tsprof.json");
  for (const glob of ["../lib/**", "./../lib/main.js"]) {
    const result = tsprof(["run", "-o", out, "--include", glob, "../lib/main.js"], { cwd });
    assert.equal(result.stderr, "", glob);
    assert.deepEqual(callsByName(out), { main: 1 }, glob);
  }
  const excluded = tsprof(["run", "-o", out, "--exclude", "../lib/**", "../lib/main.js"], { cwd });
  assert.equal(excluded.stderr, "tsprof: nothing was instrumented: ../lib/main.js is excluded by --exclude '../lib/**'\n");
  assert.deepEqual(callsByName(out), {});

  const project = greeterProject();
  const sub = join(project, "sub");
  const hinted = tsprof(["run", "-o", out, "-m", "greet", "world"], { cwd: sub });
  assert.equal(hinted.stdout, "hello world\n");
  assert.equal(hinted.stderr, "tsprof: nothing was instrumented: ../node_modules/greeter/bin/greet.js is under node_modules, which is instrumented only with --include '../node_modules/greeter/**'\n");
  const included = tsprof(["run", "-o", out, "--include", "../node_modules/greeter/**", "-m", "greet", "world"], { cwd: sub });
  assert.equal(included.stderr, "");
  assert.deepEqual(callsByName(out), { greet: 1 });
});
