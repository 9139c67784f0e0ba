// The nearest package.json: its "type" decides how Node runs a .js (and how the transforms load the runtime);
// its "name" and dependencies tell the runtime's own files (which no transform instruments, file-filter.ts).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export type PackageType = "module" | "commonjs";

/** A package.json found on disk: its folder, and its fields (none when it is not a JSON object). */
export interface NearestPackage {
  dir: string;
  manifest: Record<string, unknown>;
}

const packageCache = new Map<string, NearestPackage | undefined>();

/**
 * The nearest package.json at or above `dir`: undefined when there is none. One that cannot be parsed still
 * ends the search, with no fields. Memoized per directory: a build asks once per file.
 */
export function nearestPackage(dir: string): NearestPackage | undefined {
  if (packageCache.has(dir)) return packageCache.get(dir);
  let result: NearestPackage | undefined;
  let text: string | undefined;
  try {
    text = readFileSync(join(dir, "package.json"), "utf8");
  } catch {
    const parent = dirname(dir);
    result = parent === dir ? undefined : nearestPackage(parent);
  }
  if (text !== undefined) {
    let manifest: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) manifest = parsed as Record<string, unknown>;
    } catch {
      // no fields
    }
    result = { dir, manifest };
  }
  packageCache.set(dir, result);
  return result;
}

/**
 * The `type` field of the nearest package.json at or above `dir`: undefined when that package.json has none
 * (or an unreadable one), or there is none.
 */
export function packageTypeField(dir: string): PackageType | undefined {
  const type = nearestPackage(dir)?.manifest.type;
  return type === "module" || type === "commonjs" ? type : undefined;
}
