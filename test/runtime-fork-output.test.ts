// Under plain node, a forked child inherits TSPROF_OUTPUT: without %p, parent and child name one
// file. Neither profile may be lost: the one that writes second finds the file written by another
// process since it started, writes `<name>-<pid>.<ext>` instead and says so in one stderr line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readAnyProfileFile } from "@tsprof/format";

// Instrumented by hand as the transform would: parentWork (twice in the parent), childWork (twice in the child).
const program = `const probe = require(${JSON.stringify(require.resolve("@tsprof/runtime/probe"))}).module("forkp.js", [["parentWork", "", 2, 1, 0], ["childWork", "", 3, 1, 0]]);
const { fork } = require("child_process");
function parentWork() { const t = probe.enter(0); try { return 1; } finally { probe.exit(t); } }
function childWork() { const t = probe.enter(1); try { return 1; } finally { probe.exit(t); } }
if (process.argv[2] === "child") { childWork(); childWork(); }
else { parentWork(); console.log(process.pid); fork(__filename, ["child"]).on("exit", () => parentWork()); }
`;

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("TSPROF_")) env[key] = value;
  return { ...env, ...extra };
}

function callsIn(path: string): Record<string, number> {
  const profile = readAnyProfileFile(path);
  return Object.fromEntries(profile.stats.map((row) => [profile.functions[row.function]!.qualifiedName, row.calls]));
}

for (const earlier of [false, true]) {
  test(`a forked child and its parent with one TSPROF_OUTPUT keep both profiles${earlier ? " (over a file of an earlier run)" : ""}`, () => {
    const dir = mkdtempSync(join(tmpdir(), "tsprof-fork-"));
    writeFileSync(join(dir, "forkp.js"), program);
    // A file an earlier run left is replaced as always: only a file written during this run is kept.
    if (earlier) writeFileSync(join(dir, "out.tsprof.json"), "an earlier run's profile");
    const result = spawnSync(process.execPath, ["forkp.js"], { cwd: dir, env: cleanEnv({ TSPROF_OUTPUT: "out.tsprof.json" }), encoding: "utf8", timeout: 30_000 });
    assert.equal(result.status, 0, result.stderr);
    const parentPid = Number(result.stdout.trim());
    const mine = join(dir, `out-${parentPid}.tsprof.json`);
    // The child ends first (the parent waits for its exit), so the parent is the one told.
    assert.equal(result.stderr, `tsprof: ${join(dir, "out.tsprof.json")} was written by another process while this one ran (one TSPROF_OUTPUT without %p for both): profile written to ${mine}\n`);
    assert.deepEqual(readdirSync(dir).sort(), ["forkp.js", `out-${parentPid}.tsprof.json`, "out.tsprof.json"]);
    assert.deepEqual(callsIn(join(dir, "out.tsprof.json")), { childWork: 2 });
    assert.deepEqual(callsIn(mine), { parentWork: 2 });
  });
}
