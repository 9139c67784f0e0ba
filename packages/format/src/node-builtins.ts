// Node's built-in modules as the format and runtime packages reach them: process.getBuiltinModule() where Node has it, else require(); nothing outside Node.
//
// Both packages are CommonJS and run inside the user's bundles, where `require("fs")` at the top of
// a module is the trouble:
// - an ES module bundle for Node (esbuild --format=esm --platform=node) keeps Node's modules out of
//   the bundle and turns each require() of one into a shim that throws `Dynamic require of "fs" is
//   not supported` (an ES module has no require): the program died at start-up, before its first
//   line. process.getBuiltinModule() (Node 20.16, 22.3) needs no require, so it is asked first, and
//   the require() below is only reached on an older Node, where such a bundle still cannot reach
//   fs: the module is then undefined and a write says so in one line (needsNodeFs()), while the
//   program runs as it would without tsprof;
// - a bundle for a page maps these names to empty modules (the packages' `browser` fields), but
//   Vite's dev server serves a stand-in that warns on every property read (`Module "buffer" has
//   been externalized for browser compatibility. Cannot access "buffer.Buffer"`): outside Node
//   nothing here requires anything, so a page reads no property of them, at load or later.
// The require() calls name each module literally, so bundlers see them (and the `browser` fields
// apply); with a computed name webpack would warn of a "critical dependency" and bundle nothing.
// Bare names, not `node:`: those are what the `browser` fields map.

/** The modules the two packages use, by the name each is required by. */
export interface NodeBuiltinModules {
  buffer: typeof import("buffer");
  fs: typeof import("fs");
  path: typeof import("path");
  util: typeof import("util");
  worker_threads: typeof import("worker_threads");
}

/** Node's process, or undefined outside Node: a page (which may have a `process` polyfill without `versions.node`), a bare vm context. */
const nodeProcess: NodeJS.Process | undefined =
  typeof process === "object" && process !== null && typeof process.versions === "object" && process.versions !== null && typeof process.versions.node === "string"
    ? process
    : undefined;
// Read once, when this file loads (before user code): the program may replace it later.
const getBuiltinModule = nodeProcess !== undefined && typeof nodeProcess.getBuiltinModule === "function" ? nodeProcess.getBuiltinModule : undefined;

/** Whether this is Node (process.versions.node), where Node's modules can be asked for. */
export const isNode = nodeProcess !== undefined;

/**
 * Node's module `name`, or undefined outside Node, or where neither process.getBuiltinModule() nor
 * require() can give it (an ES module bundle on a Node before 20.16). Called when a module loads, to
 * capture functions before user code runs (design.md pitfall 8).
 */
export function nodeBuiltin<K extends keyof NodeBuiltinModules>(name: K): NodeBuiltinModules[K] | undefined {
  if (nodeProcess === undefined) return undefined;
  try {
    if (getBuiltinModule !== undefined) return Reflect.apply(getBuiltinModule, nodeProcess, [name]) as NodeBuiltinModules[K];
    return requireBuiltin(name) as NodeBuiltinModules[K];
  } catch {
    return undefined;
  }
}

function requireBuiltin(name: keyof NodeBuiltinModules): unknown {
  switch (name) {
    case "buffer":
      return require("buffer");
    case "fs":
      return require("fs");
    case "path":
      return require("path");
    case "util":
      return require("util");
    case "worker_threads":
      return require("worker_threads");
  }
}

/**
 * The error of a profile file read or written where Node's fs is out of reach: one line that says
 * why, for `what` ("Profile.dumpStats", "writing a profile"), with the way out.
 */
export function needsNodeFs(what: string): Error {
  return new Error(
    isNode
      ? `${what} needs Node's fs module, out of this bundle's reach (an ES module bundle has no require: run it on Node 20.16 or later, which has process.getBuiltinModule)`
      : `${what} needs Node (a browser bundle has none): take the profile with snapshot() and save or post it yourself`,
  );
}
