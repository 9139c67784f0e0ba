// End-to-end tests of test runners under `tsprof run`: Node's own (`--node-option=--test`, with no file or a
// directory, and its coverage, which cannot be right under instrumentation), and the lines that say what works
// for the runners whose tests run out of tsprof run's reach (Vitest; mocha given node options).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { node, profiledRun as profiled, scratchProject, tsprofBin } from "./helpers/cli";

// This file runs under node --test, which tells its children that they report to it (NODE_TEST_CONTEXT): a
// `node --test` started here would then send its results to this process instead of printing them.
delete process.env.NODE_TEST_CONTEXT;

const project = (files: Record<string, string>) => scratchProject(files, "runners");

/** The `# pass N` and `# fail N` lines of a node:test TAP report. */
const counts = (stdout: string): string[] => stdout.split("\n").filter((line) => /^# (pass|fail) /.test(line));

const suite = {
  "test/math.test.js": 'const test = require("node:test");\nfunction add(a, b) { return a + b; }\ntest("adds", () => { if (add(1, 2) !== 3) throw new Error("bad"); });\n',
  "test/str.test.js": 'const test = require("node:test");\nfunction shout(s) { return s.toUpperCase(); }\ntest("shouts", () => { shout("a"); shout("b"); });\n',
};

test("--node-option=--test with no file or a directory: Node's runner finds the test files, run with the hook, as plain node --test", { timeout: 180_000 }, () => {
  const cwd = project(suite);
  for (const where of [[], ["test"], ["test/"]]) {
    const plain = node(["--test", ...where], { cwd });
    const result = profiled(cwd, ["--node-option=--test", ...where]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(plain.status, 0, plain.stderr);
    assert.deepEqual(counts(result.stdout), counts(plain.stdout));
    assert.deepEqual(counts(result.stdout), ["# pass 2", "# fail 0"]);
    assert.equal(result.stderr, "");
    assert.equal(result.calls?.add, 1);
    assert.equal(result.calls?.shout, 2);
  }
  // A failing test fails the run as it fails node --test, and the profile is still written.
  const failing = project({ ...suite, "test/fail.test.js": 'require("node:test")("fails", () => { throw new Error("no"); });\n' });
  const plain = node(["--test"], { cwd: failing });
  const result = profiled(failing, ["--node-option=--test"]);
  assert.equal(result.status, plain.status);
  assert.equal(result.status, 1);
  assert.deepEqual(counts(result.stdout), ["# pass 2", "# fail 1"]);
  assert.equal(result.calls?.shout, 2);
  // Without --test, no script is still a usage error, and a directory with no index.js still cannot be run.
  assert.match(profiled(cwd, []).stderr, /^tsprof: no script to run\n/);
  assert.match(profiled(cwd, ["test"]).stderr, /^tsprof: can't open file 'test': a directory with no index\.js/);
});

test("--experimental-test-coverage under tsprof run: one line saying coverage and the profile take two runs, exit 2, nothing run", { timeout: 120_000 }, () => {
  const cwd = project({
    "part.js": "function used(x) {\n  return x + 1;\n}\nfunction unused(x) {\n  if (x > 1) {\n    return x * 2;\n  }\n  return 0;\n}\nmodule.exports = { used, unused };\n",
    "part.test.js": 'const { used } = require("./part.js");\nrequire("node:test")("t", () => { used(1); });\nconsole.log("ran");\n',
  });
  const expected = /^tsprof: --experimental-test-coverage under tsprof run would measure the instrumented code, not yours .*run coverage without tsprof .*\n$/;
  for (const args of [
    [tsprofBin, "run", "--node-option=--test", "--node-option=--experimental-test-coverage", "-o", "p.tsprof.json", "part.test.js"],
    [tsprofBin, "run", "--node-option=--experimental-test-coverage", "-o", "p.tsprof.json", "part.test.js"],
    ["--experimental-test-coverage", tsprofBin, "run", "-o", "p.tsprof.json", "part.test.js"],
  ]) {
    const result = node(args, { cwd });
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, expected);
    assert.equal(result.stdout, "");
  }
  // Without it, the same tests run and are profiled.
  const result = profiled(cwd, ["--node-option=--test", "part.test.js"]);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.calls?.used, 1);
});

/** A project with a fake package `name` whose bin (node_modules/.bin/NAME) is `bin`, plus `files`. */
function withFakeBin(name: string, bin: string, files: Record<string, string>): string {
  const cwd = project({
    [`node_modules/${name}/package.json`]: JSON.stringify({ name, version: "1.0.0", bin: { [name]: "bin.js" } }),
    [`node_modules/${name}/bin.js`]: bin,
    ...files,
  });
  mkdirSync(join(cwd, "node_modules", ".bin"));
  symlinkSync(join("..", name, "bin.js"), join(cwd, "node_modules", ".bin", name));
  return cwd;
}

test("mocha given node options runs itself again without the hook: the line names the tsprof run that keeps them and profiles the tests", { timeout: 120_000 }, () => {
  // A fake mocha that, as mocha's bin/mocha.js does, re-spawns `node OPTIONS …/mocha/lib/cli/cli.js ARGS` when
  // given a node flag, and runs the spec in its own process otherwise.
  const cwd = withFakeBin(
    "mocha",
    '#!/usr/bin/env node\nconst path = require("path");\nconst cli = path.join(__dirname, "lib", "cli", "cli.js");\n' +
      'const args = process.argv.slice(2);\nconst flags = args.filter((a) => a === "--v8-expose-gc").map(() => "--expose-gc");\n' +
      'if (flags.length > 0) require("child_process").spawn(process.execPath, [...flags, cli, ...args.filter((a) => !a.startsWith("--"))], { stdio: "inherit" }).on("exit", (code) => { process.exitCode = code; });\n' +
      "else require(cli);\n",
    {
      "node_modules/mocha/lib/cli/cli.js": 'const path = require("path");\nfor (const spec of process.argv.slice(2).filter((a) => !a.startsWith("--"))) require(path.resolve(spec));\n',
      "spec.js": "function check() { return 1; }\nconsole.log('spec', check());\n",
    },
  );
  const respawned = profiled(cwd, ["-m", "mocha", "--v8-expose-gc", "spec.js"]);
  assert.equal(respawned.stdout, "spec 1\n");
  assert.equal(respawned.status, 0);
  assert.deepEqual(respawned.calls, {});
  assert.equal(
    respawned.stderr,
    "tsprof: nothing was instrumented: the program ran its code in a node process it started without tsprof's hook, which tsprof cannot see: " +
      "mocha runs itself again in a new node process when given node options; give them to tsprof run instead and take them out of mocha's " +
      "command line and .mocharc (tsprof run --node-option=--expose-gc -m mocha …)\n",
  );
  const fixed = profiled(cwd, ["--node-option=--expose-gc", "-m", "mocha", "spec.js"]);
  assert.equal(fixed.stdout, "spec 1\n");
  assert.equal(fixed.stderr, "");
  assert.deepEqual(fixed.calls, { check: 1 });
});

test("vitest: whether its tests ran in its own process (threads) or in forks without the hook, the line says what works", { timeout: 120_000 }, () => {
  const line =
    "tsprof: nothing was instrumented: Vitest compiles and loads test files itself, out of tsprof run's reach; instrument them " +
    "with a Vite plugin that runs Babel with @tsprof and use --pool=forks (tsprof run -m vitest run --config vitest.tsprof.config.mjs " +
    "--pool=forks; README: Test runners)\n";
  // Threads: the tests' code never passes the hooks (here, evaluated from a string, as Vite's module runner does);
  // before, the line named --include 'node_modules/vitest/**', which profiles only Vitest's internals.
  const threads = withFakeBin("vitest", '#!/usr/bin/env node\nnew Function(require("fs").readFileSync("t.test.js", "utf8"))();\n', {
    "t.test.js": "function t() { return 1; }\nconsole.log('test', t());\n",
  });
  const inThreads = profiled(threads, ["-m", "vitest", "run"]);
  assert.equal(inThreads.stdout, "test 1\n");
  assert.equal(inThreads.status, 0);
  assert.equal(inThreads.stderr, line);
  // Forks: a child started with options of its own, running vitest's worker entry.
  const forks = withFakeBin(
    "vitest",
    '#!/usr/bin/env node\nconst path = require("path");\nrequire("child_process").spawn(process.execPath, ["--conditions=node", path.join(__dirname, "dist", "workers", "forks.js")], { stdio: "inherit" });\n',
    {
      "node_modules/vitest/dist/workers/forks.js": 'require(require("path").resolve("t.test.js"));\n',
      "t.test.js": "function t() { return 1; }\nconsole.log('test', t());\n",
    },
  );
  const inForks = profiled(forks, ["-m", "vitest", "run"]);
  assert.equal(inForks.stdout, "test 1\n");
  assert.equal(inForks.status, 0);
  assert.equal(inForks.stderr, line);
});
