// `tsprof stats`, `stats -i`/`browse` and `diff` through the command line, on a profile made by `tsprof run`.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { throughPipe, tsprof, tsprofBin, repoRoot, findPython } from "./helpers/cli";
import { decodePstats, looksLikeMarshal } from "@tsprof/format";

const work = mkdtempSync(join(tmpdir(), "tsprof-stats-cli-"));
const profile = join(work, "p.tsprof.json");

before(() => {
  const result = tsprof(["run", "-o", profile, join(repoRoot, "fixtures", "tables", "recursion", "main.js")]);
  assert.equal(result.status, 0, result.stderr);
});

test("stats prints the saved table with the file line first, as pstats does", () => {
  const result = tsprof(["stats", profile, "-s", "ncalls"]);
  assert.equal(result.status, 0);
  assert.match(result.stdout, /p\.tsprof\.json\n\n\s+15 function calls \(6 primitive calls\) in 0\.029 seconds\n\n   Ordered by: call count\n/);
  assert.match(result.stdout, /\n\s+5\/2\s+0\.008\s+0\.002\s+0\.014\s+0\.007 fixtures\/tables\/recursion\/main\.js:5\(isEven\)\n/);
});

test("stats -i reads commands from stdin like python -m pstats", () => {
  const result = tsprof(["stats", "-i", profile], { input: "sort calls\nstats 1\ncallees main\nquit\n" });
  assert.equal(result.status, 0);
  assert.match(result.stdout, /^Welcome to the profile statistics browser\.\n/);
  assert.match(result.stdout, /List reduced from 4 to 1 due to restriction <1>/);
  assert.match(result.stdout, /main\.js:11\(main\)\s+->\s+1\s+0\.002\s+0\.009\s+fixtures\/tables\/recursion\/main\.js:2\(fact\)/);
  assert.match(result.stdout, /Goodbye\.\n$/);
});

test("-i is the browser only as an option of its own: not a file after --, nor an option's value", () => {
  const named = join(work, "-i");
  writeFileSync(named, readFileSync(profile));
  const afterDashes = tsprof(["stats", "--", "-i"], { cwd: work });
  assert.equal(afterDashes.status, 0, afterDashes.stderr);
  assert.match(afterDashes.stdout, /15 function calls \(6 primitive calls\)/);
  // The browser took it for its flag and named itself: "tsprof browse: unknown option '-l'".
  const asValue = tsprof(["stats", profile, "-l", "-i"]);
  assert.deepEqual([asValue.status, asValue.stderr], [2, "tsprof stats: -l needs a value\n"]);
});

test("diff of a profile against itself shows no change and exits 0", () => {
  const result = tsprof(["diff", profile, profile]);
  assert.equal(result.status, 0);
  assert.match(result.stdout, /\+0 function calls, \+0\.000 seconds/);
});

test("stats on a file that is not a profile: one line naming it, exit 2", () => {
  const bad = join(work, "bad.tsprof.json");
  writeFileSync(bad, "{\"format\": \"tsprof-profile\", \"version\": 1, ");
  const result = tsprof(["stats", bad]);
  assert.equal(result.status, 2);
  assert.equal(result.stderr.split("\n").length, 2);
  assert.match(result.stderr, /bad\.tsprof\.json/);
  assert.equal(result.stdout, "");
});

test("diff --fail-on: exit 1 with one stderr line per breached budget, 0 when within budget", () => {
  const bigger = join(work, "bigger.tsprof.json");
  const program = join(work, "more-calls.js");
  // The recursion fixture's functions, called a little more: fact(6) instead of fact(5).
  writeFileSync(program, "function fact(n) {\n  return n <= 1 ? 1 : n * fact(n - 1);\n}\nconsole.log(fact(6));\n");
  assert.equal(tsprof(["run", "-o", bigger, program]).status, 0);
  const same = tsprof(["diff", profile, profile, "--fail-on", "calls>+0%"]);
  assert.equal(same.status, 0);
  assert.equal(same.stderr, "");
  const grown = tsprof(["diff", bigger, profile, "--fail-on", "calls>+10%", "--fail-on", "time>+1s"]);
  assert.equal(grown.status, 1);
  // 6 calls -> 15 calls
  assert.equal(grown.stderr, "tsprof diff: budget calls>+10% exceeded by total: calls 6 -> 15 (+150.0%)\n");
  const bad = tsprof(["diff", profile, profile, "--fail-on", "speed>+1%"]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^tsprof diff: --fail-on 'speed>\+1%': unknown metric/);
});

test("a program that recorded nothing, saved as .prof (one zero row, ~:0(<no calls recorded>), for pstats' sake), has no rows for stats, --json and diff", () => {
  const program = join(work, "none.js");
  writeFileSync(program, "console.log(1)\n");
  const none = join(work, "none.prof");
  assert.equal(tsprof(["run", "-o", none, program]).status, 0);
  assert.ok(looksLikeMarshal(readFileSync(none)), "a pstats file");
  // diff listed the stand-in as a function that disappeared: `{no calls recorded}  (gone)`.
  const diff = tsprof(["diff", none, profile]);
  assert.equal(diff.status, 0, diff.stderr);
  assert.doesNotMatch(diff.stdout, /no calls recorded|\(gone\)/);
  assert.equal(diff.stdout.match(/\(new\)/g)?.length, 4, "the four functions of the recursion fixture");
  const table = tsprof(["stats", none]);
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /none\.prof\n\n\s+0 function calls in 0\.000 seconds\n\n$/, "the header alone, as for an empty .tsprof.json");
  const merged = tsprof(["stats", none, profile]);
  assert.doesNotMatch(merged.stdout, /no calls recorded/);
  assert.match(merged.stdout, /15 function calls \(6 primitive calls\)/);
  const json = tsprof(["stats", "--json", none]);
  assert.deepEqual(JSON.parse(json.stdout).functions, []);
});

test("stats --dump/-o writes the merged rows in the format its extension names, any other name a pstats file", () => {
  const table = (file: string) => tsprof(["stats", file, "-s", "ncalls"]).stdout.split("\n").slice(2).join("\n");
  for (const name of ["merged.tsprof.json", "merged.prof"]) {
    const out = join(work, name);
    const result = tsprof(["stats", profile, profile, "-o", out]);
    assert.equal(result.status, 0, result.stderr);
    const merged = tsprof(["stats", out, "-s", "ncalls"]);
    assert.equal(merged.status, 0, merged.stderr);
    assert.match(merged.stdout, /\s+30 function calls \(12 primitive calls\) in 0\.058 seconds\n/, name);
    assert.equal(table(join(work, name)), tsprof(["stats", profile, profile, "-s", "ncalls"]).stdout.split("\n").slice(3).join("\n"), name);
  }
  const cpu = join(work, "merged.cpuprofile");
  assert.equal(tsprof(["stats", profile, "--dump", cpu]).status, 0);
  // Any other name is a pstats file, as cProfile's dump_stats writes (restats is the name Python's docs use).
  for (const name of ["merged.txt", "merged.stats", "restats"]) {
    const out = join(work, name);
    const result = tsprof(["stats", profile, profile, "-o", out]);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(looksLikeMarshal(readFileSync(out)), `${name}: Python's marshal of a dict`);
    assert.equal(table(out), tsprof(["stats", profile, profile, "-s", "ncalls"]).stdout.split("\n").slice(3).join("\n"), name);
  }
});

/** `tsprof ARGS > /dev/full`: every write to stdout fails with ENOSPC. */
function tsprofToFullDevice(args: string[], input = ""): { status: number | null; stderr: string } {
  const full = openSync("/dev/full", "w");
  try {
    const result = spawnSync(process.execPath, [tsprofBin, ...args], { cwd: repoRoot, env: { ...process.env, TSPROF_CLOCK: "tick" }, encoding: "utf8", input, stdio: ["pipe", full, "pipe"], timeout: 60_000 });
    return { status: result.status, stderr: result.stderr };
  } finally {
    closeSync(full);
  }
}

test("stdout that cannot be written (> /dev/full): one line and exit 1 for every command, no stack trace", { skip: !existsSync("/dev/full") && "no /dev/full" }, () => {
  const program = join(work, "quiet.js");
  writeFileSync(program, "function f() { return 1; }\nf();\n");
  for (const [args, input] of [[["stats", profile]], [["diff", profile, profile]], [["--help"]], [["stats", "--help"]], [["stats", "-i", profile], "stats\nquit\n"], [["run", program]]] as Array<[string[], string?]>) {
    const result = tsprofToFullDevice(args, input);
    assert.equal(result.stderr, "tsprof: cannot write the output: no space left on device (ENOSPC)\n", args.join(" "));
    assert.equal(result.status, 1, args.join(" "));
  }
});

test("--limit and --fail-on read Python's regular expressions; a construct with no translation is one line, exit 2", () => {
  const result = tsprof(["stats", profile, "-l", "(?i)ISEVEN"]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /List reduced from 4 to 1 due to restriction <'\(\?i\)ISEVEN'>/);
  for (const args of [["stats", profile, "-l", "(?i:even)"], ["diff", profile, profile, "--limit", "(?i:even)"], ["diff", profile, profile, "--fail-on", "calls>+1%@(?i:even)"]]) {
    const refused = tsprof(args);
    assert.equal(refused.status, 2, args.join(" "));
    assert.equal(refused.stdout, "");
    assert.match(refused.stderr, /^tsprof (stats|diff): .*'\(\?i:even\)': a group with its own flags \(\?flags:\.\.\.\) is not supported .*\n$/);
  }
});

test("stats --dump of one .tsprof.json is that profile (tree, meta, duration); a lossy dump onto an input is refused", () => {
  const copy = join(work, "copy.tsprof.json");
  assert.equal(tsprof(["stats", profile, "-o", copy]).status, 0);
  assert.equal(readFileSync(copy, "utf8"), readFileSync(profile, "utf8"));
  const cpu = join(work, "copy.cpuprofile");
  assert.equal(tsprof(["stats", profile, "-o", cpu]).status, 0);
  const nodes = (JSON.parse(readFileSync(cpu, "utf8")) as { nodes: Array<{ children?: number[] }> }).nodes;
  assert.ok(nodes.some((node) => node.children?.some((child) => nodes[child - 1] && (nodes[child - 1]!.children ?? []).length > 0)), "the call tree (fact under main under the root), not a flat list");
  // Rows only (a pstats input, --strip): meta names the clocks the data came from.
  const pstats = join(work, "copy.prof");
  assert.equal(tsprof(["stats", profile, "-o", pstats]).status, 0);
  const mixed = join(work, "mixed.tsprof.json");
  assert.equal(tsprof(["stats", pstats, profile, "-o", mixed]).status, 0);
  assert.equal((JSON.parse(readFileSync(mixed, "utf8")) as { meta: { clock: string } }).meta.clock, "python+tick");
  const input = join(work, "input.tsprof.json");
  writeFileSync(input, readFileSync(profile));
  const refused = tsprof(["stats", input, "--strip", "-o", input]);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /^tsprof stats: --dump .*input\.tsprof\.json would overwrite the input .* with less than it holds/);
  assert.equal(readFileSync(input, "utf8"), readFileSync(profile, "utf8"));
});

test("stats --dump x.cpuprofile of a count-mode profile (.tsprof.json or .prof) refuses in one line, exit 2, writing nothing", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-count-dump-"));
  writeFileSync(join(dir, "tiny.js"), "function f(){return 1} f()\n");
  for (const name of ["c.tsprof.json", "c.prof"]) {
    const run = tsprof(["run", "-o", name, "tiny.js"], { cwd: dir, env: { TSPROF_MODE: "count" } });
    assert.equal(run.status, 0, run.stderr);
    const refused = tsprof(["stats", name, "--dump", "c.cpuprofile"], { cwd: dir });
    assert.equal(refused.status, 2, name);
    assert.equal(refused.stdout, "", name);
    assert.equal(refused.stderr, "tsprof stats: --dump c.cpuprofile: the profile has calls and no times (as TSPROF_MODE=count records them), and a .cpuprofile holds nothing else: dump to .tsprof.json, .prof or .pstats for the counts\n", name);
    assert.ok(!existsSync(join(dir, "c.cpuprofile")), name);
  }
  // With times from another profile the merge has something to show.
  assert.equal(tsprof(["run", "-o", "t.tsprof.json", "tiny.js"], { cwd: dir }).status, 0);
  assert.equal(tsprof(["stats", "c.tsprof.json", "t.tsprof.json", "--dump", "c.cpuprofile"], { cwd: dir }).status, 0);
});

test("a function literally named like another's column label ('f col 10') is its own row, in .prof and .tsprof.json tables and in Python's pstats", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-col-label-"));
  const script = join(dir, "coll.js");
  writeFileSync(
    script,
    'const o={f(){return 1},p:{f(){return 2}},"f col 10"(){return 3}};\n' +
      'function main(){ o.f(); o.p.f(); o.p.f(); o["f col 10"](); o["f col 10"](); o["f col 10"](); }\nmain();\n',
  );
  const rowsOf = (table: string) =>
    table
      .split("\n")
      .map((line) => /^\s+(\d+)\s.*\s(\S+:\d+\(.*\))$/.exec(line))
      .filter((match) => match !== null)
      .map((match) => `${match![1]} ${match![2].replace(/^.*[\\/]/, "")}`)
      .sort();
  const expected = ["1 coll.js:1(f col 10)", "1 coll.js:2(main)", "2 coll.js:1(f col 27)", "3 coll.js:1(f col 10 col 42)"];
  for (const name of ["c.prof", "c.tsprof.json"]) {
    const out = join(dir, name);
    const run = tsprof(["run", "-o", out, script], { cwd: dir });
    assert.equal(run.status, 0, run.stderr);
    const stats = tsprof(["stats", out], { cwd: dir });
    assert.equal(stats.status, 0, stats.stderr);
    assert.deepEqual(rowsOf(stats.stdout), expected, name);
  }
  const python = findPython();
  if (!python) return t.skip("python3 not found");
  const pstats = spawnSync(python, ["-c", "import pstats, sys; pstats.Stats(sys.argv[1]).print_stats()", join(dir, "c.prof")], { encoding: "utf8" });
  assert.equal(pstats.status, 0, pstats.stderr);
  assert.deepEqual(rowsOf(pstats.stdout), expected);
});

test("stats --dump /dev/stdout or /dev/stderr where that is a pipe writes the pstats dump into it", { skip: process.platform !== "linux" && "Linux's /proc links" }, () => {
  // Failed with "cannot write /dev/stdout: no such directory", exit 2: the link's target, pipe:[N],
  // was taken for a file in /proc/self/fd.
  const toStderr = throughPipe([process.execPath, tsprofBin, "stats", profile, "--dump", "/dev/stderr"], "stderr", { cwd: work });
  assert.equal(toStderr.status, 0, toStderr.piped.toString());
  assert.match(toStderr.other, /15 function calls \(6 primitive calls\)/);
  assert.equal(decodePstats(toStderr.piped, "stderr").find((entry) => entry.function.name === "isEven")?.calls, 5);
  // Onto stdout the dump comes first (it is written before the table is printed), then the table.
  const toStdout = throughPipe([process.execPath, tsprofBin, "stats", profile, "--dump", "/dev/stdout"], "stdout", { cwd: work });
  assert.equal(toStdout.status, 0, toStdout.other);
  assert.ok(looksLikeMarshal(toStdout.piped), "the dump first");
  assert.match(toStdout.piped.toString("latin1"), /15 function calls \(6 primitive calls\)/);
});
