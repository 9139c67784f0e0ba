// End-to-end tests of `tsprof run` with more than one process or thread, and with pipes: children and
// workers the program starts (with an environment of their own, from an ES module, outliving the main
// program), and output into a pipe its reader closes. Each program also runs under plain `node`, and what
// the program itself prints, its exit status and its stderr must be the same.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { node, profiledRun, scratchProject, tsprofBin } from "./helpers/cli";

const project = (files: Record<string, string>) => scratchProject(files, "processes");

interface PipeResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * `node ARGS` in `cwd` with its stdout read up to the first chunk and then closed, as `| head -1` does; its
 * stderr collected. A run that does not end within 30 s is killed (the test then fails on its status).
 */
function withStdoutClosedEarly(args: string[], cwd: string): Promise<PipeResult> {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, TSPROF_CLOCK: "tick" }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.once("data", () => child.stdout.destroy());
  const watchdog = setTimeout(() => child.kill("SIGKILL"), 30_000);
  return new Promise((resolve) =>
    child.on("close", (status, signal) => {
      clearTimeout(watchdog);
      resolve({ status, signal, stderr });
    }),
  );
}

test("output into a pipe closed after the first line ends as under plain node: exit status 0, nothing on stderr; a program's own 'error' listener still hears EPIPE", { timeout: 120_000 }, async () => {
  const cwd = project({
    "lines.js": "function line(i) { return 'line ' + i; }\nfor (let i = 0; i < 100000; i++) console.log(line(i));\n",
    "listens.js":
      "process.stdout.on('error', function onError(error) { process.stderr.write('own listener: ' + error.code + '\\n'); process.exit(3); });\n" +
      "function line(i) { return 'line ' + i; }\nfor (let i = 0; i < 100000; i++) console.log(line(i));\n",
  });
  for (const file of ["lines.js", "listens.js"]) {
    const plain = await withStdoutClosedEarly([file], cwd);
    // Without -o (the table goes into the closed pipe too: tsprof's own writes end quietly) and with it.
    for (const options of [[], ["-o", "p.tsprof.json"]]) {
      const profiled = await withStdoutClosedEarly([tsprofBin, "run", ...options, file], cwd);
      assert.equal(profiled.stderr, plain.stderr, `stderr of ${file} ${options.join(" ")}`);
      assert.equal(profiled.status, plain.status, `exit status of ${file} ${options.join(" ")}`);
      assert.equal(profiled.signal, plain.signal);
    }
  }
  // What plain node gives, so the comparison above is of something.
  assert.equal((await withStdoutClosedEarly(["lines.js"], cwd)).status, 0);
  assert.deepEqual(await withStdoutClosedEarly(["listens.js"], cwd), { status: 3, signal: null, stderr: "own listener: EPIPE\n" });
});

/** Same stdout, stderr and exit status as `node FILE` in `cwd`. */
function assertLikeNode(cwd: string, file: string, result: { stdout: string; stderr: string; status: number | null }) {
  const plain = node([file], { cwd });
  assert.equal(result.stdout, plain.stdout, `stdout of ${file}`);
  assert.equal(result.stderr, plain.stderr, `stderr of ${file}`);
  assert.equal(result.status, plain.status, `exit status of ${file}`);
}

test("a CommonJS child or worker of an ES module main script runs in Node's CommonJS loader, as under plain node, and is profiled", () => {
  // What a CommonJS module sees of its loader: tick before then, module.id ".", a module.parent.
  const commonJs = (who: string) =>
    "const order = [];\n" +
    "Promise.resolve().then(function onThen() { order.push('then'); });\n" +
    "process.nextTick(function onTick() { order.push('tick'); });\n" +
    `setTimeout(function report() { console.log('${who}', order.join(','), require.main === module, typeof module.parent, module.id); }, 5);\n`;
  const cwd = project({
    "parent.mjs": "import { fork } from 'node:child_process';\nfunction start() { fork(new URL('./child.js', import.meta.url).pathname); }\nstart();\n",
    "child.js": commonJs("child"),
    "threads.mjs": "import { Worker } from 'node:worker_threads';\nfunction start() { new Worker(new URL('./worker.js', import.meta.url)); }\nstart();\n",
    "worker.js": commonJs("worker"),
  });
  assert.equal(node(["parent.mjs"], { cwd }).stdout, "child tick,then true object .\n");
  assert.equal(node(["threads.mjs"], { cwd }).stdout, "worker tick,then true object .\n");
  for (const file of ["parent.mjs", "threads.mjs"]) {
    const result = profiledRun(cwd, [file]);
    assertLikeNode(cwd, file, result);
    assert.deepEqual(result.calls, { start: 1, onThen: 1, onTick: 1, report: 1 }, file);
  }
});

test("a child or worker given an environment of its own runs as under plain node (no TSPROF_* added) and is profiled; nothing is written in the working directory", () => {
  const cwd = project({
    "forks.js":
      "const { fork } = require('node:child_process');\n" +
      "function cfib(n) { return n < 2 ? n : cfib(n - 1) + cfib(n - 2); }\n" +
      "if (process.argv[2] !== 'child') {\n" +
      "  function start() { fork(__filename, ['child'], { env: { ONLY: '1', PATH: process.env.PATH } }).on('exit', function onExit(code) { console.log('child exit', code); }); }\n" +
      "  start();\n" +
      "} else {\n" +
      "  function cmain() { console.log('child', cfib(5), Object.keys(process.env).sort().join(',')); }\n" +
      "  cmain();\n" +
      "}\n",
    "threads.js":
      "const { Worker, isMainThread, parentPort } = require('node:worker_threads');\n" +
      "function wfib(n) { return n < 2 ? n : wfib(n - 1) + wfib(n - 2); }\n" +
      "if (isMainThread) {\n" +
      "  function start() { new Worker(__filename, { env: { ONLY: '1' } }).on('message', function onMessage(m) { console.log('worker', m); }); }\n" +
      "  start();\n" +
      "} else {\n" +
      "  function wmain() { parentPort.postMessage(wfib(5) + ' ' + Object.keys(process.env).join(',')); }\n" +
      "  wmain();\n" +
      "}\n",
    "module.mjs":
      "import { Worker } from 'node:worker_threads';\n" +
      "function start() { new Worker(new URL('./worker.mjs', import.meta.url), { env: { ONLY: '1' } }).on('message', function onMessage(m) { console.log('worker', m); }); }\n" +
      "start();\n",
    "worker.mjs": "import { parentPort } from 'node:worker_threads';\nfunction mfib(n) { return n < 2 ? n : mfib(n - 1) + mfib(n - 2); }\nparentPort.postMessage(mfib(5));\n",
  });
  const expected: Record<string, Record<string, number>> = {
    "forks.js": { start: 1, onExit: 1, cmain: 1, cfib: 15 },
    "threads.js": { start: 1, onMessage: 1, wmain: 1, wfib: 15 },
    "module.mjs": { start: 1, onMessage: 1, mfib: 15 },
  };
  for (const [file, calls] of Object.entries(expected)) {
    const result = profiledRun(cwd, [file]);
    assertLikeNode(cwd, file, result);
    assert.deepEqual(result.calls, calls, file);
  }
  assert.deepEqual(readdirSync(cwd).filter((name) => name.startsWith("tsprof-")), []);
});

test("processes that outlive the main program: tsprof run waits for those writing their profile; one still running after a while is named in one line, and prints nothing when it ends, nor does a process it starts then", { timeout: 120_000 }, () => {
  const cwd = project({
    // A cluster-like program: the parent ends at once, its children a little later (each writes then).
    "short.js":
      "const { fork } = require('node:child_process');\n" +
      "function work(n) { return n < 2 ? n : work(n - 1) + work(n - 2); }\n" +
      "if (process.argv[2] === 'child') setTimeout(function later() { work(5); }, 300);\n" +
      "else {\n" +
      "  function launch() { for (let i = 0; i < 2; i++) { const c = fork(__filename, ['child']); c.disconnect(); c.unref(); } }\n" +
      "  launch();\n" +
      "}\n",
    // A detached child that keeps running past tsprof's wait, and starts another process after tsprof has gone.
    "long.js":
      "const { fork } = require('node:child_process');\n" +
      "if (process.argv[2] === 'grandchild') { function late() { console.log('grandchild ran'); } late(); }\n" +
      "else if (process.argv[2] === 'child') setTimeout(function later() { fork(__filename, ['grandchild']).on('exit', function done() { console.log('child done'); }); }, 4000);\n" +
      "else {\n" +
      "  function launch() { const c = fork(__filename, ['child'], { detached: true, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }); c.disconnect(); c.unref(); console.log('parent done'); }\n" +
      "  launch();\n" +
      "}\n",
  });
  const short = profiledRun(cwd, ["short.js"]);
  assert.equal(short.stderr, "");
  assert.equal(short.status, 0);
  assert.deepEqual(short.calls, { launch: 1, later: 2, work: 30 });
  // spawnSync returns once the pipes close, so after the late processes too: what they print is here.
  const long = profiledRun(cwd, ["long.js"]);
  assert.equal(long.stdout, node(["long.js"], { cwd }).stdout);
  assert.equal(long.stdout, "parent done\ngrandchild ran\nchild done\n");
  assert.match(long.stderr, /^tsprof: 1 process the program started is still running \(pid \d+\): its calls are not in the profile\n$/);
  assert.equal(long.status, 0);
  assert.deepEqual(long.calls, { launch: 1 });
});
