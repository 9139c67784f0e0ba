// Writing profile files, format by extension: .prof/.pstats → Python pstats marshal, .cpuprofile →
// Chrome DevTools' format, anything else → .tsprof.json text.
// Node's modules by their bare names (not `node:`): the package.json "browser" field maps those to
// empty modules, so bundlers can build the runtime for a page (test/browser.test.ts).
import { closeSync, openSync, renameSync, unlinkSync, writeFileSync, writeSync } from "fs";
import { threadId } from "worker_threads";
// Not the global: a realm given the host's require may lack it (test262's node host).
import { Buffer } from "buffer";
import { isPstatsPath, profileToPstatsBytes } from "./pstats-marshal";
import { writeProfileJson } from "./profile-json";
import { isCpuProfilePath, writeCpuProfileJson } from "./cpuprofile";
import type { Profile } from "./types";

/** Writes `profile` to `path` atomically (temp file in the same directory, then rename). Synchronous: safe in exit handlers. */
export function writeProfileFile(path: string, profile: Profile): void {
  // pid and thread id: several processes or worker threads may write next to each other.
  const tmp = `${path}.${process.pid}-${threadId}.tmp`;
  try {
    if (isPstatsPath(path)) writeFileSync(tmp, profileToPstatsBytes(profile));
    else if (isCpuProfilePath(path)) writeTextFile(tmp, (write) => writeCpuProfileJson(profile, write));
    else writeTextFile(tmp, (write) => writeProfileJson(profile, write));
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

/** JSON text in chunks: a large call tree never has to fit in one string. */
function writeTextFile(path: string, writeText: (write: (chunk: string) => void) => void): void {
  const fd = openSync(path, "w");
  try {
    writeText((chunk) => {
      const bytes = Buffer.from(chunk, "utf8");
      for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
    });
  } finally {
    closeSync(fd);
  }
}
