// Writing profile files, format by extension: .prof/.pstats → Python pstats marshal, anything else → .tsprof.json text.
import { renameSync, unlinkSync, writeFileSync } from "node:fs";
import { threadId } from "node:worker_threads";
import { isPstatsPath, profileToPstatsBytes } from "./pstats-marshal";
import type { Profile } from "./types";

const stringify = JSON.stringify;

/** Writes `profile` to `path` atomically (temp file in the same directory, then rename). Synchronous: safe in exit handlers. */
export function writeProfileFile(path: string, profile: Profile): void {
  const contents = isPstatsPath(path) ? profileToPstatsBytes(profile) : stringify(profile, null, 1) + "\n";
  // pid and thread id: several processes or worker threads may write next to each other.
  const tmp = `${path}.${process.pid}-${threadId}.tmp`;
  try {
    writeFileSync(tmp, contents);
    renameSync(tmp, path);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temp file was never created
    }
    throw error;
  }
}
