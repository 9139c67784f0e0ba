// Instruments one CommonJS file with the tsprof Babel plugin and the real runtime, as a build would.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const libDir = dirname(fileURLToPath(import.meta.url));

/** Resolves a workspace package, or explains that the build must run first. */
function resolveBuilt(specifier) {
  try {
    return require.resolve(specifier);
  } catch {
    throw new Error(`cannot resolve ${specifier}: run \`npm run build\` first`);
  }
}

/**
 * Writes `sourcePath` instrumented to `outPath`. The file is transformed as if it lived at
 * `outPath` (the plugin never instruments node_modules, where acorn comes from), and the
 * runtime (tsprof's unless `runtime` names another module with the probe protocol) is
 * referenced by absolute path, so the output runs from any directory.
 */
export function instrumentFile(sourcePath, outPath, runtime = resolveBuilt("@tsprof/runtime/probe")) {
  const babel = require("@babel/core");
  const plugin = resolveBuilt("@tsprof/babel-plugin");
  const result = babel.transformSync(readFileSync(sourcePath, "utf8"), {
    filename: outPath,
    root: dirname(outPath),
    babelrc: false,
    configFile: false,
    sourceType: "script",
    plugins: [[plugin, { runtime, importStyle: "require", root: dirname(outPath) }]],
  });
  if (!result || typeof result.code !== "string") throw new Error(`Babel returned no code for ${sourcePath}`);
  writeFileSync(outPath, result.code);
}

/** `source` instrumented twice into `scratch`: with tsprof's runtime, and with the naive probe (naive-probe.cjs). */
export function instrumentBoth(source, scratch, baseName) {
  const modules = { plain: source, tsprof: join(scratch, `${baseName}.tsprof.cjs`), naive: join(scratch, `${baseName}.naive.cjs`) };
  instrumentFile(source, modules.tsprof);
  instrumentFile(source, modules.naive, join(libDir, "naive-probe.cjs"));
  return modules;
}
