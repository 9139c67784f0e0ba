// Byte-for-byte parity of @tsprof/stats with CPython's pstats, driven by fixtures/pstats/plan.json:
// - fixtures/pstats/<case>/py3X.prof: real cProfile dumps of <case>/program.py by each Python 3.8-3.13
//   (regenerate.sh); expected text py3X.txt is that interpreter's own pstats output (UPDATE_GOLDEN=1).
// - fixtures/stats/<case>/profile.tsprof.json: hand-written profiles; our marshal writer makes a .prof
//   that python3's pstats must print exactly as we print the profile (expected.txt, UPDATE_GOLDEN=1).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { decodePstats, encodePstats, profileToPstatsBytes, pstatsToProfile, readProfileFile, writeProfileFile } from "@tsprof/format";
import { compilePythonRegex, PythonRegexError, Stats, type Restriction } from "@tsprof/stats";
// test/dist/stats-parity.test.js -> the repository root.
const repoRoot = join(__dirname, "..", "..");

const pstatsDir = join(repoRoot, "fixtures", "pstats");
const statsDir = join(repoRoot, "fixtures", "stats");
const driver = join(pstatsDir, "driver.py");
const planPath = join(pstatsDir, "plan.json");
const updating = process.env.UPDATE_GOLDEN === "1";

type Step = [string, ...Array<string | number>];

/** Our side of driver.py: the same plan through @tsprof/stats. */
function runPlan(paths: string[], keepFiles: boolean): string {
  const plan = JSON.parse(readFileSync(planPath, "utf8")) as Step[][];
  let out = "";
  const stream = { write: (text: string) => void (out += text) };
  for (const steps of plan) {
    const stats = new Stats(paths, stream);
    if (!keepFiles) stats.files = [];
    for (const [operation, ...args] of steps) {
      if (operation === "sort") stats.sortStats(...args);
      else if (operation === "reverse") stats.reverseOrder();
      else if (operation === "strip") stats.stripDirs();
      else if (operation === "stats") stats.printStats(...(args as Restriction[]));
      else if (operation === "callers") stats.printCallers(...(args as Restriction[]));
      else if (operation === "callees") stats.printCallees(...(args as Restriction[]));
      else throw new Error(`unknown plan operation ${operation}`);
    }
  }
  return out;
}

function runPython(python: string, paths: string[], keepFiles: boolean): string {
  const args = [driver, ...(keepFiles ? [] : ["--no-files"]), planPath, ...paths];
  const result = spawnSync(python, args, { encoding: "utf8", env: { ...process.env, PYTHONIOENCODING: "utf-8" }, timeout: 60_000 });
  assert.equal(result.status, 0, `${python} driver.py failed: ${result.stderr}`);
  return result.stdout;
}

/** pyenv's interpreter for "38", "311", ...; undefined when not installed. */
function pyenvPython(version: string): string | undefined {
  const root = join(homedir(), ".pyenv", "versions");
  const wanted = `${version[0]}.${version.slice(1)}.`;
  const found = existsSync(root) ? readdirSync(root).filter((name) => name.startsWith(wanted)).sort() : [];
  const python = found.length > 0 ? join(root, found[found.length - 1]!, "bin", "python3") : undefined;
  return python && existsSync(python) ? python : undefined;
}

function pathPython(): string | undefined {
  return spawnSync("python3", ["--version"]).status === 0 ? "python3" : undefined;
}

function compareGolden(actual: string, goldenPath: string, regenerate: (() => string) | undefined): void {
  if (updating && regenerate) writeFileSync(goldenPath, regenerate());
  assert.ok(existsSync(goldenPath), `golden file missing: ${goldenPath} (run with UPDATE_GOLDEN=1 and Python installed)`);
  assert.equal(actual, readFileSync(goldenPath, "utf8"), `differs from ${goldenPath}`);
}

for (const name of readdirSync(pstatsDir).sort()) {
  const dir = join(pstatsDir, name);
  if (!existsSync(join(dir, "program.py"))) continue;
  const dumps = readdirSync(dir).filter((file) => /^py3\d+\.prof$/.test(file)).sort();
  for (const dump of dumps) {
    const version = dump.slice(2, -5);
    const path = join(dir, dump);
    const python = pyenvPython(version);
    test(`pstats/${name}/${dump}: our report equals Python ${version}'s pstats (golden)`, () => {
      compareGolden(runPlan([path], false), join(dir, `py${version}.txt`), python ? () => runPython(python, [path], false) : undefined);
    });
    test(`pstats/${name}/${dump}: our report equals Python ${version}'s pstats (live, with file lines)`, (t) => {
      if (!python) return t.skip(`python ${version} not found`);
      assert.equal(runPlan([path], true), runPython(python, [path], true));
    });
  }
  test(`pstats/${name}: all dumps added together (live, python3)`, (t) => {
    const python = pathPython();
    if (!python) return t.skip("python3 not found");
    const paths = dumps.map((dump) => join(dir, dump));
    assert.equal(runPlan(paths, true), runPython(python, paths, true));
  });
}

for (const name of readdirSync(statsDir).sort()) {
  const source = join(statsDir, name, "profile.tsprof.json");
  if (!existsSync(source)) continue;
  test(`stats/${name}: a tsprof profile prints as python3's pstats prints our marshal of it`, () => {
    const prof = join(mkdtempSync(join(tmpdir(), "tsprof-parity-")), `${name}.prof`);
    writeFileSync(prof, profileToPstatsBytes(readProfileFile(source)));
    const python = pathPython();
    const ours = runPlan([source], false);
    assert.equal(runPlan([prof], false), ours, "the .prof we wrote reads back as the profile");
    compareGolden(ours, join(statsDir, name, "expected.txt"), python ? () => runPython(python, [prof], false) : undefined);
    if (python) assert.equal(ours, runPython(python, [prof], false));
  });
}

test("callers given as bare call counts (the pure-Python profile module) print as pstats prints them", (t) => {
  const python = pathPython();
  if (!python) return t.skip("python3 not found");
  const main = { file: "m.py", line: 1, name: "main" };
  const leaf = { file: "m.py", line: 5, name: "leaf" };
  const entries = [
    { function: main, primitiveCalls: 1, calls: 1, selfTime: 0.25, totalTime: 1, callers: [] },
    { function: leaf, primitiveCalls: 3, calls: 3, selfTime: 0.75, totalTime: 0.75, callers: [{ caller: main, calls: 3, primitiveCalls: 3, selfTime: 0, totalTime: 0, countOnly: true }] },
  ];
  const prof = join(mkdtempSync(join(tmpdir(), "tsprof-parity-")), "counts.prof");
  writeFileSync(prof, encodePstats(entries));
  assert.equal(runPlan([prof], false), runPython(python, [prof], false));
  // Converted to .tsprof.json and back, they stay counts only (no made-up 0.000 times).
  const json = prof.replace(/\.prof$/, ".tsprof.json");
  writeProfileFile(json, pstatsToProfile(decodePstats(readFileSync(prof), prof)));
  const print = (path: string) => {
    let out = "";
    new Stats(path, { write: (text: string) => void (out += text) }).sortStats("cumulative").printCallers().printCallees();
    return out.split("\n").slice(1).join("\n");
  };
  assert.equal(print(json), print(prof));
  assert.match(print(json), /m\.py:5\(leaf\)\s+<- m\.py:1\(main\)\(3\)    1\.000\n/);
  const back = join(dirname(prof), "back.prof");
  writeFileSync(back, profileToPstatsBytes(readProfileFile(json)));
  assert.equal(runPython(python, [back], false), runPython(python, [prof], false));
});

// The pure-Python profile module keys its top entry by a code object, whose marshal layout differs per version.
const profileModuleDir = join(repoRoot, "fixtures", "pstats-profile-module");
for (const dump of readdirSync(profileModuleDir).filter((file) => /^py3\d+\.prof$/.test(file)).sort()) {
  const version = dump.slice(2, -5);
  test(`pstats-profile-module/${dump}: a profile-module dump of Python ${version} prints as that Python's pstats prints it`, (t) => {
    const path = join(profileModuleDir, dump);
    let ours = "";
    new Stats(path, { write: (text: string) => void (ours += text) }).sortStats("cumulative").printStats().printCallers().printCallees();
    assert.match(ours, /profile:0\(<code object <module> at 0x000000000000, file "program\.py", line [12]>\)/); // the first line: 1, or 2 where a version skips the comment
    const python = pyenvPython(version);
    if (!python) return t.skip(`python ${version} not found`);
    const script = "import pstats, sys\npstats.Stats(sys.argv[1]).sort_stats('cumulative').print_stats().print_callers().print_callees()\n";
    const result = spawnSync(python, ["-c", script, path], { encoding: "utf8", timeout: 60_000 });
    assert.equal(result.status, 0, result.stderr);
    // The one difference: the code object's address, which the file does not hold.
    assert.equal(ours, result.stdout.replace(/ at 0x[0-9a-f]{12},/g, " at 0x000000000000,"));
  });
}

// --limit patterns are Python's: each pattern's re.search verdict on each name, by Python and by the translation.
const REGEX_PATTERNS = [
  "(?i)SPIN", "(?i)(?s)sp.n", "(?im)^b", "(?x) s p i n  # comment", "(?#note)spin", "(?P<n>s)(?P=n)", "(?a)\\w\\.py",
  "\\Amain", "spin\\)\\Z", "spin\\)$", "\\w\\.py", "\\bspin\\b", "\\d+\\(", "\\D\\(", "\\s", "\\S+x", "\\W", "[\\w.]+py",
  "x{,3}y", "x{", "{}", "[]a]", "[^]]", "a.b", "\\x41", "\\u00e9", "\\101", "\\:", "\\q", "(?<n>x)", "(", "a|b\\)",
  // Group references Python refuses (a group not yet opened, or still open; JS matched them as empty),
  // quantified lookarounds Python takes (a `u` RegExp refused them), unbalanced parentheses.
  "\\1(a)", "(a\\1)", "(s)\\1", "(?P=n)(?P<n>s)", "(?P<n>s(?P=n))", "(?P<n>a)(?P<n>b)", "(?=s){2}pin", "(?!x)*spin", "(?<=s)+pin", "x)", "(?:a",
];
const REGEX_SUBJECTS = ["main.py:1(<module>)", "src/spin.ts:4(spin)", "a\nb:1(x)", "é.py:2(ß)", "٣.py:3(f)", "x\u0660(y)", "x\u001cy", "Axx:{}y", "a]b", "x:1(\u2028)"];

test("--limit regular expressions match what Python's re.search matches (python-regex.ts)", (t) => {
  const python = pathPython();
  if (!python) return t.skip("python3 not found");
  const script = "import json, re, sys\nps, ss = json.load(sys.stdin)\nout = []\nfor p in ps:\n    try:\n        r = re.compile(p)\n    except re.error:\n        out.append(None)\n        continue\n    out.append([bool(r.search(s)) for s in ss])\nprint(json.dumps(out))\n";
  const result = spawnSync(python, ["-c", script], { input: JSON.stringify([REGEX_PATTERNS, REGEX_SUBJECTS]), encoding: "utf8", timeout: 60_000 });
  assert.equal(result.status, 0, result.stderr);
  const expected = JSON.parse(result.stdout) as Array<boolean[] | null>;
  REGEX_PATTERNS.forEach((pattern, index) => {
    const regex = compilePythonRegex(pattern);
    assert.deepEqual(regex ? REGEX_SUBJECTS.map((subject) => regex.test(subject)) : null, expected[index], pattern);
  });
  // Valid Python with no faithful translation: refused by name, never a pattern that matches otherwise.
  for (const pattern of ["(?i:spin)", "a(?i)b", "(?(1)a|b)", "(?>a)", "a++", "\\N{LATIN SMALL LETTER E}", "[\\W]"]) {
    assert.throws(() => compilePythonRegex(pattern), PythonRegexError, pattern);
  }
  // Valid Python that V8 cannot compile (too large, found at its first use): refused by name, before
  // anything is printed, instead of an internal error after the header.
  assert.throws(() => compilePythonRegex("x".repeat(40000)), { name: "PythonRegexError", message: /a pattern this large \(40000 characters\)/ });
});
