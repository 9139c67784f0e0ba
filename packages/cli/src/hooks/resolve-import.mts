// The ES module resolution of Node's `import`, synchronously, from any module: cjs-hook.ts asks it for the
// imports of an ES module that require() loads (esm-graph.ts). import.meta.resolve() is the one synchronous
// entry to the ES module resolver Node 20 has, and it resolves against this file only (its second argument,
// the parent, needs --experimental-import-meta-resolve); it goes through the module hooks, though, and
// esm-hooks.ts resolve() reads a specifier of RESOLVE_SCHEME as [specifier, parentURL] and resolves that
// instead (with its TypeScript alternatives, as an import of the file would be resolved).
export const RESOLVE_SCHEME = "tsprof-resolve:";

export function resolveImport(specifier: string, parentURL: string): string {
  return import.meta.resolve(RESOLVE_SCHEME + encodeURIComponent(JSON.stringify([specifier, parentURL])));
}
