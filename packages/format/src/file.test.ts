// writeProfileFile's format rule, profileFileFormat(): the one every tsprof writer uses.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { profileFileFormat, writeProfileFile } from "./file";
import { looksLikeMarshal, readAnyProfileFile } from "./pstats-marshal";
import { ONE_CALL_PROFILE as PROFILE } from "./one-call-profile.test-helper";

test("profileFileFormat: .tsprof.json and .json are tsprof's, .cpuprofile Chrome's, any other name a pstats file (as cProfile's dump_stats writes)", () => {
  const cases: Array<[string, string]> = [
    ["p.tsprof.json", "tsprof"],
    ["dir/P.JSON", "tsprof"],
    ["p.cpuprofile", "cpuprofile"],
    ["P.CPUPROFILE", "cpuprofile"],
    ["p.prof", "pstats"],
    ["p.pstats", "pstats"],
    ["restats", "pstats"],
    ["p.stats", "pstats"],
    ["p.out", "pstats"],
    ["dir/.json", "pstats"], // a dotfile's name, no extension (as path.extname sees it)
  ];
  for (const [path, format] of cases) assert.equal(profileFileFormat(path), format, path);
});

test("writeProfileFile writes marshal for names like restats, x.stats and x.out, which pstats loads", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-file-"));
  for (const name of ["restats", "x.stats", "x.out"]) {
    const path = join(dir, name);
    writeProfileFile(path, PROFILE);
    assert.ok(looksLikeMarshal(readFileSync(path)), name);
    assert.equal(readAnyProfileFile(path).stats[0]?.calls, 1, name);
  }
  writeProfileFile(join(dir, "x.json"), PROFILE);
  assert.equal(JSON.parse(readFileSync(join(dir, "x.json"), "utf8")).format, "tsprof-profile");
});

test("a directory (existing, or named with a trailing /) or an empty name is one EISDIR or ENOENT naming the user's path, as an open says it; nothing is left behind", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-file-"));
  const target = join(dir, "dd");
  mkdirSync(target);
  const message = (path: string): string => {
    try {
      writeProfileFile(path, PROFILE);
    } catch (error) {
      return (error as Error).message;
    }
    return "written";
  };
  assert.equal(message(target), `EISDIR: illegal operation on a directory, open '${target}'`);
  assert.equal(message(`${target}/`), `EISDIR: illegal operation on a directory, open '${target}/'`);
  assert.equal(message(join(dir, "new.json") + "/"), `EISDIR: illegal operation on a directory, open '${join(dir, "new.json")}/'`);
  assert.equal(message(""), "ENOENT: no such file or directory, open ''");
  assert.deepEqual(readdirSync(dir), ["dd"]);
  assert.deepEqual(readdirSync(target), []);
});
