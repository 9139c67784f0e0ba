// The nearest package.json's "type", which decides how Node runs a .js (and how the transforms load the runtime).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export type PackageType = "module" | "commonjs";

const packageTypeCache = new Map<string, PackageType | undefined>();

/**
 * The `type` field of the nearest package.json at or above `dir`: undefined when that package.json has none
 * (or an unreadable one), or there is none. Memoized per directory: a build asks once per file.
 */
export function packageTypeField(dir: string): PackageType | undefined {
  if (packageTypeCache.has(dir)) return packageTypeCache.get(dir);
  let result: PackageType | undefined;
  let text: string | undefined;
  try {
    text = readFileSync(join(dir, "package.json"), "utf8");
  } catch {
    const parent = dirname(dir);
    result = parent === dir ? undefined : packageTypeField(parent);
  }
  if (text !== undefined) {
    try {
      const type: unknown = JSON.parse(text).type;
      result = type === "module" || type === "commonjs" ? type : undefined;
    } catch {
      result = undefined;
    }
  }
  packageTypeCache.set(dir, result);
  return result;
}
