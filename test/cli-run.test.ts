// End-to-end tests of `tsprof run`: program behaviour kept, module formats, errors, output formats.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, existsSync, mkdirSync, writeFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { looksLikeMarshal } from "@tsprof/format";
import { fileURLToPath } from "node:url";
import { spawn, spawnSync } from "node:child_process";
import { tsprof, node, findPython, repoRoot, tsprofBin, callsByName } from "./helpers/cli";

const fixture = (...parts: string[]) => join(repoRoot, "fixtures", "cli", ...parts);
const scratch = () => mkdtempSync(join(tmpdir(), "tsprof-test-"));

function readProfileJson(path: string) {
  return JSON.parse(readFileSync(path, "utf8")) as {
    functions: { name: string; qualifiedName: string; file: string; line: number }[];
    stats: { function: number; calls: number; primitiveCalls: number }[];
  };
}

test("keeps the program's argv, stdout, stderr and exit status", () => {
  const out = join(scratch(), "p.tsprof.json");
  const plain = node([fixture("echo-args", "main.js"), "a", "b c"]);
  const profiled = tsprof(["run", "-o", out, fixture("echo-args", "main.js"), "a", "b c"]);
  assert.equal(profiled.stdout, plain.stdout);
  assert.equal(profiled.stderr, plain.stderr);
  assert.equal(profiled.status, 3);
  assert.equal(plain.status, 3);
  assert.deepEqual(callsByName(out), { shout: 1, "(anonymous)": 2 });
});

test("without -o prints the table after the program's output, sorted by cumulative time", () => {
  const result = tsprof(["run", fixture("echo-args", "main.js"), "x"]);
  assert.equal(result.status, 3);
  assert.match(result.stdout, /^\["x"\]\n\["X"\]\n/);
  assert.match(result.stdout, /\d+ function calls in \d+\.\d{3} seconds/);
  assert.match(result.stdout, /Ordered by: cumulative time/);
  assert.match(result.stdout, /fixtures\/cli\/echo-args\/main\.js:2\(shout\)/);
});

test("CommonJS TypeScript reaching .ts, .cts and .cjs modules", () => {
  const out = join(scratch(), "p.tsprof.json");
  const result = tsprof(["run", "-o", out, "main.ts"], { cwd: fixture("formats-cjs") });
  assert.equal(result.stderr, "");
  assert.equal(result.stdout, "10 5 2\n");
  assert.equal(result.status, 0);
  assert.deepEqual(callsByName(out), { norm: 1, twice: 1, half: 1, inc: 1 });
  const files = readProfileJson(out).functions.map((f) => f.file).sort();
  assert.deepEqual(files, ["helper.ts", "legacy.cjs", "lib.cts", "main.ts"]);
});

test("ES module TypeScript with top-level await, .js specifiers for .ts files, .mts, .mjs and .cjs", () => {
  const out = join(scratch(), "p.tsprof.json");
  const result = tsprof(["run", "-o", out, "main.ts"], { cwd: fixture("formats-esm") });
  assert.equal(result.stderr, "");
  assert.equal(result.stdout, "9 8 -1 2\n");
  assert.equal(result.status, 0);
  assert.deepEqual(callsByName(out), { main: 1, square: 1, cube: 1, neg: 1, inc: 1 });
});

test("a syntax error in the script: the parser's message with file:line, exit 1, no stack", () => {
  const result = tsprof(["run", fixture("syntax-error", "main.js")]);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /syntax-error\/main\.js:4:\d+: SyntaxError: /);
  assert.doesNotMatch(result.stderr, /^\s+at /m);
  assert.equal(result.stdout, "");
});

test("a missing script: one line, exit 2", () => {
  const result = tsprof(["run", "no/such/file.js"]);
  assert.equal(result.status, 2);
  assert.equal(result.stderr, "tsprof: can't open file 'no/such/file.js': no such file\n");
});

test("an unknown sort key: one line listing the valid keys, exit 2", () => {
  const result = tsprof(["run", "-s", "bogus", fixture("echo-args", "main.js")]);
  assert.equal(result.status, 2);
  assert.equal(result.stderr.split("\n").length, 2);
  assert.match(result.stderr, /^tsprof: .*bogus.*cumulative.*tottime/);
  assert.equal(result.stdout, "");
});

test("an unknown option and an unknown command: one line, exit 2", () => {
  for (const args of [["run", "--frobnicate", "x.js"], ["frobnicate"]]) {
    const result = tsprof(args);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^tsprof: /);
    assert.doesNotMatch(result.stderr, /^\s+at /m);
  }
});

test("an uncaught exception: Node's error and exit status, and the profile is still written", () => {
  const out = join(scratch(), "p.tsprof.json");
  const plain = node([fixture("throws", "main.js")]);
  const result = tsprof(["run", "-o", out, fixture("throws", "main.js")]);
  assert.equal(result.status, plain.status);
  assert.match(result.stderr, /Error: boom/);
  assert.deepEqual(callsByName(out), { outer: 1, inner: 1 });
});


test("a program that ends without writing a profile: one line, and not exit 0: the program's status when it failed, else 1", () => {
  // Removing every 'exit' listener takes the runtime's with them (README: the program can see tsprof's listeners).
  const dir = scratch();
  writeFileSync(join(dir, "ok.js"), "function f() { return 1; }\nf();\nprocess.removeAllListeners('exit');\n");
  writeFileSync(join(dir, "fails.js"), "process.removeAllListeners('exit');\nprocess.exitCode = 3;\n");
  for (const [script, status] of [["ok.js", 1], ["fails.js", 3]] as const) {
    const out = join(dir, `${script}.tsprof.json`);
    for (const args of [["-o", out], []]) {
      const result = tsprof(["run", ...args, join(dir, script)]);
      assert.equal(result.stderr, "tsprof: the program ended without writing a profile\n", script);
      assert.equal(result.stdout, "", script);
      assert.equal(result.status, status, script);
      assert.equal(existsSync(out), false);
    }
  }
});
test("a function's source evaluated outside its module (new Function, an eval worker) runs as under plain node, unprofiled", () => {
  const out = join(scratch(), "p.tsprof.json");
  const plain = node([fixture("function-source-elsewhere", "main.js")]);
  const result = tsprof(["run", "-o", out, fixture("function-source-elsewhere", "main.js")]);
  assert.equal(plain.stdout, "task 42\ngenerator 1,2\nworker 42\n");
  assert.equal(result.stdout, plain.stdout);
  assert.equal(result.stderr, plain.stderr);
  assert.equal(result.status, plain.status);
  // The copies have no site table where they run: only the module's own calls are rows (evaluate and the
  // message listener); task, pair and body are never called in their module.
  const calls = callsByName(out);
  assert.equal(calls.evaluate, 2);
  for (const name of ["task", "pair", "body"]) assert.equal(calls[name], undefined, name);
});

test("SIGTERM: the profile is flushed and tsprof dies of the same signal", async () => {
  const out = join(scratch(), "p.tsprof.json");
  const child = spawn(process.execPath, [tsprofBin, "run", "-o", out, fixture("signal", "main.js")], {
    env: { ...process.env, TSPROF_CLOCK: "tick" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  await new Promise<void>((resolve) => child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve()));
  await new Promise((r) => setTimeout(r, 100));
  child.kill("SIGTERM");
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on("exit", (c, s) => resolve([c, s])));
  assert.equal(signal, "SIGTERM");
  assert.equal(code, null);
  assert.ok(existsSync(out), "profile written");
  assert.ok(callsByName(out).tick >= 1);
});

test("-o x.prof writes a pstats file that python3's pstats loads, with the same counts", (t) => {
  const python = findPython();
  if (!python) return t.skip("python3 not found: pstats interop not checked");
  const dir = scratch();
  const prof = join(dir, "p.prof");
  const json = join(dir, "p.tsprof.json");
  assert.equal(tsprof(["run", "-o", prof, join(repoRoot, "fixtures", "tables", "recursion", "main.js")]).status, 0);
  assert.equal(tsprof(["run", "-o", json, join(repoRoot, "fixtures", "tables", "recursion", "main.js")]).status, 0);
  const script = [
    "import pstats, sys, json",
    "s = pstats.Stats(sys.argv[1])",
    "print(json.dumps({f[2]: [v[1], v[0]] for f, v in s.stats.items()}, sort_keys=True))",
    "s.print_stats(); s.print_callers(); s.print_callees()",
  ].join("\n");
  const result = spawnSync(python, ["-c", script, prof], { encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  const [countsLine, ...printed] = result.stdout.split("\n");
  const counts = JSON.parse(countsLine) as Record<string, [number, number]>;
  const profile = readProfileJson(json);
  const expected: Record<string, [number, number]> = {};
  for (const row of profile.stats) expected[profile.functions[row.function].qualifiedName] = [row.calls, row.primitiveCalls];
  assert.deepEqual(counts, expected);
  assert.deepEqual(counts.fact, [5, 1]);
  const text = printed.join("\n");
  assert.match(text, /5\/1 .*main\.js:2\(fact\)/);
  assert.match(text, /isEven\)\s+<-\s+\d+\/\d+/);
});

test("-o x.prof goes through pyprof2calltree to KCachegrind's format, and callgrind_annotate reads it: same self times and calls", (t) => {
  const has = (command: string) => spawnSync(command, ["--help"], { encoding: "utf8" }).error === undefined;
  if (!has("pyprof2calltree") || !has("callgrind_annotate")) {
    return t.skip("pyprof2calltree or callgrind_annotate not found (apt-get install pyprof2calltree valgrind): callgrind interop not checked");
  }
  const dir = scratch();
  const program = join(repoRoot, "fixtures", "tables", "recursion", "main.js");
  const prof = join(dir, "p.prof");
  const json = join(dir, "p.tsprof.json");
  const callgrind = join(dir, "p.callgrind");
  // The tick clock (tsprof() sets it): both runs record the same numbers.
  assert.equal(tsprof(["run", "-o", prof, program]).status, 0);
  assert.equal(tsprof(["run", "-o", json, program]).status, 0);
  const converted = spawnSync("pyprof2calltree", ["-i", prof, "-o", callgrind], { encoding: "utf8" });
  assert.equal(converted.status, 0, converted.stderr);
  // Self cost: the line after fn=; calls=N: the count of the call to the cfn= above it.
  const self: Record<string, number> = {};
  const calls: Record<string, number> = {};
  let fn = "";
  let callee = "";
  let expectSelf = false;
  for (const line of readFileSync(callgrind, "utf8").split("\n")) {
    if (line.startsWith("fn=")) [fn, expectSelf] = [line.slice(3), true];
    else if (line.startsWith("cfn=")) callee = line.slice(4);
    else if (line.startsWith("calls=")) calls[`${fn}>${callee}`] = Number(line.slice(6).split(" ")[0]);
    else if (expectSelf && /^\d+ \d+$/.test(line)) [self[fn], expectSelf] = [Number(line.split(" ")[1]), false];
  }
  const profile = JSON.parse(readFileSync(json, "utf8")) as {
    functions: { qualifiedName: string }[];
    stats: { function: number; selfTime: number }[];
    edges: { caller: number; callee: number; calls: number }[];
  };
  const name = (index: number) => profile.functions[index]!.qualifiedName;
  assert.deepEqual(self, Object.fromEntries(profile.stats.map((row) => [name(row.function), Math.round(row.selfTime * 1e9)])), "self time, ns");
  assert.deepEqual(calls, Object.fromEntries(profile.edges.map((edge) => [`${name(edge.caller)}>${name(edge.callee)}`, edge.calls])), "calls per edge");
  assert.equal(calls["fact>fact"], 4);
  const annotated = spawnSync("callgrind_annotate", [callgrind], { encoding: "utf8" });
  assert.equal(annotated.status, 0, annotated.stderr);
  const total = Object.values(self).reduce((sum, ns) => sum + ns, 0);
  assert.match(annotated.stdout, new RegExp(`${total.toLocaleString("en-US")} \\(100\\.0%\\)\\s+PROGRAM TOTALS`));
  assert.match(annotated.stdout, new RegExp(`${self.fact!.toLocaleString("en-US")} \\([\\d.]+%\\)\\s+\\S*main\\.js:fact`));
});

test("-m BIN runs the program behind node_modules/.bin/BIN with its arguments", () => {
  const work = scratch();
  const pkg = join(work, "node_modules", "greeter");
  mkdirSync(join(pkg, "bin"), { recursive: true });
  mkdirSync(join(work, "node_modules", ".bin"), { recursive: true });
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "greeter", version: "1.0.0", bin: { greet: "bin/greet.js" } }));
  writeFileSync(join(pkg, "bin", "greet.js"), "#!/usr/bin/env node\nfunction greet(name) { return 'hello ' + name; }\nconsole.log(greet(process.argv[2]));\n");
  symlinkSync(join("..", "greeter", "bin", "greet.js"), join(work, "node_modules", ".bin", "greet"));
  const out = join(work, "p.tsprof.json");
  // node_modules is not instrumented unless --include names it.
  const plain = tsprof(["run", "-o", out, "-m", "greet", "world"], { cwd: work });
  assert.equal(plain.stdout, "hello world\n");
  assert.equal(plain.status, 0);
  assert.deepEqual(callsByName(out), {});
  const included = tsprof(["run", "-o", out, "--include", "node_modules/greeter/**", "-m", "greet", "world"], { cwd: work });
  assert.equal(included.stdout, "hello world\n");
  assert.deepEqual(callsByName(out), { greet: 1 });
  const missing = tsprof(["run", "-m", "nope"], { cwd: work });
  assert.equal(missing.status, 2);
  assert.equal(missing.stderr, "tsprof: no program named 'nope' in node_modules/.bin\n");
});

test("--include and --exclude choose the files that are instrumented", () => {
  const cwd = fixture("filters");
  const out = join(scratch(), "p.tsprof.json");
  assert.equal(tsprof(["run", "-o", out, "main.js"], { cwd }).stdout, "3\n");
  assert.deepEqual(callsByName(out), { main: 1, fromVendor: 1 });
  assert.equal(tsprof(["run", "-o", out, "--exclude", "vendor/**", "main.js"], { cwd }).status, 0);
  assert.deepEqual(callsByName(out), { main: 1 });
  assert.equal(tsprof(["run", "-o", out, "--include", "main.js", "--include", "node_modules/dep/**", "main.js"], { cwd }).status, 0);
  assert.deepEqual(callsByName(out), { main: 1, fromDependency: 1 });
});

test("a worker thread's profile is added to the main thread's", () => {
  const out = join(scratch(), "p.tsprof.json");
  const result = tsprof(["run", "-o", out, fixture("workers", "main.js")]);
  assert.equal(result.stdout, "main 3\nworker 4\n");
  assert.equal(result.status, 0);
  // work(3) in the main thread: 3 calls; work(4) in the worker: 4 calls.
  const profile = JSON.parse(readFileSync(out, "utf8"));
  const row = profile.stats.find((s: { function: number }) => profile.functions[s.function].name === "work");
  assert.equal(row.calls, 7);
  assert.equal(row.primitiveCalls, 2);
});

test("run --help prints the options and exits 0", () => {
  const result = tsprof(["run", "--help"]);
  assert.equal(result.status, 0);
  assert.match(result.stdout, /^usage: tsprof run /);
  assert.match(result.stdout, /--include GLOB/);
});

test("-o x.cpuprofile writes Chrome DevTools' format: the call tree, and each function's self time in its samples", () => {
  const dir = scratch();
  const program = join(repoRoot, "fixtures", "tables", "recursion", "main.js");
  const cpuPath = join(dir, "p.cpuprofile");
  const json = join(dir, "p.tsprof.json");
  // The tick clock (tsprof() sets it) makes both runs record the same numbers.
  assert.equal(tsprof(["run", "-o", cpuPath, program]).status, 0);
  assert.equal(tsprof(["run", "-o", json, program]).status, 0);
  const cpu = JSON.parse(readFileSync(cpuPath, "utf8")) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number; children?: number[] }[];
    startTime: number;
    endTime: number;
    samples: number[];
    timeDeltas: number[];
  };
  const profile = JSON.parse(readFileSync(json, "utf8")) as {
    functions: { qualifiedName: string; file: string; line: number }[];
    stats: { function: number; selfTime: number }[];
    callTree: unknown[];
  };
  const selfMicroseconds: Record<string, number> = {};
  for (const n of cpu.nodes.slice(1)) {
    // V8's urls: file:// URLs of absolute paths; the table's paths are relative to the working directory.
    const key = `${relative(repoRoot, fileURLToPath(n.callFrame.url)).split(sep).join("/")}:${n.callFrame.lineNumber + 1}(${n.callFrame.functionName})`;
    selfMicroseconds[key] = (selfMicroseconds[key] ?? 0) + n.hitCount;
  }
  const expected: Record<string, number> = {};
  for (const row of profile.stats) {
    const info = profile.functions[row.function]!;
    expected[`${info.file}:${info.line}(${info.qualifiedName})`] = Math.round(row.selfTime * 1e6);
  }
  assert.deepEqual(selfMicroseconds, expected);
  let treeNodes = 0;
  const pending = [...profile.callTree] as { children: unknown[] }[];
  while (pending.length > 0) {
    treeNodes++;
    pending.push(...(pending.pop()!.children as { children: unknown[] }[]));
  }
  assert.equal(cpu.nodes.length, treeNodes + 1, "one node per call-tree node, plus the root");
  assert.equal(cpu.endTime - cpu.startTime, Object.values(expected).reduce((sum, t) => sum + t, 0));
  assert.equal(cpu.samples.length, cpu.timeDeltas.length);
  // Any other name is a pstats file, as `python -m cProfile -o` writes (the one rule of every writer).
  for (const name of ["p.txt", "p.stats", "restats"]) {
    const other = tsprof(["run", "-o", join(dir, name), program]);
    assert.equal(other.status, 0, other.stderr);
    assert.ok(looksLikeMarshal(readFileSync(join(dir, name))), `${name}: Python's marshal of a dict`);
  }
});

test("-m BIN as running the bin does: argv[1] is the link in node_modules/.bin, its #! node options apply; other interpreters and non-names are refused in one line", () => {
  const work = scratch();
  const pkg = join(work, "node_modules", "tool");
  mkdirSync(pkg, { recursive: true });
  mkdirSync(join(work, "node_modules", ".bin"), { recursive: true });
  writeFileSync(join(pkg, "cli.js"), "#!/usr/bin/env node\nconsole.log(require('path').basename(process.argv[1]));\n", { mode: 0o755 });
  writeFileSync(join(pkg, "gc.js"), "#!/usr/bin/env -S node --expose-gc\nconsole.log('gc is', typeof gc);\n", { mode: 0o755 });
  writeFileSync(join(pkg, "dash.sh"), "#!/bin/dash\necho hi\n");
  writeFileSync(join(pkg, "py.py"), "#!/usr/bin/env python3\nprint('hi')\n");
  for (const [bin, target] of [["tool", "cli.js"], ["gctool", "gc.js"], ["dashtool", "dash.sh"], ["pytool", "py.py"]]) {
    symlinkSync(join("..", "tool", target), join(work, "node_modules", ".bin", bin));
  }
  const direct = spawnSync(join(work, "node_modules", ".bin", "tool"), { encoding: "utf8" });
  assert.equal(direct.stdout, "tool\n");
  assert.equal(tsprof(["run", "-o", join(work, "p.tsprof.json"), "-m", "tool"], { cwd: work }).stdout, "tool\n");
  assert.equal(tsprof(["run", "-o", join(work, "p.tsprof.json"), "-m", "gctool"], { cwd: work }).stdout, "gc is function\n");
  const refused: Array<[string[], string]> = [
    [["-m", "dashtool"], "tsprof: 'dashtool' is a shell script, not a Node program\n"],
    [["-m", "pytool"], "tsprof: 'pytool' is run by '/usr/bin/env python3', not a Node program\n"],
    [["-m", ""], "tsprof: -m takes the name of a program in node_modules/.bin, not ''\n"],
    [["-m", "."], "tsprof: -m takes the name of a program in node_modules/.bin, not '.'\n"],
  ];
  for (const [argv, line] of refused) {
    const result = tsprof(["run", ...argv], { cwd: work });
    assert.equal(result.status, 2, argv.join(" "));
    assert.equal(result.stderr, line);
    assert.equal(result.stdout, "");
  }
});

test("SCRIPT as node finds it: a directory runs its index.js, a name without extension its .js; a directory without one is one line", () => {
  const work = scratch();
  mkdirSync(join(work, "app"));
  mkdirSync(join(work, "empty"));
  writeFileSync(join(work, "app", "index.js"), "function start() { return 'app'; }\nconsole.log(start(), process.argv[1]);\n");
  writeFileSync(join(work, "hello.js"), "function hi() { return 'hi'; }\nconsole.log(hi(), process.argv[1]);\n");
  for (const [script, name] of [["app", "start"], ["hello", "hi"]]) {
    const out = join(work, "p.tsprof.json");
    const result = tsprof(["run", "-o", out, script], { cwd: work });
    assert.equal(result.stdout, node([script], { cwd: work }).stdout, script);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(callsByName(out), { [name]: 1 });
  }
  const empty = tsprof(["run", "empty"], { cwd: work });
  assert.equal(empty.status, 2);
  assert.equal(empty.stderr, "tsprof: can't open file 'empty': a directory with no index.js or package.json main\n");
});

test("an --include glob that matches nothing, or an --exclude that leaves nothing: the empty table comes with one line saying why", () => {
  const cwd = fixture("filters");
  const typo = tsprof(["run", "--include", "srcc/**", "main.js"], { cwd });
  assert.equal(typo.status, 0);
  assert.equal(typo.stderr, `tsprof: nothing was instrumented: main.js matches no --include glob ('srcc/**'; globs are relative to ${cwd})\n`);
});

test("--include and --exclude written through a symlinked project folder name its files (Node loads them by their real paths)", () => {
  const work = scratch();
  mkdirSync(join(work, "proj", "src"), { recursive: true });
  writeFileSync(join(work, "proj", "src", "lib.js"), "exports.helper = function helper(n) { return n * 2; };\n");
  writeFileSync(join(work, "proj", "src", "main.js"), 'const { helper } = require("./lib");\nfunction main() { console.log(helper(21)); }\nmain();\n');
  symlinkSync("proj", join(work, "projlink"));
  const script = join("projlink", "src", "main.js");
  const runs: Array<[string[], Record<string, number>]> = [
    [["--include", "projlink/**"], { main: 1, helper: 1 }],
    [["--include", join(work, "projlink", "src")], { main: 1, helper: 1 }],
    [["--exclude", "projlink/src/lib.js"], { main: 1 }],
    [["--exclude", join(work, "projlink", "src", "lib.js")], { main: 1 }],
  ];
  for (const [flags, calls] of runs) {
    const out = join(work, "p.tsprof.json");
    const result = tsprof(["run", "-o", out, ...flags, script], { cwd: work });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, "42\n");
    assert.equal(result.stderr, "", flags.join(" "));
    assert.deepEqual(callsByName(out), calls, flags.join(" "));
  }
  // A glob that names the linked path only where no real folder can be ('*link/**'): nothing is instrumented, and one line says so.
  const none = tsprof(["run", "--include", "*link/**", script], { cwd: work });
  assert.equal(none.status, 0);
  assert.equal(
    none.stderr,
    `tsprof: nothing was instrumented: projlink/src/main.js (real path proj/src/main.js) matches no --include glob ('*link/**'; globs are relative to ${work})\n`,
  );
});

test("tsprof help COMMAND prints that command's help", () => {
  for (const command of ["run", "stats", "diff"]) {
    const help = tsprof(["help", command]);
    assert.equal(help.status, 0);
    assert.equal(help.stdout, tsprof([command, "--help"]).stdout);
  }
  assert.match(tsprof(["help"]).stdout, /tsprof --version/);
  // Printed the general usage with exit 0, as if `bogus` were a topic.
  const bogus = tsprof(["help", "bogus"]);
  assert.equal(bogus.status, 2);
  assert.equal(bogus.stdout, "");
  assert.equal(bogus.stderr, tsprof(["bogus"]).stderr);
  assert.equal(bogus.stderr, "tsprof: unknown command 'bogus' (try: tsprof --help)\n");
});

test("tsprof --help and tsprof help run list the script extensions README lists, .tsx among them", () => {
  const listed = /`tsprof run` is `python -m cProfile` for Node: it runs `([^`]+)` scripts/.exec(readFileSync(join(repoRoot, "README.md"), "utf8"));
  assert.ok(listed, "README's list of extensions");
  assert.ok(listed[1]!.split(" ").includes(".tsx"));
  for (const help of [tsprof(["--help"]).stdout, tsprof(["help", "run"]).stdout]) {
    assert.ok(help.includes(listed[1]!), help);
  }
});

test("tsprof --help lists every option of README's Commands synopsis (it left out --node-option, --call-sort, --fail-on, ...)", () => {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const block = /^## Commands\n\n```\n([^`]*)```/m.exec(readme);
  assert.ok(block, "README's Commands synopsis");
  // One entry per `tsprof ...` line, with its indented continuation lines, less a trailing "(or: ...)" note.
  const entries = block[1]!.split(/\n(?=tsprof )/).map((entry) => entry.replace(/\(or: [^)]*\)\s*$/, "").replace(/^tsprof /, "").replace(/\s+/g, " ").trim());
  assert.equal(entries.length, 5, entries.join("\n"));
  // The usage wraps an entry's options onto indented lines before its description.
  const usage = tsprof(["--help"]).stdout.replace(/\s+/g, " ");
  for (const entry of entries) assert.ok(usage.includes(` ${entry} `), `tsprof --help lacks: ${entry}`);
});

test("an absolute --include names files inside the working directory and outside it", () => {
  const outside = scratch();
  writeFileSync(join(outside, "m.js"), "exports.f = function f() { return 1; };\n");
  const work = scratch();
  writeFileSync(join(work, "main.js"), `function main() { return require(${JSON.stringify(join(outside, "m.js"))}).f(); }\nconsole.log(main());\n`);
  writeFileSync(join(work, "other.js"), "exports.g = function g() { return 2; };\n");
  const out = join(work, "p.tsprof.json");
  const result = tsprof(["run", "-o", out, "--include", outside, "--include", join(work, "main.js"), "main.js"], { cwd: work });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(callsByName(out), { main: 1, f: 1 });
});

test("TSPROF_CLOCK=fast under tsprof run: the timer thread starts (meta.clock says fast, not the hrtime fallback)", () => {
  const work = scratch();
  writeFileSync(join(work, "main.js"), "function main() { return 1; }\nconsole.log(main());\n");
  const out = join(work, "p.tsprof.json");
  const result = tsprof(["run", "-o", out, "main.js"], { cwd: work, env: { TSPROF_CLOCK: "fast" } });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(JSON.parse(readFileSync(out, "utf8")).meta.clock, "fast, compensated");
});

test("calls past the depth cap are counted in meta.droppedCalls and said in one stderr line; none, no line", () => {
  const dir = scratch();
  const program = join(dir, "fib.js");
  writeFileSync(program, "function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\nfib(10);\n");
  const out = join(dir, "fib.tsprof.json");
  const capped = tsprof(["run", "-o", out, program], { env: { TSPROF_MAX_DEPTH: "3" } });
  assert.equal(capped.status, 0, capped.stderr);
  assert.equal(capped.stderr, "tsprof: 170 calls were not recorded (made past TSPROF_MAX_DEPTH=3, or with every live async/generator frame taken): they are in no count, their time is their callers' (meta.droppedCalls)\n");
  const meta = (path: string) => (JSON.parse(readFileSync(path, "utf8")) as { meta: { droppedCalls?: number } }).meta;
  assert.equal(meta(out).droppedCalls, 170);
  const whole = tsprof(["run", "-o", out, program]);
  assert.equal(whole.stderr, "");
  assert.equal(meta(out).droppedCalls, undefined);
});

test("tsprof stats says how many calls a profile's meta.droppedCalls left out, as tsprof run does, and --json has them", () => {
  const dir = scratch();
  const program = join(dir, "fib.js");
  writeFileSync(program, "function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\nfib(10);\n");
  const capped = join(dir, "capped.tsprof.json");
  assert.equal(tsprof(["run", "-o", capped, program], { env: { TSPROF_MAX_DEPTH: "3" } }).status, 0);
  // Said nothing: the table's 7 calls of fib looked like the whole run.
  const line = "tsprof stats: 170 calls were not recorded (made past the depth cap, or with every live async/generator frame taken): they are in no count, their time is their callers' (meta.droppedCalls)\n";
  const table = tsprof(["stats", capped]);
  assert.equal(table.status, 0, table.stderr);
  assert.equal(table.stderr, line);
  const json = tsprof(["stats", capped, "--json"]);
  assert.equal(json.stderr, line);
  assert.equal((JSON.parse(json.stdout) as { droppedCalls: number }).droppedCalls, 170);
  // Two files add up, as a merge does; a profile with none drops nothing and says nothing.
  assert.equal((JSON.parse(tsprof(["stats", capped, capped, "--json"]).stdout) as { droppedCalls: number }).droppedCalls, 340);
  const whole = join(dir, "whole.tsprof.json");
  assert.equal(tsprof(["run", "-o", whole, program]).status, 0);
  const none = tsprof(["stats", whole, "--json"]);
  assert.equal(none.stderr, "");
  assert.equal((JSON.parse(none.stdout) as { droppedCalls: number }).droppedCalls, 0);
});
