// The source map a file links with its last `//# sourceMappingURL=` comment (a bundle's map beside it), read here
// rather than left to Babel, for two reasons. The map decides which functions get probes (a bundled runtime's and
// vendor code's do not), so the compile cache's key must cover it: adding or changing the map beside a bundle
// kept the stale compile. And Babel takes the wrong comment in a webpack bundle, whose modules keep their own
// (`//# sourceMappingURL=recorder.js.map` of a bundled @tsprof/runtime): it read no map, and the bundled runtime
// got probes and hung. An inline (data:) map is in the source already, which the key covers, and is left to Babel.
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";

const LINK = /^[ \t]*\/\/[#@][ \t]+sourceMappingURL=([^\s'"`]+)[ \t]*$/gm;

/** The text of the map file `source` (at `filename`) links, or undefined: no link, an inline map, or no such file. */
export function linkedSourceMap(source: string, filename: string): string | undefined {
  let url: string | undefined;
  for (const match of source.matchAll(LINK)) url = match[1];
  if (url === undefined || /^data:/i.test(url)) return undefined;
  const path = resolve(dirname(filename), url);
  // As Babel: a map outside the file's folder is read only from inside its package (a link may point anywhere).
  if (!isBelow(dirname(filename), path) && !isBelow(packageFolder(dirname(filename)), path)) return undefined;
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined; // unreadable: Babel's own attempt fails the same way, and the file compiles without a map
  }
}

/** The map as Babel's `inputSourceMap` takes it, or true (Babel looks for one itself) when `text` is none or no JSON object. */
export function inputSourceMapOption(text: string | undefined): object | true {
  if (text === undefined) return true;
  try {
    const map = JSON.parse(text) as unknown;
    return map !== null && typeof map === "object" ? map : true;
  } catch {
    return true;
  }
}

function isBelow(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return !rel.startsWith("..") && !isAbsolute(rel);
}

/** The folder of the nearest package.json above `dir`, or the root of the file system. */
function packageFolder(dir: string): string {
  for (let at = dir; ; at = dirname(at)) {
    if (exists(join(at, "package.json"))) return at;
    if (dirname(at) === at) return at;
  }
}

/** existsSync, false where Node's permission model refuses the look (it throws there). */
function exists(path: string): boolean {
  try {
    return existsSync(path);
  } catch {
    return false;
  }
}
