// End-to-end tests of `tsprof run` with more than one process or thread, and with pipes: children and
// workers the program starts (with an environment of their own, from an ES module, outliving the main
// program), and output into a pipe its reader closes. Each program also runs under plain `node`, and what
// the program itself prints, its exit status and its stderr must be the same.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
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
