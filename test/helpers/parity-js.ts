// Running a parity program's JS twin under `tsprof run -o` and reading its profile.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { repoRoot } from "./parity-cases";
import type { ProfileCounts } from "./parity-summary";

const tsprofBin = join(repoRoot, "packages", "cli", "bin", "tsprof.js");

/** `tsprof run -o OUT program` in the program's folder, with the tick clock; throws with tsprof's stderr on failure. */
export function profileWithTsprof(program: string): ProfileCounts {
  const out = join(mkdtempSync(join(tmpdir(), "tsprof-parity-")), "program.tsprof.json");
  const result = spawnSync(process.execPath, [tsprofBin, "run", "-o", out, basename(program)], {
    cwd: dirname(program),
    env: { ...process.env, TSPROF_CLOCK: "tick" },
    encoding: "utf8",
    timeout: 60_000,
  });
  if (result.error) throw new Error(`tsprof run ${program}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`tsprof run ${program} exited ${result.status}:\n${result.stderr}`);
  const profile = JSON.parse(readFileSync(out, "utf8")) as ProfileCounts & { meta: { clock: string } };
  if (profile.meta.clock !== "tick") throw new Error(`tsprof run ${program}: profile clock is ${profile.meta.clock}, not the tick clock`);
  return profile;
}
