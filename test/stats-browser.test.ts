// The pstats browser against `python3 -m pstats` itself: the same scripted session, byte for byte.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Readable } from "node:stream";
import { runBrowser } from "@tsprof/stats";

const caseDir = join(__dirname, "..", "..", "fixtures", "pstats", "recursion");
// Every command, restriction kinds, an empty line (repeats), unknown syntax, help topics, reload and add, unreadable files.
const SCRIPT = [
  "help", "help sort", "help stats", "?callers", "help nothing", "sort", "sort cum name", "sort cumulative name",
  "stats 3", "", "callers fact 2", "reverse", "stats 2 1.5 -1 0.5", "strip", "stats 2", "bogus", "123",
  "read", "add py38.prof", "sort tottime", "stats .*spin", "callees 1", "sort time calls", "callees is_",
  // Files that cannot be opened (ENOENT, EISDIR, ENOTDIR): Python's strerror, and add's OSError text.
  "read nope.prof", "add nope.prof", "read ..", "add ..", "read py311.prof/x", "add py311.prof/x", "add it's.prof", "stats 1",
  // Numbers as Python's int() and float() read them: underscores, fullwidth and Arabic-Indic digits.
  "stats 1_0", "callers \uff12 1_0.5", "stats \u0663", "quit",
].join("\n") + "\n";

test("a scripted session prints exactly what python3 -m pstats prints", async (t) => {
  if (spawnSync("python3", ["--version"]).status !== 0) return t.skip("python3 not found");
  const python = spawnSync("python3", ["-m", "pstats", "py311.prof"], { cwd: caseDir, input: SCRIPT, encoding: "utf8" });
  assert.equal(python.status, 0, python.stderr);
  let ours = "";
  const cwd = process.cwd();
  process.chdir(caseDir);
  try {
    await runBrowser(Readable.from([SCRIPT]), { write: (s) => void (ours += s) }, ["py311.prof"]);
  } finally {
    process.chdir(cwd);
  }
  assert.equal(ours, python.stdout);
});
