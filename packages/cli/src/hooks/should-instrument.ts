// Which files `tsprof run` instruments: script extensions, inside include, outside exclude and node_modules.
import { relative, sep, extname } from "node:path";
import { SCRIPT_EXTENSIONS } from "../module-format";
import type { RunHookOptions } from "../run-options";
import { makeFileFilter } from "@tsprof/instrument";

export function createInstrumentFilter(options: RunHookOptions): (filename: string) => boolean {
  const accepts = makeFileFilter({ include: options.include, exclude: options.exclude });
  return (filename) => {
    if (!SCRIPT_EXTENSIONS.includes(extname(filename))) return false;
    const rel = relative(options.root, filename).split(sep).join("/");
    return accepts(rel);
  };
}
