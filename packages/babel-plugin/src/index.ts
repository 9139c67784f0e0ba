// @tsprof/babel-plugin: `plugins: ["@tsprof"]` puts a tsprof probe at every function boundary.
import { isAbsolute } from "node:path";
import type { NodePath, PluginObj, PluginPass, types as t } from "@babel/core";
import {
  createOriginalPositionMapper,
  isRuntimeSource,
  makeFileFilter,
  makeOriginalSourceFilter,
  normalizeOptions,
  originalSourcePath,
  projectRelativePath,
  type ModuleSites,
  type NormalizedOptions,
  type RawSourceMap,
} from "@tsprof/instrument";
import { instrumentProgram, type FileRules, type InstrumentedProgram } from "./instrument-program";
import { withErrorPolicy } from "./error-policy";
import { switchHeaderToImport } from "./late-module-syntax";
import type { ConfiguredSourceType } from "./runtime-access";

interface InputMap {
  toObject(): RawSourceMap;
}

/** The `sourceType` Babel was given (top-level option or parserOpts), not what the parse decided. */
function configuredSourceType(opts: { sourceType?: unknown; parserOpts?: { sourceType?: unknown } | null }): ConfiguredSourceType {
  return (opts.parserOpts?.sourceType ?? opts.sourceType) as ConfiguredSourceType;
}

/**
 * What the published signature says of Babel's plugin API, declared here rather than imported from
 * @babel/core: Babel ships no types of its own, so this package's index.d.ts importing them failed with
 * TS7016 for a user compiling strictly without skipLibCheck or @types/babel__core. Babel's ConfigAPI and
 * PluginObj fit these; inside, the plugin is typed with @babel/core's own (a devDependency here).
 */
interface BabelApi {
  assertVersion(range: string): unknown;
}
interface BabelPluginObject {
  name?: string;
  visitor: object;
}

/**
 * The plugin. Options are validated when Babel loads it (an unknown or ill-typed option throws one line
 * naming it). A file that fails to instrument for an unexpected reason throws a Babel error with a code
 * frame (default, `onError: "throw"`), or with `onError: "skip"` is left exactly as it was, with one
 * warning line on stderr. The site table of the file is left on `file.metadata.tsprof` ({ file, sites }).
 */
function tsprofBabelPlugin(api: BabelApi, rawOptions: unknown, dirname?: string): BabelPluginObject {
  api.assertVersion("^7.22.0 || ^8.0.0");
  normalizeOptions(rawOptions, process.cwd()); // throws now: a bad option fails when Babel loads the plugin
  // What relative include/exclude globs are relative to. Babel hands every plugin the folder of the config
  // that lists it (`dirname`: a package's .babelrc's folder, babel.config.js's, Babel's cwd for programmatic
  // options) and resolves that config's own `only`/`ignore` against it. The globs used to be taken from
  // Babel's cwd instead, so a package's `.babelrc` with `only: ["./src"]` and `include: "src"` compiled
  // packages/app/src/a.js from the monorepo root (Babel's `only` matched) but left it uninstrumented
  // without a word (the include was read as <root>/src). An explicit `root` still decides, for both.
  const explicitRoot = typeof rawOptions === "object" && rawOptions !== null && (rawOptions as { root?: unknown }).root !== undefined;
  const globBase = (options: NormalizedOptions): string => (explicitRoot || dirname === undefined ? options.root : dirname);
  // One filter per glob base (relative paths are taken from it); a build has one.
  const filters = new Map<string, FileRules>();
  const filterFor = (options: NormalizedOptions): FileRules => {
    const base = globBase(options);
    let rules = filters.get(base);
    if (!rules) {
      const matchesFile = makeFileFilter({ ...options, root: base });
      const matchesSource = makeOriginalSourceFilter({ ...options, root: base });
      rules = {
        acceptsFile: (filename) => matchesFile(projectRelativePath(base, filename)),
        acceptsSource: (source, filename) => {
          const path = originalSourcePath(source, base);
          if (isRuntimeSource(path)) return false;
          return matchesSource(isAbsolute(path) ? projectRelativePath(base, path) : path, projectRelativePath(base, filename));
        },
      };
      filters.set(base, rules);
    }
    return rules;
  };
  // Each file's Program.enter result, for the visitors that run later in the same traversal.
  const programs = new WeakMap<object, InstrumentedProgram>();
  const plugin: PluginObj<PluginPass> = {
    name: "tsprof",
    // Every plugin of the pass has run: the output may have become an ES module (late-module-syntax.ts).
    post(file) {
      const header = programs.get(file)?.header;
      if (header) switchHeaderToImport(file.path as NodePath<t.Program>, header);
    },
    visitor: {
      Program: {
        enter(path, state) {
          // Root defaults to Babel's cwd for this file, which may differ from the process's.
          const options = normalizeOptions(rawOptions, state.file.opts.cwd ?? process.cwd());
          const filename = state.file.opts.filename ?? undefined;
          const fileForMessages = projectRelativePath(options.root, filename);
          withErrorPolicy(path, options.onError, fileForMessages, () => {
            const inputMap = (state.file as unknown as { inputMap?: InputMap | null }).inputMap;
            // An input map that cannot be read costs the original positions, never the file: one warning line.
            const unreadable = (reason: string) => console.warn(`tsprof: ignored the input source map of ${fileForMessages} (${reason}): its sites have the positions of the code Babel was given`);
            const result = instrumentProgram(
              path,
              {
                filename,
                code: state.file.code,
                comments: state.file.ast.comments ?? [],
                positions: createOriginalPositionMapper(inputMap ? inputMap.toObject() : undefined, filename, unreadable),
                sourceType: configuredSourceType(state.file.opts as Parameters<typeof configuredSourceType>[0]),
              },
              options,
              filterFor(options),
            );
            programs.set(state.file, result);
            if (typeof result.table !== "string") (state.file.metadata as unknown as { tsprof?: ModuleSites }).tsprof = result.table;
          });
        },
      },
      // Merged with the other plugins' visitors: a `using` block explicit-resource-management lowered inside
      // an instrumented async function or generator gets its probes (instrumentProgram: probeLoweredDisposal).
      TryStatement(path: NodePath<t.TryStatement>, state) {
        programs.get(state.file)?.probeLoweredDisposal?.(path);
      },
    },
  };
  return plugin;
}

export = tsprofBabelPlugin;
