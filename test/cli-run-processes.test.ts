// End-to-end tests of `tsprof run` with more than one process or thread, and with pipes: children and
// workers the program starts (with an environment of their own, from an ES module, outliving the main
// program), and output into a pipe its reader closes. Each program also runs under plain `node`, and what
// the program itself prints, its exit status and its stderr must be the same.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { scratchProject, tsprofBin } from "./helpers/cli";

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
