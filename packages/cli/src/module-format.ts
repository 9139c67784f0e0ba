// Which module system Node will use for a file: by extension, else the nearest package.json "type".
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, extname } from "node:path";

export type ModuleFormat = "module" | "commonjs";

const TS_EXTENSIONS = new Set([".ts", ".mts", ".cts", ".tsx"]);
/** Extensions `tsprof run` knows how to load and instrument. */
export const SCRIPT_EXTENSIONS = [".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".tsx", ".jsx"];

export function isTypeScript(filename: string): boolean {
  return TS_EXTENSIONS.has(extname(filename));
}

const packageTypeCache = new Map<string, ModuleFormat>();

/** The `type` of the nearest package.json above `dir` ("commonjs" when absent). */
export function packageType(dir: string): ModuleFormat {
  const cached = packageTypeCache.get(dir);
  if (cached) return cached;
  let result: ModuleFormat = "commonjs";
  let text: string | undefined;
  try {
    text = readFileSync(join(dir, "package.json"), "utf8");
  } catch {
    const parent = dirname(dir);
    result = parent === dir ? "commonjs" : packageType(parent);
  }
  if (text !== undefined) {
    try {
      result = JSON.parse(text).type === "module" ? "module" : "commonjs";
    } catch {
      result = "commonjs";
    }
  }
  packageTypeCache.set(dir, result);
  return result;
}

export function moduleFormatOf(filename: string): ModuleFormat {
  switch (extname(filename)) {
    case ".mjs":
    case ".mts":
      return "module";
    case ".cjs":
    case ".cts":
      return "commonjs";
    default:
      return packageType(dirname(filename));
  }
}

/** The TypeScript source a compiled-style path stands for: tsc's node16 resolution lets "./x.js" mean "./x.ts". */
const TYPESCRIPT_SOURCE_EXTENSION: Record<string, string> = { ".js": ".ts", ".mjs": ".mts", ".cjs": ".cts" };

/** `x.ts` for `x.js` (`x.mts` for `x.mjs`, `x.cts` for `x.cjs`) when that file exists, else undefined. */
export function typescriptSourceFor(path: string): string | undefined {
  const ext = extname(path);
  const sourceExtension = TYPESCRIPT_SOURCE_EXTENSION[ext];
  if (sourceExtension === undefined) return undefined;
  const candidate = path.slice(0, -ext.length) + sourceExtension;
  return existsSync(candidate) ? candidate : undefined;
}
