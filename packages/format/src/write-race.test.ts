// Many processes given one output path (TSPROF_OUTPUT without %p: a forked child, a test runner's
// workers) that end in the same moment: each profile is somewhere, none replaced by a sibling's.
// The children write with writeProfileFile's `unlessChanged`, as the runtime does at exit, the
// identity taken when they start. The moment that matters is between a writer's last look at the
// path and its rename (or link) onto it, a few microseconds: to have every child inside it at
// once, each child's first link or rename waits at a barrier (it says "at" on stdout and blocks
// reading its stdin) until all have arrived, and the test then lets them all go. No sleeps; a
// writer that waited for another before its rename would never arrive, and the test's timeout says so.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileIdentity, replacementClaimPath, writeProfileFile } from "./file";
import { ONE_CALL_PROFILE } from "./one-call-profile.test-helper";

const CHILDREN = 6;
const ROUNDS = 5;

/**
 * A child's script: fs.linkSync and fs.renameSync replaced before file.js takes them (at load), the
 * first call of either waiting at the barrier; then the identity, the write, and the path written
 * on stdout. `noHardLinks`: link() fails with EPERM, as on a file system without hard links.
 */
function childScript(noHardLinks: boolean): string {
  return `
    const fs = require("fs");
    const { linkSync, renameSync, readSync, writeSync } = fs;
    let waited = false;
    const barrier = () => {
      if (waited) return;
      waited = true;
      writeSync(1, "at\\n");
      readSync(0, Buffer.alloc(1), 0, 1, null);
    };
    fs.linkSync = (...args) => {
      if (${noHardLinks}) { const e = new Error("EPERM: operation not permitted, link"); e.code = "EPERM"; throw e; }
      barrier();
      return linkSync(...args);
    };
    fs.renameSync = (...args) => {
      barrier();
      return renameSync(...args);
    };
    const { fileIdentity, writeProfileFile } = require(${JSON.stringify(join(__dirname, "file.js"))});
    const [path, profileJson] = process.argv.slice(1);
    const identity = fileIdentity(path);
    const otherwise = path.slice(0, -".tsprof.json".length) + "-" + process.pid + ".tsprof.json";
    const written = writeProfileFile(path, JSON.parse(profileJson), { identity, otherwise });
    writeSync(1, written + "\\n");
  `;
}

function profileNamed(name: string): typeof ONE_CALL_PROFILE {
  return { ...ONE_CALL_PROFILE, functions: [{ ...ONE_CALL_PROFILE.functions[0]!, name, qualifiedName: name }] };
}

/** Runs CHILDREN writers to `path`, let go together at the barrier; returns, per child, its profile's name and the path it says it wrote. */
async function writeTogether(path: string, noHardLinks: boolean): Promise<Array<{ name: string; written: string }>> {
  const children = Array.from({ length: CHILDREN }, (_, i) => {
    const name = `work${i}`;
    const child = spawn(process.execPath, ["-e", childScript(noHardLinks), path, JSON.stringify(profileNamed(name))], { stdio: ["pipe", "pipe", "inherit"], timeout: 120_000 });
    let out = "";
    const arrived = new Promise<void>((resolve) => {
      child.stdout.on("data", (data: Buffer) => {
        out += data.toString();
        if (out.startsWith("at\n")) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    return { name, child, arrived, exited, output: () => out };
  });
  await Promise.all(children.map((c) => c.arrived));
  for (const c of children) c.child.stdin.end("g");
  const results = [];
  for (const c of children) {
    assert.equal(await c.exited, 0, `${c.name} exited`);
    results.push({ name: c.name, written: c.output().slice("at\n".length).trim() });
  }
  return results;
}

function assertEveryProfileKept(dir: string, path: string, results: Array<{ name: string; written: string }>, round: string): void {
  for (const { name, written } of results) {
    const profile = JSON.parse(readFileSync(written, "utf8"));
    assert.equal(profile.functions[0].name, name, `${round}: ${name}'s profile is at ${written}, not another's`);
  }
  assert.equal(new Set(results.map((r) => r.written)).size, CHILDREN, `${round}: ${CHILDREN} files`);
  assert.equal(results.filter((r) => r.written === path).length, 1, `${round}: one writer has the path`);
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith(".")), [], `${round}: no temp or claim file left`);
}

for (const noHardLinks of [false, true]) {
  const fs = noHardLinks ? " (a file system without hard links)" : "";
  test(`processes ending together over a file an earlier run left: one replaces it, the others write <name>-<pid>, no profile lost${fs}`, { timeout: 300_000 }, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const dir = mkdtempSync(join(tmpdir(), "tsprof-race-"));
      const path = join(dir, "one.tsprof.json");
      writeFileSync(path, "an earlier run's profile");
      assertEveryProfileKept(dir, path, await writeTogether(path, noHardLinks), `round ${round}`);
    }
  });

  test(`processes ending together with no file there: one makes it, the others write <name>-<pid>, no profile lost${fs}`, { timeout: 300_000 }, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const dir = mkdtempSync(join(tmpdir(), "tsprof-race-"));
      const path = join(dir, "one.tsprof.json");
      assertEveryProfileKept(dir, path, await writeTogether(path, noHardLinks), `round ${round}`);
    }
  });
}

test("a claim on the file another writer is replacing sends the profile to `otherwise`; a claim left long ago by a writer that died is removed", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-race-"));
  const path = join(dir, "one.tsprof.json");
  const otherwise = join(dir, "one-7.tsprof.json");
  writeFileSync(path, "an earlier run's profile");
  const identity = fileIdentity(path);
  const claim = replacementClaimPath(path, identity);
  // Another writer holds the claim on this very file: it is replacing it, this profile goes beside it.
  writeFileSync(claim, "");
  assert.equal(writeProfileFile(path, ONE_CALL_PROFILE, { identity, otherwise }), otherwise);
  assert.equal(readFileSync(path, "utf8"), "an earlier run's profile");
  assert.deepEqual(readdirSync(dir).sort(), [".tsprof-" + claim.split(".tsprof-")[1], "one-7.tsprof.json", "one.tsprof.json"].sort());
  // The claim is five minutes old: its writer died holding it (a claim lives for a rename). Removed, so
  // that the next writer replaces the file; this one still goes beside it (two removers must not both write).
  utimesSync(claim, new Date(Date.now() - 300_000), new Date(Date.now() - 300_000));
  assert.equal(writeProfileFile(path, ONE_CALL_PROFILE, { identity, otherwise }), otherwise);
  assert.deepEqual(readdirSync(dir).sort(), ["one-7.tsprof.json", "one.tsprof.json"]);
  assert.equal(writeProfileFile(path, ONE_CALL_PROFILE, { identity, otherwise }), path);
  assert.equal(JSON.parse(readFileSync(path, "utf8")).format, "tsprof-profile");
  assert.deepEqual(readdirSync(dir).sort(), ["one-7.tsprof.json", "one.tsprof.json"]);
});
