// Reading and writing profile files by extension: .tsprof.json (JSON) now; .prof/.pstats (Python marshal) next.
import { writeFileSync, renameSync } from "node:fs";
import type { Profile } from "./types";

/** Writes `profile` to `path` atomically (temp file in the same directory, then rename). Synchronous: safe in exit handlers. */
export function writeProfileFile(path: string, profile: Profile): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(profile, null, 1) + "\n");
  renameSync(tmp, path);
}
