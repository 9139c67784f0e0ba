// End-to-end tests of Node's own options around `tsprof run`: the user's --require preloads (NODE_OPTIONS and
// node's command line), --inspect, the permission model, and --node-option. Each program also runs under plain
// `node` with the same options, and what it prints and its exit status must be the same.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { callsByName, repoRoot, scratchProject, tsprofBin, type RunResult } from "./helpers/cli";

const project = (files: Record<string, string>) => scratchProject(files, "node-flags");

/** `node NODEARGS` in `cwd` with `env` added (NODE_OPTIONS among them), killed after 60 s so that a hang fails. */
function nodeWith(nodeArgs: string[], cwd: string, env: Record<string, string> = {}): RunResult {
  const result = spawnSync(process.execPath, nodeArgs, { cwd, env: { ...process.env, TSPROF_CLOCK: "tick", ...env }, encoding: "utf8", input: "", timeout: 60_000 });
  if (result.error) throw result.error;
  return { stdout: result.stdout, stderr: result.stderr, status: result.status, signal: result.signal };
}

/** The lines `log.txt` in `cwd` holds (sorted: threads and processes write in no fixed order), then removed. */
function takeLog(cwd: string): string[] {
  const path = join(cwd, "log.txt");
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, "utf8").split("\n").filter(Boolean);
  rmSync(path);
  return lines;
}

// A preload that logs where it runs: the script (a child is kid.js), main thread or worker, and its position
// among the preloads. Like an APM agent that skips tooling, it stays out of the tsprof command's own process
// (which runs the node options it was given: that is Node's doing, before any of tsprof's code).
const logger = (name: string) =>
  `if (!/[\\\\/]tsprof(\\.js)?$/.test(process.argv[1] || '')) require('fs').appendFileSync(${JSON.stringify("log.txt")}, ` +
  `${JSON.stringify(name)} + ' ' + require('path').basename(process.argv[1] || '') + ' ' + (require('worker_threads').isMainThread ? 'main' : 'worker') + '\\n');\n`;

const family = {
  "a.cjs": logger("a"),
  "b.cjs": logger("b"),
  "c.mjs": "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n" + logger("c"),
  // The main thread, a worker, a child spawned with the environment, and (with `fork`) a forked child.
  "main.js":
    "const { fork, spawnSync } = require('child_process');\n" +
    "const { Worker } = require('worker_threads');\n" +
    "function report() { console.log('NODE_OPTIONS', JSON.stringify(process.env.NODE_OPTIONS)); }\n" +
    "report();\n" +
    "spawnSync(process.execPath, [__dirname + '/kid.js'], { stdio: 'inherit' });\n" +
    "new Worker('1', { eval: true }).on('exit', () => { if (process.argv[2] === 'fork') fork(__dirname + '/kid.js'); });\n",
  "kid.js": "console.log('kid', JSON.stringify(process.env.NODE_OPTIONS));\n",
};

test("--require preloads in NODE_OPTIONS and on node's command line run where plain node runs them: in the program's threads and children, in order, never on the module hooks thread", { timeout: 120_000 }, () => {
  const cwd = project(family);
  const cases: { name: string; args: string[]; env: Record<string, string>; programArgs: string[] }[] = [
    { name: "NODE_OPTIONS", args: [], env: { NODE_OPTIONS: "-r ./a.cjs --require=./b.cjs" }, programArgs: [] },
    // fork() passes the command line's options on; --import modules run after every --require preload.
    { name: "command line", args: ["-r", "./a.cjs", "--require", "./b.cjs", "--import", "./c.mjs"], env: {}, programArgs: ["fork"] },
    { name: "both", args: ["--require=./b.cjs", "--import=./c.mjs"], env: { NODE_OPTIONS: "--require ./a.cjs" }, programArgs: [] },
  ];
  for (const { name, args, env, programArgs } of cases) {
    const plain = nodeWith([...args, "main.js", ...programArgs], cwd, env);
    const plainLog = takeLog(cwd);
    const profiled = nodeWith([...args, tsprofBin, "run", "-o", "p.tsprof.json", "main.js", ...programArgs], cwd, env);
    const profiledLog = takeLog(cwd);
    assert.equal(profiled.stdout, plain.stdout, `${name}: stdout (the program's NODE_OPTIONS and its child's)`);
    assert.equal(profiled.stderr, plain.stderr, `${name}: stderr`);
    assert.equal(profiled.status, plain.status, `${name}: exit status`);
    // The main thread's preloads in order, then (sorted) the worker's and the children's.
    const mainLines = (log: string[]) => log.filter((line) => line.endsWith(" main.js main"));
    assert.deepEqual(mainLines(profiledLog), mainLines(plainLog), `${name}: the main thread's preloads, in order`);
    assert.deepEqual([...profiledLog].sort(), [...plainLog].sort(), `${name}: where the preloads ran`);
    assert.ok(existsSync(join(cwd, "p.tsprof.json")), `${name}: a profile`);
  }
  // What plain node gives, so that the comparisons are of something.
  nodeWith(["-r", "./a.cjs", "--import", "./c.mjs", "main.js", "fork"], cwd);
  assert.deepEqual(takeLog(cwd).sort(), ["a  worker", "a kid.js main", "a main.js main", "c kid.js main", "c main.js main"]);
});

test("a preload that must not run twice, or off the main thread, lets the program run as under plain node", { timeout: 60_000 }, () => {
  const cwd = project({
    "agent.cjs":
      "if (globalThis.__agentLoaded) throw new Error('agent loaded twice');\nglobalThis.__agentLoaded = true;\n" +
      "const { isMainThread, threadId } = require('worker_threads');\n" +
      "if (!isMainThread) throw new Error('agent loaded in thread ' + threadId);\n",
    "m.js": "function f() { return 1; }\nconsole.log('main', f());\n",
  });
  const plain = nodeWith(["m.js"], cwd, { NODE_OPTIONS: "-r ./agent.cjs" });
  const profiled = nodeWith([tsprofBin, "run", "-o", "p.tsprof.json", "m.js"], cwd, { NODE_OPTIONS: "-r ./agent.cjs" });
  assert.deepEqual([profiled.stdout, profiled.stderr, profiled.status], [plain.stdout, plain.stderr, plain.status]);
  assert.deepEqual([plain.stdout, plain.status], ["main 1\n", 0]);
  assert.ok(existsSync(join(cwd, "p.tsprof.json")));
});

/** A TCP port free a moment ago on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

test("--inspect given to the node that runs tsprof, or in NODE_OPTIONS, opens the program's inspector, on that port", { timeout: 120_000 }, async () => {
  const cwd = project({ "insp.js": "console.log('inspector', require('inspector').url() !== undefined);\n" });
  for (const where of ["command line", "NODE_OPTIONS"]) {
    const flag = `--inspect=127.0.0.1:${await freePort()}`;
    const result = where === "command line" ? nodeWith([flag, tsprofBin, "run", "-o", "p.tsprof.json", "insp.js"], cwd) : nodeWith([tsprofBin, "run", "-o", "p.tsprof.json", "insp.js"], cwd, { NODE_OPTIONS: flag });
    assert.doesNotMatch(result.stderr, /address already in use/, where);
    assert.equal(result.stdout, "inspector true\n", where);
    assert.equal(result.status, 0, where);
  }
  // --node-option gives it to the program alone.
  const flag = `--inspect=127.0.0.1:${await freePort()}`;
  const result = nodeWith([tsprofBin, "run", `--node-option=${flag}`, "-o", "p.tsprof.json", "insp.js"], cwd);
  assert.equal(result.stdout, "inspector true\n");
  assert.equal(result.stderr.match(/Debugger listening/g)?.length, 1, result.stderr);
});

const permissionFlag = process.allowedNodeEnvironmentFlags.has("--permission") ? "--permission" : "--experimental-permission";

test("Node's permission model without --allow-worker: one line saying to add it, exit 2; with it the program runs", { timeout: 120_000 }, () => {
  const cwd = project({ "m.js": "function f() { return 1; }\nconsole.log('main', f());\n" });
  const allow = ["--allow-fs-read=*", "--allow-fs-write=*", "--allow-child-process"];
  const expected = /^tsprof: Node's permission model is on without --allow-worker: .*add --allow-worker$/m;
  for (const args of [
    [permissionFlag, ...allow, tsprofBin, "run", "-o", "p.tsprof.json", "m.js"],
    [tsprofBin, "run", `--node-option=${permissionFlag}`, "--node-option=--allow-fs-read=*", "-o", "p.tsprof.json", "m.js"],
  ]) {
    const result = nodeWith(args, cwd);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, expected);
    assert.doesNotMatch(result.stderr, /ERR_ACCESS_DENIED|\n\s+at /);
    assert.equal(result.stdout, "");
  }
  const result = nodeWith([permissionFlag, ...allow, "--allow-worker", tsprofBin, "run", "-o", "p.tsprof.json", "m.js"], cwd);
  assert.equal(result.stdout, "main 1\n");
  assert.equal(result.status, 0, result.stderr);
});

// Writes a file where the program was given no write access (the temp dir, which holds tsprof's own directory): refused.
const sandboxed = "function f() { return 1; }\nconsole.log('main', f());\n" +
  "try { require('fs').writeFileSync(require('path').join(require('os').tmpdir(), 'escaped.txt'), ''); console.log('wrote'); } catch (error) { console.log(error.code); }\n";

test("Node's permission model: the program writes its profile into tsprof's temporary directory without an --allow-fs-write for it, and nowhere else it was not given", { timeout: 120_000 }, () => {
  const cwd = project({ "m.js": sandboxed });
  const options = [permissionFlag, "--allow-worker", "--allow-fs-read=*", `--allow-fs-write=${cwd}`].map((option) => `--node-option=${option}`);
  const plain = nodeWith([permissionFlag, "--allow-fs-read=*", `--allow-fs-write=${cwd}`, "m.js"], cwd);
  assert.equal(plain.stdout, "main 1\nERR_ACCESS_DENIED\n");
  const saved = nodeWith([tsprofBin, "run", ...options, "-o", "p.tsprof.json", "m.js"], cwd);
  assert.equal(saved.stdout, plain.stdout);
  assert.equal(saved.status, 0, saved.stderr);
  assert.doesNotMatch(saved.stderr, /tsprof:/);
  assert.deepEqual(callsByName(join(cwd, "p.tsprof.json")), { f: 1 });
  const printed = nodeWith([tsprofBin, "run", ...options, "m.js"], cwd);
  assert.match(printed.stdout, /^main 1\nERR_ACCESS_DENIED\n[^]*m\.js:1\(f\)/);
  assert.equal(printed.status, 0, printed.stderr);
});

test("Node's permission model reading only the script and tsprof's own files: the program runs and is profiled, without the compile cache it may not look for", { timeout: 120_000 }, () => {
  // tsprof looked for node_modules beside the script to keep its compile cache there: Node's stack trace, no profile.
  const cwd = project({ "m.js": sandboxed });
  const options = [permissionFlag, "--allow-worker", `--allow-fs-read=${join(cwd, "m.js")}`, `--allow-fs-read=${repoRoot}`, `--allow-fs-write=${cwd}`];
  const plain = nodeWith([permissionFlag, ...options.slice(2), "m.js"], cwd);
  assert.equal(plain.stdout, "main 1\nERR_ACCESS_DENIED\n");
  const saved = nodeWith([tsprofBin, "run", ...options.map((option) => `--node-option=${option}`), "-o", "p.tsprof.json", "m.js"], cwd);
  assert.equal(saved.stdout, plain.stdout);
  assert.doesNotMatch(saved.stderr, /ERR_ACCESS_DENIED|\n\s+at |tsprof:/);
  assert.equal(saved.status, 0, saved.stderr);
  assert.deepEqual(callsByName(join(cwd, "p.tsprof.json")), { f: 1 });
});

test("Node's permission model on the node that runs tsprof: without --allow-child-process, or read or write access to the temp dir, one line saying what to add, exit 2", { timeout: 120_000 }, () => {
  const cwd = project({ "m.js": sandboxed });
  const temp = nodeWith(["-p", "require('os').tmpdir()"], cwd).stdout.trim();
  const cases: [string[], RegExp][] = [
    [["--allow-worker", "--allow-fs-read=*", `--allow-fs-write=${cwd}`], /^tsprof: Node's permission model is on without --allow-child-process: .*add --allow-child-process$/m],
    [["--allow-worker", "--allow-child-process", "--allow-fs-read=*", `--allow-fs-write=${cwd}`], new RegExp(`^tsprof: Node's permission model .*add --allow-fs-write=${temp.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m")],
    // Reading only the sources and tsprof's own files: tsprof could not read back the run's directory (an internal error, exit 70).
    [["--allow-worker", "--allow-child-process", `--allow-fs-read=${cwd}`, `--allow-fs-read=${repoRoot}`, `--allow-fs-write=${cwd}`, `--allow-fs-write=${temp}`], new RegExp(`^tsprof: Node's permission model .*add --allow-fs-read=${temp.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m")],
  ];
  for (const [allow, expected] of cases) {
    const result = nodeWith([permissionFlag, ...allow, tsprofBin, "run", "-o", "p.tsprof.json", "m.js"], cwd);
    assert.match(result.stderr, expected);
    assert.doesNotMatch(result.stderr, /ERR_ACCESS_DENIED|\n\s+at /);
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stdout, "");
  }
  const result = nodeWith([permissionFlag, "--allow-worker", "--allow-child-process", "--allow-fs-read=*", `--allow-fs-write=${cwd}`, `--allow-fs-write=${temp}`, tsprofBin, "run", "-o", "p.tsprof.json", "m.js"], cwd);
  assert.equal(result.stdout, "main 1\nwrote\n");
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(callsByName(join(cwd, "p.tsprof.json")), { f: 1 });
});

test("Node's permission model with an --allow-fs-read that leaves out tsprof's own files: one line naming the --allow-fs-read to add, exit 2; with it the program runs", { timeout: 120_000 }, () => {
  const cwd = project({ "m.js": sandboxed });
  const options = [permissionFlag, "--allow-worker", `--allow-fs-read=${cwd}`, `--allow-fs-write=${cwd}`].map((option) => `--node-option=${option}`);
  const refused = nodeWith([tsprofBin, "run", ...options, "-o", "p.tsprof.json", "m.js"], cwd);
  const named = /^tsprof: Node's permission model is on and --allow-fs-read does not cover tsprof's own files, .*: add (--allow-fs-read=\S+)$/m.exec(refused.stderr);
  assert.ok(named, refused.stderr);
  assert.doesNotMatch(refused.stderr, /ERR_ACCESS_DENIED|\n\s+at /);
  assert.equal(refused.status, 2);
  assert.equal(refused.stdout, "");
  const result = nodeWith([tsprofBin, "run", ...options, `--node-option=${named[1]}`, "-o", "p.tsprof.json", "m.js"], cwd);
  assert.equal(result.stdout, "main 1\nERR_ACCESS_DENIED\n");
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(callsByName(join(cwd, "p.tsprof.json")), { f: 1 });
});

test("--node-option gives a Node option to the program; a Node option given to tsprof run says where it goes", { timeout: 60_000 }, () => {
  const cwd = project({ "gc.js": "console.log(typeof gc, process.execArgv.includes('--expose-gc'));\n" });
  const plain = nodeWith(["--expose-gc", "gc.js"], cwd);
  for (const options of [["--node-option=--expose-gc"], ["--node-option", "--expose-gc"]]) {
    const result = nodeWith([tsprofBin, "run", ...options, "-o", "p.tsprof.json", "gc.js"], cwd);
    assert.equal(result.stdout, plain.stdout);
    assert.equal(result.status, 0, result.stderr);
  }
  assert.equal(plain.stdout, "function true\n");
  for (const option of ["--stack-size=2000", "--expose-gc", "-r"]) {
    const result = nodeWith([tsprofBin, "run", option, "gc.js"], cwd);
    assert.equal(result.status, 2);
    assert.match(result.stderr, new RegExp(`^tsprof: unknown option ${option.split("=")[0]} \\(Node options go before the script with --node-option .*\\$\\(npx which tsprof\\) run SCRIPT\\)\\nusage: tsprof run `));
  }  // An empty word is no option: node ran '' as its script, and the run ended 0 without running gc.js.
  for (const empty of ["", " "]) {
    const result = nodeWith([tsprofBin, "run", "--node-option", empty, "gc.js"], cwd);
    assert.deepEqual([result.status, result.stdout], [2, ""]);
    assert.match(result.stderr, new RegExp(`^tsprof: --node-option needs a Node option \\(--node-option=--stack-size=4000\\), got '${empty}'\\n`));
  }
  const noName = nodeWith([tsprofBin, "run", "-o", "", "gc.js"], cwd);
  assert.deepEqual([noName.status, noName.stdout], [2, ""]);
  assert.match(noName.stderr, /^tsprof: -o needs a file name, got ''\n/);
});

test("under Yarn Plug'n'Play (its runtime a NODE_OPTIONS preload, no node_modules) tsprof run finds its own packages, on every thread", { timeout: 120_000 }, () => {
  // tsprof as PnP installs it: the package's own files, with nothing above it to find a dependency in. The
  // stand-in for .pnp.cjs resolves every package that is not found from the repository's node_modules, as
  // Yarn's resolves them from its zip archives; without it nothing of tsprof's loads.
  const cwd = project({
    ".pnp.cjs":
      "const Module = require('module');\n" +
      `const fallback = Module.createRequire(${JSON.stringify(join(repoRoot, "package.json"))});\n` +
      "const resolve = Module._resolveFilename;\n" +
      "Module._resolveFilename = function (request, ...rest) {\n" +
      "  try { return resolve.call(this, request, ...rest); }\n" +
      "  catch (error) { if (error.code !== 'MODULE_NOT_FOUND' || /^[./]/.test(request)) throw error; return fallback.resolve(request); }\n" +
      "};\n",
    "x.js": "function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\nconsole.log(fib(10));\n",
    // An ES module: compiled on the module hooks thread, whose hooks need tsprof's packages too.
    "e.mjs": "function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\nconsole.log(await Promise.resolve(fib(10)));\n",
  });
  const installed = join(cwd, "unplugged", "tsprof");
  for (const part of ["bin", "dist", "package.json"]) cpSync(join(repoRoot, "packages", "cli", part), join(installed, part), { recursive: true });
  const env = { NODE_OPTIONS: `--require ${join(cwd, ".pnp.cjs")}` };
  for (const script of ["x.js", "e.mjs"]) {
    const plain = nodeWith([script], cwd, env);
    const profiled = nodeWith([join(installed, "bin", "tsprof.js"), "run", "-o", "p.tsprof.json", script], cwd, env);
    assert.deepEqual([profiled.stdout, profiled.stderr, profiled.status], [plain.stdout, plain.stderr, plain.status], script);
    assert.deepEqual([plain.stdout, plain.status], ["55\n", 0]);
    assert.equal(callsByName(join(cwd, "p.tsprof.json")).fib, 177, script);
  }
});
