// Which files `tsprof run` instruments: scripts (any file Node runs as JavaScript or that is TypeScript),
// inside include, outside exclude and node_modules, and never tsprof's own packages (in a monorepo checkout they are not under node_modules).
import { relative, sep, extname, dirname, posix } from "node:path";
import { realpathSync } from "node:fs";
import { NON_SCRIPT_EXTENSIONS } from "../module-format";
import type { RunHookOptions } from "../run-options";
import { makeFileFilter } from "@tsprof/instrument";

const TOOL_PACKAGES = ["@tsprof/format", "@tsprof/instrument", "@tsprof/babel-plugin", "@tsprof/runtime", "@tsprof/stats", "tsprof"];

function toolDirectories(): string[] {
  return TOOL_PACKAGES.map((name) => realpathSync(dirname(require.resolve(`${name}/package.json`))) + sep);
}

export function createInstrumentFilter(options: RunHookOptions): (filename: string) => boolean {
  const include = options.include.map((glob) => outsideGlobAsAbsolute(glob, options.root));
  const exclude = options.exclude.map((glob) => outsideGlobAsAbsolute(glob, options.root));
  const accepts = makeFileFilter({ include, exclude, root: options.root });
  // Outside the root, paths are also taken relative to "/" (see below); a glob through a link is still followed
  // from the root it was written in (`node_modules/mylib/**`, an npm link to ../mylib).
  const acceptsOutside = makeFileFilter({ include, exclude, root: "/", globRoot: options.root });
  const tools = toolDirectories();
  return (filename) => {
    if (NON_SCRIPT_EXTENSIONS.includes(extname(filename))) return false;
    if (tools.some((dir) => filename.startsWith(dir))) return false;
    const rel = relative(options.root, filename).split(sep).join("/");
    if (!rel.startsWith("../")) return accepts(rel);
    // Outside the root, "../" paths match no "**" glob, DEFAULT_EXCLUDE's included: the absolute path is matched
    // too, and both must accept, so that node_modules there stays excluded (and an exclude such as '**/*.test.js'
    // keeps its files out) while an include such as '**/*.js', relative to the root, does not reach out of it.
    // The Babel plugin is handed this decision (transform.ts compileSource), not the globs.
    return accepts(rel) && acceptsOutside(filename.split(sep).join("/").replace(/^\/+/, ""));
  };
}

/**
 * A glob that climbs out of the root (`../lib/**`, `./../lib/**`) as the absolute glob it means: files
 * outside the root are matched by their absolute paths (above), where it matched nothing, so
 * `--include '../lib/**'` instrumented nothing and said so. The climbing part may hold no glob syntax.
 */
function outsideGlobAsAbsolute(glob: string, root: string): string {
  const climbing = glob.replace(/^(?:\.\/)+/, "");
  if (!climbing.startsWith("../")) return glob;
  return posix.join(root.split(sep).join("/"), climbing);
}
