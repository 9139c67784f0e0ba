// The modules an ES module imports when require() loads it (require(esm), Node 20.19+), instrumented.
//
// cjs-hook.ts compiles the required module itself and hands it to Module#_compile as an ES module; Node then
// links its imports with its default resolver and loader (ModuleLoader#getModuleJobForRequire), which on Node 20
// run no module hooks: everything the module imports, and everything those import, ran uninstrumented
// (`require("./lib.mjs")` profiled lib.mjs but not its ./inner.mjs; mocha 12's runner, suite and runnable; all
// of yargs 18 but its entry). What Node's linking does take is a module it already has: one that _compile has
// made. So, before the required module is compiled, the modules of its graph are compiled and evaluated the
// same way, each before its importers, in the order Node's own evaluation of the graph would run them (the
// depth-first post-order of its static imports, which ES module evaluation follows), and its linking finds
// them done. A CommonJS module of the graph is loaded there by the CommonJS loader (and cjs-hook.ts), as
// Node's own evaluation of the graph would load it; JSON and builtins run no code and are left to Node.
//
// The walk stops, and leaves the rest of the graph to Node as before (uninstrumented), at what it cannot
// reproduce exactly: an import cycle (a module of a cycle cannot be evaluated before the others), an import
// it cannot resolve or a file it cannot parse (Node then reports the error itself, as without tsprof), a
// format Node loads otherwise (WebAssembly, a data: URL). Only the part up to the last module to instrument is
// evaluated ahead: the rest gains nothing from it.
//
// An import that fails to link (a name the imported module does not export) is an error before any module of
// the graph runs: the walk checks the names an ES module imports from another against the names that one
// exports, and evaluates nothing ahead when one is missing. Known difference: a name missing from a CommonJS
// module (Node's cjs-module-lexer decides its names), or from an ES module past where the walk stopped, fails
// the linking after the modules evaluated ahead have run.
import Module from "node:module";
import { readFileSync } from "node:fs";
import { dirname, extname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createHash } from "node:crypto";
import { compileFile } from "../transform";
import { cacheDirectory, cached } from "../compile-cache";
import { moduleFormatOf, isTypeScript, NON_SCRIPT_EXTENSIONS, stripBom, type Remember } from "../module-format";
import type { RunHookOptions } from "../run-options";

type CompilableModule = { _compile(code: string, filename: string, format?: string): unknown };
interface ModuleStatics {
  _cache: Record<string, unknown>;
  _load(request: string, parent: unknown, isMain: boolean): unknown;
  _nodeModulePaths(directory: string): string[];
  new (id: string, parent?: unknown): CompilableModule & { filename: string; paths: string[] };
}
const statics = Module as unknown as ModuleStatics;

/** One module to evaluate ahead: an ES module's compiled code, or a CommonJS file for the CommonJS loader. */
type Step = { kind: "module"; filename: string; code: string; instrumented: boolean } | { kind: "commonjs"; filename: string };

/** The walk cannot follow the graph past this point. */
class Stop extends Error {}
/** An import of a name its module does not export. */
class LinkError extends Error {}

export function createGraphPreloader(
  options: RunHookOptions,
  shouldInstrument: (filename: string) => boolean,
  remember: Remember,
): (code: string, filename: string) => void {
  // Files whose ES module the preloader has compiled (Node's module map holds them for the rest of the run):
  // a later require() of another module of the same graph walks past them.
  const evaluated = new Set<string>();
  let resolveImport: ((specifier: string, parentURL: string) => string) | undefined;

  const resolveFrom = (specifier: string, parentURL: string): string => {
    // An ES module, so loaded by require() itself, on first use: Node 20.19+ (the only Nodes that come here).
    resolveImport ??= (require("./resolve-import.mjs") as { resolveImport: typeof resolveFrom }).resolveImport;
    return resolveImport(specifier, parentURL);
  };

  return (rootCode, rootFilename) => {
    const steps: Step[] = [];
    const visiting = new Set<string>([rootFilename]);
    // The ES modules walked, with the names each exports (null: not known statically).
    const exported = new Map<string, string[] | null>();
    const visited = new Set<string>();

    const visit = (links: ModuleLinks, filename: string): void => {
      const parentURL = pathToFileURL(filename).href;
      for (const request of links.imports) {
        if (request.json) continue;
        let url: string;
        try {
          url = resolveFrom(request.specifier, parentURL);
        } catch {
          throw new Stop();
        }
        if (url.startsWith("node:")) continue;
        if (!url.startsWith("file:")) throw new Stop();
        const dependency = fileURLToPath(url);
        if (visiting.has(dependency)) throw new Stop();
        if (!visited.has(dependency) && !evaluated.has(dependency) && statics._cache[dependency] === undefined) {
          visited.add(dependency);
          walk(dependency);
        }
        // A name its module does not export fails the linking of the whole graph, before any of it runs.
        const names = exported.get(dependency);
        if (names && request.names.some((name) => !names.includes(name))) throw new LinkError();
      }
    };

    const walk = (dependency: string): void => {
      const extension = extname(dependency);
      if (extension === ".json") return;
      if (NON_SCRIPT_EXTENSIONS.includes(extension)) throw new Stop();
      const source = stripBom(readFileSync(dependency, "utf8"));
      if (moduleFormatOf(dependency, source, remember) === "commonjs") {
        steps.push({ kind: "commonjs", filename: dependency });
        return;
      }
      const typescript = isTypeScript(dependency);
      const instrumented = shouldInstrument(dependency);
      let compiled = source;
      if (typescript || instrumented) {
        try {
          compiled = compileFile(source, dependency, "module", options, instrumented);
        } catch {
          throw new Stop();
        }
      }
      const links = moduleLinks(compiled, options);
      exported.set(dependency, links.exports);
      visiting.add(dependency);
      visit(links, dependency);
      visiting.delete(dependency);
      steps.push({ kind: "module", filename: dependency, code: compiled, instrumented: instrumented || typescript });
    };

    try {
      visit(moduleLinks(rootCode, options), rootFilename);
    } catch (error) {
      // Node's linking fails: nothing of the graph may run before the error.
      if (error instanceof LinkError) return;
      // Otherwise a Stop, or a file that went missing (import.meta.resolve() does not look at the file): Node
      // meets it in its own walk and reports it as without tsprof.
    }
    let last = steps.length - 1;
    while (last >= 0 && !(steps[last]!.kind === "module" && (steps[last] as { instrumented: boolean }).instrumented)) last--;
    for (let at = 0; at <= last; at++) {
      const step = steps[at]!;
      if (step.kind === "commonjs") {
        // As Node's evaluation of the graph loads it (translators' requireCommonJS): an error is the require()'s.
        if (statics._cache[step.filename] === undefined) statics._load(step.filename, null, false);
        continue;
      }
      const module = new statics(step.filename, null);
      module.filename = step.filename;
      module.paths = statics._nodeModulePaths(dirname(step.filename));
      try {
        module._compile(step.code, step.filename, "module");
      } catch {
        // Its evaluation failed (or it awaits at top level): Node keeps the failed module, and its linking of
        // the required module meets it and throws the same error from require(), as without tsprof.
        return;
      }
      evaluated.add(step.filename);
    }
  };
}

interface StaticImport {
  specifier: string;
  json: boolean;
  /** The names it imports (or re-exports) from the module. */
  names: string[];
}

interface ModuleLinks {
  imports: StaticImport[];
  /** The names the module exports; null when `export * from` makes them depend on other modules. */
  exports: string[] | null;
}

type Named = { type: string; name?: string; value?: string };
type Pattern = Named & { properties?: Array<{ type: string; value?: Pattern; argument?: Pattern }>; elements?: Array<Pattern | null>; left?: Pattern; argument?: Pattern };
type AstNode = {
  type: string;
  source?: { value: string } | null;
  attributes?: AstAttribute[];
  assertions?: AstAttribute[];
  exportKind?: string;
  importKind?: string;
  exported?: Named | null;
  specifiers?: Array<{ type: string; imported?: Named; local?: Named; exported?: Named }>;
  declaration?: { type: string; id?: Named | null; declarations?: Array<{ id: Pattern }> } | null;
};
type AstAttribute = { key: Named; value: { value: string } };

/**
 * The modules `code` (an ES module) imports statically, in the order Node links (and evaluates) them, and the
 * names it exports. Kept in the compile cache (keyed by the code and the tools' fingerprint), so that a warm run
 * does not load Babel for it.
 */
function moduleLinks(code: string, options: RunHookOptions): ModuleLinks {
  const key = createHash("sha256").update(`module-links\0${options.toolFingerprint}\0`).update(code).digest("hex");
  const links = JSON.parse(cached(cacheDirectory(options.root), key, () => JSON.stringify(parseLinks(code)))) as ModuleLinks | null;
  if (links === null) throw new Stop();
  return links;
}

/** moduleLinks() by a parse; null when Babel cannot parse the code. */
function parseLinks(code: string): ModuleLinks | null {
  const { parseSync } = require("@babel/core") as typeof import("@babel/core");
  let program: { body: AstNode[] };
  try {
    const file = parseSync(code, {
      babelrc: false,
      configFile: false,
      sourceType: "module",
      parserOpts: { plugins: ["deprecatedImportAssert"] as never },
    }) as unknown as { program: { body: AstNode[] } } | null;
    if (file === null) return null;
    program = file.program;
  } catch {
    return null;
  }
  const imports: StaticImport[] = [];
  let exports: string[] | null = [];
  for (const node of program.body) {
    if (node.type === "ExportDefaultDeclaration") exports?.push("default");
    if (node.type === "ExportAllDeclaration") {
      if (node.exported) exports?.push(nameOf(node.exported));
      else exports = null;
    }
    if (node.type === "ExportNamedDeclaration") {
      for (const specifier of node.specifiers ?? []) exports?.push(nameOf(specifier.exported));
      const declaration = node.declaration;
      if (declaration?.id) exports?.push(nameOf(declaration.id));
      for (const declarator of declaration?.declarations ?? []) if (exports) bindingNames(declarator.id, exports);
    }
    const declaration = node.type === "ImportDeclaration" || node.type === "ExportAllDeclaration" || (node.type === "ExportNamedDeclaration" && node.source);
    if (!declaration || !node.source || node.importKind === "type" || node.exportKind === "type") continue;
    const attributes = node.attributes ?? node.assertions ?? [];
    const json = attributes.some((attribute) => nameOf(attribute.key) === "type" && attribute.value.value === "json");
    // `import x` asks for "default", `import { a as b }` and `export { a } from` for "a"; namespaces for none.
    const names: string[] = [];
    for (const specifier of node.specifiers ?? []) {
      if (specifier.type === "ImportDefaultSpecifier") names.push("default");
      else if (specifier.type === "ImportSpecifier") names.push(nameOf(specifier.imported));
      else if (specifier.type === "ExportSpecifier") names.push(nameOf(specifier.local));
    }
    imports.push({ specifier: node.source.value, json, names });
  }
  return { imports, exports };
}

/** The names a declaration's pattern binds (`export const { a, b: [c] } = x`). */
function bindingNames(pattern: Pattern | null | undefined, into: string[]): void {
  if (!pattern) return;
  if (pattern.type === "Identifier") into.push(nameOf(pattern));
  else if (pattern.type === "ObjectPattern") for (const property of pattern.properties ?? []) bindingNames(property.value ?? property.argument, into);
  else if (pattern.type === "ArrayPattern") for (const element of pattern.elements ?? []) bindingNames(element, into);
  else if (pattern.type === "AssignmentPattern") bindingNames(pattern.left, into);
  else if (pattern.type === "RestElement") bindingNames(pattern.argument, into);
}

function nameOf(node: Named | undefined | null): string {
  return node?.name ?? node?.value ?? "";
}
