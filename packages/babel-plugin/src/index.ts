// @tsprof/babel-plugin: `plugins: ["@tsprof"]` puts a tsprof probe at every function boundary.
import type { ConfigAPI, NodePath, PluginObj, PluginPass, types as t } from "@babel/core";
import {
  createOriginalPositionMapper,
  makeFileFilter,
  normalizeOptions,
  projectRelativePath,
  type ModuleSites,
  type NormalizedOptions,
  type RawSourceMap,
} from "@tsprof/instrument";
import { instrumentProgram, type InstrumentedProgram } from "./instrument-program";
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
 * The plugin. Options are validated when Babel loads it (an unknown or ill-typed option throws one line
 * naming it). A file that fails to instrument for an unexpected reason throws a Babel error with a code
 * frame (default, `onError: "throw"`), or with `onError: "skip"` is left exactly as it was, with one
 * warning line on stderr. The site table of the file is left on `file.metadata.tsprof` ({ file, sites }).
 */
function tsprofBabelPlugin(api: ConfigAPI, rawOptions: unknown): PluginObj<PluginPass> {
  api.assertVersion("^7.22.0 || ^8.0.0");
  normalizeOptions(rawOptions, process.cwd()); // throws now: a bad option fails when Babel loads the plugin
  // One filter per root (absolute globs resolve relative paths against it); a build has one root.
  const filters = new Map<string, (relativePath: string) => boolean>();
  const filterFor = (options: NormalizedOptions) => {
    let accepts = filters.get(options.root);
    if (!accepts) filters.set(options.root, (accepts = makeFileFilter(options)));
    return accepts;
  };
  // Each file's Program.enter result, for the visitors that run later in the same traversal.
  const programs = new WeakMap<object, InstrumentedProgram>();
  return {
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
          withErrorPolicy(path, options.onError, projectRelativePath(options.root, filename), () => {
            const inputMap = (state.file as unknown as { inputMap?: InputMap | null }).inputMap;
            const result = instrumentProgram(
              path,
              {
                filename,
                code: state.file.code,
                comments: state.file.ast.comments ?? [],
                positions: createOriginalPositionMapper(inputMap ? inputMap.toObject() : undefined, filename),
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
}

export = tsprofBabelPlugin;
