// Finding Python interpreters and running a parity program under cProfile through cprofile_dump.py.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./parity-cases";
import type { CprofileDump } from "./parity-summary";

const dumpScript = join(repoRoot, "test", "helpers", "cprofile_dump.py");

/** The versions the dump supports: 3.8 (oldest with the features used) to 3.13. */
const SUPPORTED_VERSION = /^3\.(8|9|10|11|12|13)\./;

export interface PythonInterpreter {
  /** e.g. "3.12.1". */
  version: string;
  executable: string;
}

/** `python3` when it is on PATH and runs, else undefined (the tests then skip visibly). */
export function findPython(): string | undefined {
  const probe = spawnSync("python3", ["--version"], { encoding: "utf8" });
  return probe.status === 0 ? "python3" : undefined;
}

/** Every `~/.pyenv/versions/3.{8..13}.*\/bin/python3`, sorted by version. */
export function findPyenvPythons(root = join(homedir(), ".pyenv", "versions")): PythonInterpreter[] {
  let versions: string[];
  try {
    versions = readdirSync(root);
  } catch {
    return [];
  }
  const minor = (v: string) => Number(v.split(".")[1]);
  return versions
    .filter((v) => SUPPORTED_VERSION.test(v))
    .map((version) => ({ version, executable: join(root, version, "bin", "python3") }))
    .filter((p) => existsSync(p.executable))
    .sort((a, b) => minor(a.version) - minor(b.version) || (a.version < b.version ? -1 : 1));
}

/** Runs `program` under cProfile with `python` and returns the dump's counts; throws with Python's stderr on failure. */
export function runCprofileDump(python: string, program: string): CprofileDump {
  const result = spawnSync(python, [dumpScript, program], { encoding: "utf8", timeout: 60_000 });
  if (result.error) throw new Error(`${python}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${python} cprofile_dump.py ${program} exited ${result.status}:\n${result.stderr}`);
  return JSON.parse(result.stdout) as CprofileDump;
}
