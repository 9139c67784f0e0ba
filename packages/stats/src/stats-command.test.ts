// runStatsCommand: what `tsprof stats` prints and returns, for good and bad input.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodePstats, type Profile } from "@tsprof/format";
import { parseRestriction, parseStatsArgs } from "./command-args";
import { runStatsCommand } from "./stats-command";

const PROFILE: Profile = {
  format: "tsprof-profile",
  version: 1,
  timeUnit: "s",
  meta: { tool: "test", clock: "tick" },
  duration: 1,
  functions: [
    { name: "main", qualifiedName: "main", file: "src/main.ts", line: 1, column: 1, kind: "function" },
    { name: "leaf", qualifiedName: "leaf", file: "src/leaf.ts", line: 2, column: 1, kind: "function" },
  ],
  stats: [
    { function: 0, calls: 1, primitiveCalls: 1, selfTime: 0.25, totalTime: 1 },
    { function: 1, calls: 3, primitiveCalls: 3, selfTime: 0.75, totalTime: 0.75 },
  ],
  edges: [{ caller: 0, callee: 1, calls: 3, primitiveCalls: 3, selfTime: 0.75, totalTime: 0.75 }],
};

function run(argv: string[]): { status: number; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  const status = runStatsCommand(argv, { stdout: { write: (s) => void (stdout += s) }, stderr: { write: (s) => void (stderr += s) } });
  return { status, stdout, stderr };
}

const dir = mkdtempSync(join(tmpdir(), "tsprof-stats-cmd-"));
const file = join(dir, "p.tsprof.json");
writeFileSync(file, JSON.stringify(PROFILE));

test("prints the table sorted by cumulative time by default, with the file line", () => {
  const result = run([file]);
  assert.equal(result.status, 0);
  assert.equal(result.stderr, "");
  const lines = result.stdout.split("\n");
  assert.match(lines[0]!, new RegExp(`^\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}    ${file.replace(/[.\\]/g, "\\$&")}$`));
  assert.deepEqual(lines.slice(2, 9), [
    "         4 function calls in 1.000 seconds",
    "",
    "   Ordered by: cumulative time",
    "",
    "   ncalls  tottime  percall  cumtime  percall filename:lineno(function)",
    "        1    0.250    0.250    1.000    1.000 src/main.ts:1(main)",
    "        3    0.750    0.250    0.750    0.250 src/leaf.ts:2(leaf)",
  ]);
});

test("-s takes several keys; --limit restrictions apply in order; --strip and --reverse", () => {
  const result = run([file, "-s", "calls", "name", "--limit", "leaf|main", "--limit", "1", "--strip", "--reverse"]);
  assert.equal(result.status, 0, result.stderr);
  // "leaf|main" keeps both rows (no message); reversed, main (1 call) comes first; the limit keeps it.
  assert.match(result.stdout, /Ordered by: call count, function name\n   List reduced from 2 to 1 due to restriction <1>\n\n/);
  assert.match(result.stdout, / main\.ts:1\(main\)\n/);
  assert.doesNotMatch(result.stdout, /leaf\.ts/);
});

test("--callers and --callees replace the table", () => {
  const result = run([file, "--callers", "--callees", "-s", "stdname"]);
  assert.equal(result.status, 0);
  assert.match(result.stdout, /was called by\.\.\.\n/);
  assert.match(result.stdout, /src\/main\.ts:1\(main\)  ->       3    0\.750    0\.750  src\/leaf\.ts:2\(leaf\)\n/);
  assert.doesNotMatch(result.stdout, /function calls/);
});

test("--json lists the rows with unrounded numbers", () => {
  const result = run([file, "--json", "-s", "time", "--limit", "1", "--callers"]);
  assert.equal(result.status, 0);
  const document = JSON.parse(result.stdout);
  assert.equal(document.orderedBy, "internal time");
  assert.deepEqual(document.restrictions, ["List reduced from 2 to 1 due to restriction <1>"]);
  assert.deepEqual(document.functions.map((f: { function: string }) => f.function), ["src/leaf.ts:2(leaf)"]);
  assert.equal(document.functions[0].callers[0].function, "src/main.ts:1(main)");
  assert.equal(document.totalTime, 1);
});

test("--json applies --call-sort and --call-limit as the text does, and lists the files as given", () => {
  // leaf is called 3 times by main and once by helper; by name helper comes first, by calls main.
  const twoCallers = join(dir, "two-callers.tsprof.json");
  writeFileSync(
    twoCallers,
    JSON.stringify({
      ...PROFILE,
      functions: [...PROFILE.functions, { name: "helper", qualifiedName: "helper", file: "src/a.ts", line: 3, column: 1, kind: "function" }],
      stats: [
        { function: 0, calls: 1, primitiveCalls: 1, selfTime: 0.25, totalTime: 1 },
        { function: 1, calls: 4, primitiveCalls: 4, selfTime: 1, totalTime: 1 },
        { function: 2, calls: 1, primitiveCalls: 1, selfTime: 0, totalTime: 0.25 },
      ],
      edges: [
        { caller: 0, callee: 1, calls: 3, primitiveCalls: 3, selfTime: 0.75, totalTime: 0.75 },
        { caller: 2, callee: 1, calls: 1, primitiveCalls: 1, selfTime: 0.25, totalTime: 0.25 },
      ],
    }),
  );
  const argv = [twoCallers, "--callers", "--call-sort", "calls", "--call-limit", "1", "-l", "leaf"];
  const text = run(argv).stdout;
  assert.match(text, /src\/leaf\.ts:2\(leaf\)  <-       3    0\.750    0\.750  src\/main\.ts:1\(main\)\n +\(1 more\)\n/);
  const document = JSON.parse(run([...argv, "--json"]).stdout);
  assert.deepEqual(document.files, [twoCallers]);
  assert.deepEqual(document.functions[0].callers.map((c: { function: string }) => c.function), ["src/main.ts:1(main)"]);
  assert.equal(document.functions[0].hiddenCallers, 1);
  const byName = JSON.parse(run([twoCallers, "--callers", "-l", "leaf", "--json"]).stdout);
  assert.deepEqual(byName.functions[0].callers.map((c: { function: string }) => c.function), ["src/a.ts:3(helper)", "src/main.ts:1(main)"]);
  assert.equal(byName.functions[0].hiddenCallers, undefined);
});

test("--dump writes a pstats file of the merged profiles", () => {
  const out = join(dir, "merged.prof");
  assert.equal(run([file, file, "--dump", out]).status, 0);
  const entries = decodePstats(readFileSync(out), out);
  assert.deepEqual(entries.map((e) => [e.function.name, e.calls]), [["main", 2], ["leaf", 6]]);
});

test("a .prof or .pstats file holding a tsprof profile (renamed) is read by its content, as a .json holding marshal is", () => {
  const expected = run([file, "-s", "name"]).stdout.split("\n").slice(1).join("\n");
  for (const name of ["renamed.prof", "renamed.pstats"]) {
    const renamed = join(dir, name);
    writeFileSync(renamed, readFileSync(file));
    const result = run([renamed, "-s", "name"]);
    assert.equal(result.stderr, "", name);
    assert.equal(result.stdout.split("\n").slice(1).join("\n"), expected, name);
  }
  const garbage = join(dir, "garbage.prof");
  writeFileSync(garbage, "not a profile");
  assert.match(run([garbage]).stderr, /^tsprof stats: .*garbage\.prof: bad marshal data/);
});

test("mistakes: one line on stderr, exit 2, no stack trace", () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /^tsprof stats: no profile given/],
    [[file, "-s", "speed"], /^tsprof stats: unknown sort key 'speed' \(valid keys, or unique prefixes: calls, ncalls/],
    [[file, "-s", "1", "-s", "name"], /^tsprof stats: cannot mix legacy numeric sort keys with named ones/],
    [[join(dir, "missing.json")], /^tsprof stats: .*missing\.json: no such file\n$/],
    [[dir], /is a directory\n$/],
    [[file, "--bogus"], /^tsprof stats: unknown option '--bogus'/],
    [[file, "--limit"], /^tsprof stats: --limit needs a value\n$/],
    [[file, "--dump", join(dir, "no", "such", "x.prof")], /^tsprof stats: cannot write .*x\.prof: no such directory\n$/],
    [[file, "--call-limit", "few"], /^tsprof stats: --call-limit needs a whole number, got 'few'\n$/],
    [[file, "--call-limit", "2"], /^tsprof stats: --call-limit orders the lists of --callers and --callees: give one of them\n$/],
    [[file, "--call-sort", "calls"], /^tsprof stats: --call-sort orders the lists of --callers and --callees: give one of them\n$/],
    [[file, "--json=false"], /^tsprof stats: --json: ignored explicit argument 'false'\n$/],
    [[file, "--strip=no"], /^tsprof stats: --strip: ignored explicit argument 'no'\n$/],
    [[file, "--callers=spin"], /^tsprof stats: --callers: ignored explicit argument 'spin'\n$/],
    [[file, "--reverse=", "--callees=x"], /^tsprof stats: --reverse: ignored explicit argument ''\n$/],
    [[file, "--help=1"], /^tsprof stats: --help: ignored explicit argument '1'\n$/],
  ];
  for (const [argv, message] of cases) {
    const result = run(argv);
    assert.equal(result.status, 2, argv.join(" "));
    assert.equal(result.stdout, "");
    assert.match(result.stderr, message);
    assert.equal(result.stderr.split("\n").length, 2, "exactly one line");
  }
  const bad = join(dir, "bad.json");
  writeFileSync(bad, JSON.stringify({ ...PROFILE, stats: [{ ...PROFILE.stats[0], calls: -1 }] }));
  assert.equal(run([bad]).stderr, `tsprof stats: ${bad}: stats[0].calls: expected a non-negative integer, got -1\n`);
});

test("short options take attached values, as argparse and tsprof run do: -stottime, -l1, -oFILE", () => {
  const dumped = join(dir, "attached.prof");
  const attached = run([file, "-stottime", "-l1", `-o${dumped}`]);
  const spaced = run([file, "-s", "tottime", "-l", "1"]);
  assert.equal(attached.status, 0, attached.stderr);
  assert.equal(attached.stdout, spaced.stdout);
  assert.match(attached.stdout, /Ordered by: internal time/);
  assert.ok(existsSync(dumped));
});

test("--help prints usage listing every sort key", () => {
  const result = run(["--help"]);
  assert.equal(result.status, 0);
  assert.match(result.stdout, /^usage: tsprof stats FILE\.\.\./);
  assert.match(result.stdout, /tottime-percall, cumtime-percall/);
});

test("argument parsing: restrictions as python -m pstats reads them; -s stops at a file", () => {
  assert.equal(parseRestriction("10"), 10);
  assert.deepEqual(parseRestriction("0.5"), { float: 0.5 });
  assert.deepEqual(parseRestriction("1.0"), { float: 1 });
  assert.equal(parseRestriction("main"), "main");
  assert.equal(parseRestriction(".*x"), ".*x");
  // Python's int() then float(): underscores between digits, any Unicode decimal digit, surrounding spaces.
  assert.equal(parseRestriction("1_0"), 10);
  assert.equal(parseRestriction("\uff11"), 1);
  assert.equal(parseRestriction(" 3 "), 3);
  assert.deepEqual(parseRestriction("1_0.5"), { float: 10.5 });
  assert.deepEqual(parseRestriction("\uff10.\uff15"), { float: 0.5 });
  assert.equal(parseRestriction("1__0"), "1__0");
  assert.deepEqual(parseStatsArgs(["-l", "1_0", "-l\uff12", file]).restrictions, [10, 2]);
  const args = parseStatsArgs(["-s", "time", "name", file, "--sort=cumulative,calls", "-s", "-1"]);
  assert.deepEqual(args.sort, ["time", "name", "cumulative", "calls", -1]);
  assert.deepEqual(args.files, [file]);
});

/**
 * runStatsCommand(argv) in a child process, so an input can be a pipe or a FIFO; with `stdinFrom`, its
 * stdin is a pipe from `cat` of that file (spawnSync's own stdin is a socket, which /dev/stdin cannot open).
 */
function runInChild(argv: string[], stdinFrom?: string): { status: number | null; stdout: string; stderr: string } {
  const script = `process.exitCode = require(${JSON.stringify(join(__dirname, "stats-command.js"))}).runStatsCommand(${JSON.stringify(argv)}, { stdout: process.stdout, stderr: process.stderr })`;
  const result =
    stdinFrom === undefined
      ? spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 20_000 })
      : spawnSync("sh", ["-c", `cat "$1" | "$2" -e "$3"`, "sh", stdinFrom, process.execPath, script], { encoding: "utf8", timeout: 20_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("--dump from a pipe or a FIFO: the input is read once (the dump read it again: 'empty file', and a FIFO waited forever)", async (t) => {
  if (process.platform === "win32") return t.skip("no /dev/stdin or mkfifo here");
  const fromPipe = join(dir, "from-pipe.tsprof.json");
  const piped = runInChild(["/dev/stdin", "--dump", fromPipe], file);
  assert.equal(piped.stderr, "");
  assert.equal(piped.status, 0);
  assert.deepEqual(JSON.parse(readFileSync(fromPipe, "utf8")).stats, PROFILE.stats);
  if (spawnSync("mkfifo", [join(dir, "fifo")]).status !== 0) return t.skip("no mkfifo here");
  const writer = spawn("sh", ["-c", `cat "$1" > "$2"`, "sh", file, join(dir, "fifo")], { stdio: "ignore" });
  const ended = new Promise((resolve) => writer.on("exit", resolve));
  const fromFifo = join(dir, "from-fifo.cpuprofile");
  const viaFifo = runInChild([join(dir, "fifo"), "--dump", fromFifo]);
  writer.kill();
  await ended;
  assert.equal(viaFifo.stderr, "");
  assert.equal(viaFifo.status, 0, "a hang ends in the 20 s timeout (status null)");
  assert.ok(JSON.parse(readFileSync(fromFifo, "utf8")).nodes.length > 0);
});

test("an empty or missing option value is refused in one line, not taken as nothing or as the next option", () => {
  const cases: Array<[string[], string]> = [
    [[file, "--dump", ""], "tsprof stats: --dump needs a file name, got ''\n"],
    [[file, "-o", ""], "tsprof stats: -o needs a file name, got ''\n"],
    [[file, "--dump="], "tsprof stats: --dump needs a file name, got ''\n"],
    [[file, "--dump", "--callers"], "tsprof stats: --dump needs a value\n"],
    [[file, "-l", "--json"], "tsprof stats: -l needs a value\n"],
  ];
  for (const [argv, stderr] of cases) assert.deepEqual([run(argv).status, run(argv).stderr], [2, stderr], argv.join(" "));
  assert.ok(!existsSync("--callers"));
  // pstats: sort_stats("") is a KeyError; the default order before.
  assert.match(run([file, "-s", ""]).stderr, /^tsprof stats: unknown sort key '' \(valid keys/);
  // A negative number is a value: the legacy key -1 (stdname).
  assert.equal(run([file, "-s", "-1"]).status, 0);
});
