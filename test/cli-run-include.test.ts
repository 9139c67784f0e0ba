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

/**
 * An app whose node_modules/mylib is a link to ../../mylib, outside the working directory (npm link), with a bin
 * node_modules/.bin/mylib; and a second app whose whole node_modules is a link to a folder beside it.
 */
function linkedOutsideProject(): { app: string; shared: string } {
  const work = scratchProject({
    "mylib/package.json": JSON.stringify({ name: "mylib", version: "1.0.0", main: "index.js", bin: { mylib: "bin/cli.js" } }),
    "mylib/index.js": "module.exports = function libf() { return 42; };\n",
    "mylib/bin/cli.js": '#!/usr/bin/env node\nfunction cli() { return require("..")(); }\nconsole.log(cli());\n',
    "app/app.cjs": "const f = require('mylib');\nfunction main() { return f(); }\nconsole.log(main());\n",
    "modules/dep/package.json": JSON.stringify({ name: "dep", version: "1.0.0", main: "index.js" }),
    "modules/dep/index.js": "module.exports = function depf() { return 7; };\n",
    "shared/app.cjs": "const f = require('dep');\nfunction main() { return f(); }\nconsole.log(main());\n",
  }, "include");
  mkdirSync(join(work, "app", "node_modules", ".bin"), { recursive: true });
  symlinkSync(join("..", "..", "mylib"), join(work, "app", "node_modules", "mylib"));
  symlinkSync(join("..", "mylib", "bin", "cli.js"), join(work, "app", "node_modules", ".bin", "mylib"));
  symlinkSync(join("..", "modules"), join(work, "shared", "node_modules"));
  return { app: join(work, "app"), shared: join(work, "shared") };
}

test("a glob through a link to a folder outside the working directory (npm link, a linked node_modules) names the files there, in --include, --exclude and with -m", () => {
  const { app, shared } = linkedOutsideProject();
  const out = join(app, "..", "p.tsprof.json");
  const runs: Array<[string, string[], Record<string, number>]> = [
    [app, ["--include", "node_modules/mylib/**", "--include", "app.cjs", "app.cjs"], { main: 1, libf: 1 }],
    // As the glob of the link's target does.
    [app, ["--include", "../mylib/**", "--include", "app.cjs", "app.cjs"], { main: 1, libf: 1 }],
    [app, ["--include", "node_modules/mylib/index.js", "app.cjs"], { libf: 1 }],
    [app, ["--exclude", "node_modules/mylib/**", "app.cjs"], { main: 1 }],
    [app, ["--include", "node_modules/mylib/**", "-m", "mylib"], { cli: 1, libf: 1 }],
    [shared, ["--include", "node_modules/**", "--include", "app.cjs", "app.cjs"], { main: 1, depf: 1 }],
    [shared, ["--include", "node_modules/dep", "app.cjs"], { depf: 1 }],
    // A glob without a link in its folder part still names only files below the working directory.
    [app, ["--include", "**/*.js", "--include", "app.cjs", "app.cjs"], { main: 1 }],
  ];
  for (const [cwd, flags, calls] of runs) {
    const result = tsprof(["run", "-o", out, ...flags], { cwd });
    assert.equal(result.stdout, cwd === shared ? "7\n" : "42\n", flags.join(" "));
    assert.equal(result.stderr, "", flags.join(" "));
    assert.deepEqual(callsByName(out), calls, flags.join(" "));
  }
  // The program itself excluded through the link: nothing instrumented, and the line that says why.
  const excluded = tsprof(["run", "-o", out, "--exclude", "node_modules/mylib/**", "-m", "mylib"], { cwd: app });
  assert.equal(excluded.stdout, "42\n");
  assert.equal(excluded.stderr, "tsprof: nothing was instrumented: node_modules/.bin/mylib is excluded by --exclude 'node_modules/mylib/**'\n");
  assert.deepEqual(callsByName(out), {});
});
