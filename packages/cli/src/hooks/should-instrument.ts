// Which files `tsprof run` instruments: scripts (any file Node runs as JavaScript or that is TypeScript),
// inside include, outside exclude and node_modules, and never tsprof's own packages (in a monorepo checkout they are not under node_modules).
import { relative, sep, extname, dirname } from "node:path";
import { realpathSync } from "node:fs";
import { NON_SCRIPT_EXTENSIONS } from "../module-format";
import type { RunHookOptions } from "../run-options";
import { makeFileFilter } from "@tsprof/instrument";

const TOOL_PACKAGES = ["@tsprof/format", "@tsprof/instrument", "@tsprof/babel-plugin", "@tsprof/runtime", "@tsprof/stats", "tsprof"];

function toolDirectories(): string[] {
  return TOOL_PACKAGES.map((name) => realpathSync(dirname(require.resolve(`${name}/package.json`))) + sep);
}

export function createInstrumentFilter(options: RunHookOptions): (filename: string) => boolean {
  const accepts = makeFileFilter({ include: options.include, exclude: options.exclude, root: options.root });
  // Outside the root, paths are taken relative to "/" (see below), so that an absolute glob still names the file.
  const acceptsOutside = makeFileFilter({ include: options.include, exclude: options.exclude, root: "/" });
  const tools = toolDirectories();
  return (filename) => {
    if (NON_SCRIPT_EXTENSIONS.includes(extname(filename))) return false;
    if (tools.some((dir) => filename.startsWith(dir))) return false;
    const rel = relative(options.root, filename).split(sep).join("/");
    // Outside the root, "../" paths match no "**" glob: match the absolute path instead (node_modules stays excluded).
    return rel.startsWith("../") ? acceptsOutside(filename.split(sep).join("/").replace(/^\/+/, "")) : accepts(rel);
  };
}
