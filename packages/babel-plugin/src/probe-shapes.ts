// The code tsprof injects, one builder per shape of packages/instrument/src/protocol.ts.
import { template, types as t } from "@babel/core";
import { FOR_AWAIT_MARKER, GLOBAL_PROBE_NAME, type ProbeIdentifiers, type SiteTuple } from "@tsprof/instrument";

// Placeholders are the UPPER_CASE identifiers (Babel template's default pattern). In the comments, `_tsprof$` and
// `_tsprof$m` stand for the module's tagged accessor and handle (`_tsprof$<tag>`, `_tsprof$<tag>$m`).
const templateOptions = { preserveComments: false };

/** The exit probe's catch binding (its block is empty: the name is seen by nothing). */
const PROBE_ERROR_NAME = "_tsprof$e";

// const _tsprof$h = typeof _tsprof$ === "function" ? _tsprof$() : function () { return NO_OP_HANDLE; }();
// const _tsprof$t = _tsprof$h.enter(17);
// try { BODY; } finally { try { _tsprof$h.exit(_tsprof$t); } catch (_tsprof$e) {} }
// (The handle in a local: measured ~20% less probe overhead on Node 20 than calling the accessor twice.)
//
// The typeof guard: a function's source can leave its module. `new Function("return " + f.toString())`,
// `new Worker(\`(${f})()\`, { eval: true })`, workerpool, jest-worker (terser-webpack-plugin's minimizer),
// Puppeteer's page.evaluate() all evaluate it where the module's accessor is not in scope, and the bare
// call threw a ReferenceError there. Such a copy runs unprofiled on a no-op handle: it has lost its
// module, so its site number means nothing where it runs, even where another copy of the runtime
// (globalThis.__tsprof) is loaded. In its module the guard is a type check of a context slot, and the
// fallback is never compiled: a function expression called without parentheses around it is compiled
// lazily, where `(function () { … })()` or an arrow in parentheses would be compiled (V8's
// parenthesized-function heuristic) with every instrumented function.
//
// The try/catch around the exit probe: after a stack overflow that the program catches, calls fail for
// a while on the way back up (in plain JavaScript too: ~140 frames of a recursion above where the
// RangeError was caught, each call in a finally throwing again), and a RangeError thrown by the exit
// probe replaced the completion of a function that had already returned, so a caught overflow escaped
// its catch. The exit that fails is lost; the recorder's next exit of a frame below closes it (tokens
// make exit self-healing). An enter probe that overflows still throws, at the function's entry, as the
// function's own stack check would a few frames deeper.
const buildProbedBody = template.statements(
  `const HANDLE = typeof ACCESSOR === "function" ? ACCESSOR() : function () { return NO_OP; }();
   const TOKEN = HANDLE.enter(SITE);
   try { BODY; } finally { try { HANDLE.exit(TOKEN); } catch (ERROR) {} }`,
  templateOptions,
);

// What a function evaluated outside its module probes (see buildProbedBody). A plain function calls
// only enter and exit; generators and async functions pass their values through the other three.
const buildPlainNoOpHandle = template.expression(`{ enter: function () { return 0; }, exit: function () {} }`, templateOptions);
const buildResumableNoOpHandle = template.expression(
  `{
     enter: function () { return 0; },
     exit: function () {},
     suspend: function (token, value) { return value; },
     delegate: function (token, value) { return value; },
     resume: function (token, value) { return value; }
   }`,
  templateOptions,
);

/**
 * The statements of an instrumented function body (the directive prologue stays on the block).
 * `resumable`: a generator or async function (its fallback handle needs suspend, resume and delegate).
 */
export function probedBody(ids: ProbeIdentifiers, site: number, body: t.Statement[], resumable: boolean): t.Statement[] {
  return buildProbedBody({
    HANDLE: t.identifier(ids.localHandle),
    TOKEN: t.identifier(ids.token),
    ACCESSOR: t.identifier(ids.accessor),
    NO_OP: resumable ? buildResumableNoOpHandle() : buildPlainNoOpHandle(),
    SITE: t.numericLiteral(site),
    ERROR: t.identifier(PROBE_ERROR_NAME),
    BODY: body,
  });
}

function probeCall(ids: ProbeIdentifiers, method: "suspend" | "resume" | "delegate", value?: t.Expression, marker?: number): t.CallExpression {
  const args: t.Expression[] = [t.identifier(ids.token)];
  if (value || marker !== undefined) args.push(value ?? t.unaryExpression("void", t.numericLiteral(0)));
  if (marker !== undefined) args.push(t.numericLiteral(marker));
  return t.callExpression(t.memberExpression(t.identifier(ids.localHandle), t.identifier(method)), args);
}

/** `_tsprof$h.suspend(_tsprof$t, value)`: the frame leaves the stack, value passes through. */
export function suspendCall(ids: ProbeIdentifiers, value?: t.Expression): t.CallExpression {
  return probeCall(ids, "suspend", value);
}

/** `_tsprof$h.suspend(_tsprof$t, value, 1)`: a `for await` loop's suspension (its head: the iterable; the end of its body: `void 0`). */
export function forAwaitSuspendCall(ids: ProbeIdentifiers, value?: t.Expression): t.CallExpression {
  return probeCall(ids, "suspend", value, FOR_AWAIT_MARKER);
}

/** `_tsprof$h.delegate(_tsprof$t, inner)`: a `yield*` leaves the stack; the inner generator will run under this frame. */
export function delegateCall(ids: ProbeIdentifiers, inner: t.Expression): t.CallExpression {
  return probeCall(ids, "delegate", inner);
}

/** `_tsprof$h.resume(_tsprof$t, value)`: the frame comes back, value passes through. */
export function resumeCall(ids: ProbeIdentifiers, value?: t.Expression): t.CallExpression {
  return probeCall(ids, "resume", value);
}

/** `_tsprof$h.resume(_tsprof$t);` as a statement (top of catch/finally, loop bodies). */
export function resumeStatement(ids: ProbeIdentifiers): t.ExpressionStatement {
  return t.expressionStatement(resumeCall(ids));
}

/** `body` as a block: itself when it is one, else a block holding it. */
function asBlock(body: t.Statement): t.BlockStatement {
  return t.isBlockStatement(body) ? body : t.blockStatement([body]);
}

// for await (h of _tsprof$h.suspend(_tsprof$t, x, 1)) { _tsprof$h.resume(_tsprof$t); try { B } finally { _tsprof$h.suspend(_tsprof$t, void 0, 1); } }
/** The body of a `for await` loop: active while the body runs, suspended while the loop awaits the next item. */
export function forAwaitBody(ids: ProbeIdentifiers, body: t.Statement): t.BlockStatement {
  return t.blockStatement([
    resumeStatement(ids),
    t.tryStatement(asBlock(body), null, t.blockStatement([t.expressionStatement(forAwaitSuspendCall(ids))])),
  ]);
}

// for (h of x) { try { B } finally { _tsprof$h.resume(_tsprof$t); } }
/**
 * The body of a plain `for (… of …)` loop that yields or awaits: however B ends, the frame is back on the
 * stack before the loop closes its iterator (a return or throw resumption out of a `yield` in B skips the
 * yield's own resume). A block B stays the block it was (its declarations keep their scope); the loop
 * head, its labels and its per-iteration bindings are untouched.
 */
export function closeIteratorUnderFrame(ids: ProbeIdentifiers, body: t.Statement): t.BlockStatement {
  return t.blockStatement([t.tryStatement(asBlock(body), null, t.blockStatement([resumeStatement(ids)]))]);
}

// try { LOOP } finally { _tsprof$h.resume(_tsprof$t); }
/** Wraps a `for await` loop (or its label) so the frame is back on the stack however the loop ends. */
export function resumeAfterLoop(ids: ProbeIdentifiers, loop: t.Statement): t.TryStatement {
  return t.tryStatement(t.blockStatement([loop]), null, t.blockStatement([resumeStatement(ids)]));
}

/** How the module header reaches the runtime entry. */
export type RuntimeAccess =
  | { kind: "require"; specifier: string }
  | { kind: "import"; specifier: string }
  | { kind: "global" }
  | { kind: "require-or-global"; specifier: string };

// What a module's accessor returns while there is no runtime to register with: a handle that records
// nothing (the probes of every kind of function call through it).
const buildNoOpModuleHandle = buildResumableNoOpHandle;

// require (`importStyle: "require"`, .cjs, scripts): a runtime that cannot be loaded fails loudly, at load.
// var _tsprof$m;
// function _tsprof$() { return _tsprof$m || (_tsprof$m = require(SPEC).module(FILE, SITES)); }
// _tsprof$();
const buildAccessor = template.statements(
  `var HANDLE;
   function ACCESSOR() { return HANDLE || (HANDLE = ENTRY.module(FILE, SITES)); }
   ACCESSOR();`,
  templateOptions,
);

// import (ES modules) and global (`runtime: "global"`, `importStyle: "global"`): ENTRY, the runtime when it is
// there, else a handle that records nothing, not cached, so that the runtime is looked up again at each call
// until it is there.
// - import: the namespace, else globalThis.__tsprof. UMD output calls its factory with `global.probe` in a
//   browser (no module system), and the namespace Babel makes of that `undefined` has no `module`: the bare
//   `NS.module(…)` threw a TypeError in every instrumented file there.
// - global: globalThis.__tsprof. The header's own call runs before anything else in the file, so an entry
//   that loads the runtime on its first line (`require("@tsprof/runtime/probe")`), or a page that loads
//   runtime.js after a.js, met an undefined global there and the file died with a TypeError (`reading 'module'`).
// function _tsprof$() {
//   if (_tsprof$m) return _tsprof$m;
//   var entry = typeof _tsprof$rt.module === "function" ? _tsprof$rt : globalThis.__tsprof;   (import)
//   return entry ? (_tsprof$m = entry.module(FILE, SITES)) : NO_OP_HANDLE;
// }
const buildLookupAccessor = template.statements(
  `var HANDLE;
   function ACCESSOR() {
     if (HANDLE) return HANDLE;
     var entry = ENTRY;
     return entry ? HANDLE = entry.module(FILE, SITES) : NO_OP;
   }
   ACCESSOR();`,
  templateOptions,
);
const buildNamespaceOrGlobal = template.expression(`typeof NAMESPACE.module === "function" ? NAMESPACE : globalThis.${GLOBAL_PROBE_NAME}`, templateOptions);
const buildGlobalEntry = template.expression(`globalThis.${GLOBAL_PROBE_NAME}`, templateOptions);

// require-or-global (a module without import/export, sourceType "module"): `require` when it exists at run
// time, else globalThis.__tsprof, else a handle that records nothing, so the file never crashes for want
// of the runtime. A `require` that fails (the runtime not installed where the program runs) is said once
// per thread on stderr (the flag is on globalThis, which each worker thread has its own of), and not tried again: the program runs as it would without tsprof, but not
// silently without its profile. So is an ES module, where there is no `require` (Rollup's output plugin
// gives Babel its chunks without a filename, and a file told to be a script in a "type": "module" package
// runs as one), while the global is not there, in Node (a page has no process): such a program ran with no
// profile and not a word. The global is looked up again at each call, for a runtime loaded later. The
// tsc transformer's header says the same, under the same key (ts-transformer/src/probe-nodes.ts), so the
// two say it once between them.
// function _tsprof$() {
//   if (_tsprof$m) return _tsprof$m;
//   var entry;
//   function notLoaded(reason) { …one stderr line per process…; return NO_OP_HANDLE; }
//   if (typeof require === "function") {
//     try { entry = require(SPEC); } catch (error) { if (!globalThis.__tsprof) return _tsprof$m = notLoaded(error && error.code || error); }
//   } else if (!globalThis.__tsprof) return notLoaded("no require in an ES module");
//   …then as the import accessor, with `entry` for the namespace
// }
const buildFallbackAccessor = template.statements(
  `var HANDLE;
   function ACCESSOR() {
     if (HANDLE) return HANDLE;
     var entry;
     function notLoaded(reason) {
       var said = typeof Symbol === "function" ? Symbol.for("tsprof.runtimeNotLoaded") : "__tsprofRuntimeNotLoaded";
       if (!globalThis[said] && typeof process === "object" && process && process.stderr) {
         globalThis[said] = true;
         process.stderr.write("tsprof: cannot load " + SPECIFIER + " (" + reason + "): the program runs without profiling\\n");
       }
       return NO_OP;
     }
     if (typeof require === "function") {
       try {
         entry = require(SPECIFIER);
       } catch (error) {
         if (!globalThis.${GLOBAL_PROBE_NAME}) return HANDLE = notLoaded(error && error.code || error);
       }
     } else if (!globalThis.${GLOBAL_PROBE_NAME}) return notLoaded("no require in an ES module");
     if (!(entry && typeof entry.module === "function")) entry = globalThis.${GLOBAL_PROBE_NAME};
     return entry ? HANDLE = entry.module(FILE, SITES) : NO_OP;
   }
   ACCESSOR();`,
  templateOptions,
);

/** The statements that go first in an instrumented module (after its directives). */
export function moduleHeader(ids: ProbeIdentifiers, access: RuntimeAccess, file: string, sites: SiteTuple[]): t.Statement[] {
  const common = {
    HANDLE: t.identifier(ids.handle),
    ACCESSOR: t.identifier(ids.accessor),
    FILE: t.stringLiteral(file),
    SITES: t.valueToNode(sites),
  };
  switch (access.kind) {
    case "require":
      return buildAccessor({ ...common, ENTRY: t.callExpression(t.identifier("require"), [t.stringLiteral(access.specifier)]) });
    case "global":
      return buildLookupAccessor({ ...common, ENTRY: buildGlobalEntry(), NO_OP: buildNoOpModuleHandle() });
    case "import": {
      const namespace = t.identifier(ids.runtimeNamespace);
      const importDeclaration = t.importDeclaration([t.importNamespaceSpecifier(namespace)], t.stringLiteral(access.specifier));
      const entry = buildNamespaceOrGlobal({ NAMESPACE: t.identifier(ids.runtimeNamespace) });
      return [importDeclaration, ...buildLookupAccessor({ ...common, ENTRY: entry, NO_OP: buildNoOpModuleHandle() })];
    }
    case "require-or-global":
      return buildFallbackAccessor({ ...common, SPECIFIER: t.stringLiteral(access.specifier), NO_OP: buildNoOpModuleHandle() });
  }
}
