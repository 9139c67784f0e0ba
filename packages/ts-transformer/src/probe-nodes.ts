// The code tsprof injects, built with `context.factory`: one builder per shape of packages/instrument/src/protocol.ts.
// In the comments, `_tsprof$` and `_tsprof$m` stand for the module's tagged accessor and handle (`_tsprof$<tag>`, `_tsprof$<tag>$m`).
import type * as ts from "typescript";
import { FOR_AWAIT_MARKER, GLOBAL_PROBE_NAME, type ProbeIdentifiers, type SiteTuple } from "@tsprof/instrument";

/** The exit probe's catch binding (its block is empty: the name is seen by nothing). */
const PROBE_ERROR_NAME = "_tsprof$e";

/**
 * How the module header reaches the runtime entry: the Babel plugin's four cases, and `import ns = require(SPEC)`
 * ("import-require"), which TypeScript lowers to a `require()` or a `define()` dependency without the
 * `__importStar` helper it wraps a namespace import in under esModuleInterop (runtime-access.ts says which when).
 */
export type RuntimeAccess =
  | { kind: "require"; specifier: string }
  | { kind: "import"; specifier: string }
  | { kind: "import-require"; specifier: string }
  | { kind: "global" }
  | { kind: "require-or-global"; specifier: string };

/** A range that is no text: what a node's comments and source map entries come from when they are to have none. */
const NO_TEXT: ts.TextRange = { pos: -1, end: -1 };

/**
 * Gives a node made here that wraps user code (a probe's try and its block, a suspend or resume call
 * around an operand, the `var a = function …` a clashing declaration becomes) the text range of the code
 * it wraps, and no comments or source map entries of its own; `range` undefined or without a position:
 * the node is left as it is.
 *
 * Why a range at all: TypeScript's module transforms find the `import(…)` calls (and, in JavaScript files,
 * the `require(…)` calls) that `rewriteRelativeImportExtensions` rewrites by their place in the text
 * (forEachDynamicImportOrRequireCall searches the text for the words and walks down from the source file
 * to the node at that position, through the children whose range holds it), and the ES module transform
 * then descends only into nodes whose range holds the call. A wrapper without a position (pos -1, as
 * every node the factory makes) hid every call inside it: `import("./lib.ts")` in any instrumented
 * function was emitted as it was written, and failed at run time. Why none of the rest: the range is
 * only for finding the calls; printed, the wrapper is ours and must not repeat the comments at either
 * end of the code it holds, nor map back to it (the code inside still maps to itself). Only ever given
 * a node just made: setEmitFlags replaces flags, of which it has none yet.
 */
export function spanningCode<T extends ts.Node>(tsApi: typeof ts, node: T, range: ts.TextRange | undefined): T {
  if (range === undefined || range.pos < 0 || range.end < range.pos) return node;
  tsApi.setTextRange(node, range);
  tsApi.setCommentRange(node, NO_TEXT);
  tsApi.setSourceMapRange(node, NO_TEXT);
  tsApi.setEmitFlags(node, tsApi.EmitFlags.NoComments | tsApi.EmitFlags.NoSourceMap | tsApi.EmitFlags.NoTokenSourceMaps);
  return node;
}

export function createProbeNodes(tsApi: typeof ts, factory: ts.NodeFactory, ids: ProbeIdentifiers) {
  const { SyntaxKind, NodeFlags } = tsApi;
  const id = (name: string): ts.Identifier => factory.createIdentifier(name);
  const handleCall = (): ts.CallExpression => factory.createCallExpression(id(ids.accessor), undefined, []);

  /** spanningCode() with this file's TypeScript. */
  const spanning = <T extends ts.Node>(node: T, range: ts.TextRange | undefined): T => spanningCode(tsApi, node, range);

  function probeCall(method: "suspend" | "resume" | "delegate", value?: ts.Expression, marker?: number): ts.CallExpression {
    const args: ts.Expression[] = [id(ids.token)];
    if (value || marker !== undefined) args.push(value ?? factory.createVoidZero());
    if (marker !== undefined) args.push(factory.createNumericLiteral(marker));
    return spanning(factory.createCallExpression(factory.createPropertyAccessExpression(id(ids.localHandle), method), undefined, args), value);
  }

  /** `_tsprof$h.resume(_tsprof$t);` */
  const resumeStatement = (): ts.Statement => factory.createExpressionStatement(probeCall("resume"));
  /** `_tsprof$h.suspend(_tsprof$t, value, 1)`: a `for await` loop's suspension (its head: the iterable; the end of its body: `void 0`). */
  const forAwaitSuspendCall = (value?: ts.Expression): ts.CallExpression => probeCall("suspend", value, FOR_AWAIT_MARKER);
  /** `body` as a block: itself when it is one, else a block holding it (spanning it: see spanningCode()). */
  const asBlock = (body: ts.Statement): ts.Block => (tsApi.isBlock(body) ? body : spanning(factory.createBlock([body], true), body));
  /** `try { block } finally { final }`, spanning the code it wraps. */
  const tryFinally = (block: ts.Block, final: ts.Statement[], range: ts.TextRange): ts.TryStatement =>
    spanning(factory.createTryStatement(block, undefined, factory.createBlock(final, true)), range);
  const functionExpression = (params: string[], body: ts.Statement[]): ts.Expression =>
    factory.createFunctionExpression(undefined, undefined, undefined, undefined, params.map((name) => factory.createParameterDeclaration(undefined, undefined, name)), undefined, factory.createBlock(body, false));
  /**
   * A handle that records nothing: `enter` returns 0, `exit` does nothing, and (`resumable`: for generators
   * and async functions, and a module's fallback entry) `suspend`, `delegate` and `resume` return their value.
   */
  const noOpHandle = (resumable: boolean): ts.Expression => {
    const passValue = (): ts.Expression => functionExpression(["token", "value"], [factory.createReturnStatement(id("value"))]);
    const methods = [
      factory.createPropertyAssignment("enter", functionExpression([], [factory.createReturnStatement(factory.createNumericLiteral(0))])),
      factory.createPropertyAssignment("exit", functionExpression([], [])),
    ];
    if (resumable) methods.push(factory.createPropertyAssignment("suspend", passValue()), factory.createPropertyAssignment("delegate", passValue()), factory.createPropertyAssignment("resume", passValue()));
    return factory.createObjectLiteralExpression(methods, resumable);
  };

  return {
    // const _tsprof$h = typeof _tsprof$ === "function" ? _tsprof$() : function () { return NO_OP_HANDLE; }();
    // const _tsprof$t = _tsprof$h.enter(17);
    // try { BODY } finally { try { _tsprof$h.exit(_tsprof$t); } catch (_tsprof$e) {} }
    // (Why the typeof guard and the try/catch around exit: see buildProbedBody in the Babel plugin's
    // probe-shapes.ts. In short: a function evaluated from its source outside its module runs unprofiled
    // instead of throwing a ReferenceError, and an exit probe that overflows the stack after the program
    // caught an overflow no longer replaces a finished return with a RangeError.)
    /**
     * The statements of an instrumented body (the caller keeps the directive prologue in front).
     * `resumable`: a generator or async function (its fallback handle needs suspend, resume and delegate).
     * `range`: the source text of `body` (the try and its block span it: see spanningCode()).
     */
    probedBody(site: number, body: readonly ts.Statement[], resumable: boolean, range: ts.TextRange): ts.Statement[] {
      const constant = (name: string, value: ts.Expression): ts.Statement =>
        factory.createVariableStatement(undefined, factory.createVariableDeclarationList([factory.createVariableDeclaration(id(name), undefined, undefined, value)], NodeFlags.Const));
      // The fallback called without parentheses around it, so V8 compiles it only where it runs.
      const fallback = factory.createCallExpression(functionExpression([], [factory.createReturnStatement(noOpHandle(resumable))]), undefined, []);
      const handle = factory.createConditionalExpression(
        factory.createStrictEquality(factory.createTypeOfExpression(id(ids.accessor)), factory.createStringLiteral("function")),
        undefined,
        handleCall(),
        undefined,
        fallback,
      );
      const enter = factory.createCallExpression(factory.createPropertyAccessExpression(id(ids.localHandle), "enter"), undefined, [factory.createNumericLiteral(site)]);
      const exit = factory.createCallExpression(factory.createPropertyAccessExpression(id(ids.localHandle), "exit"), undefined, [id(ids.token)]);
      const guardedExit = factory.createTryStatement(
        factory.createBlock([factory.createExpressionStatement(exit)], true),
        factory.createCatchClause(PROBE_ERROR_NAME, factory.createBlock([], false)),
        undefined,
      );
      const tryStatement = tryFinally(spanning(factory.createBlock(body, true), range), [guardedExit], range);
      return [constant(ids.localHandle, handle), constant(ids.token, enter), tryStatement];
    },

    /** `_tsprof$h.suspend(_tsprof$t, value)`: the frame leaves the stack, value passes through. */
    suspendCall: (value?: ts.Expression): ts.CallExpression => probeCall("suspend", value),
    forAwaitSuspendCall,
    /** `_tsprof$h.delegate(_tsprof$t, inner)`: a `yield*` leaves the stack; the inner generator runs under this frame. */
    delegateCall: (inner: ts.Expression): ts.CallExpression => probeCall("delegate", inner),
    /** `_tsprof$h.resume(_tsprof$t, value)`: the frame comes back, value passes through. */
    resumeCall: (value?: ts.Expression): ts.CallExpression => probeCall("resume", value),
    resumeStatement,

    // for await (h of _tsprof$h.suspend(_tsprof$t, x, 1)) { _tsprof$h.resume(_tsprof$t); try { B } finally { _tsprof$h.suspend(_tsprof$t, void 0, 1); } }
    /** The body of a `for await` loop: active while the body runs, suspended while the loop awaits the next item. */
    forAwaitBody(body: ts.Statement): ts.Block {
      return spanning(factory.createBlock([resumeStatement(), tryFinally(asBlock(body), [factory.createExpressionStatement(forAwaitSuspendCall())], body)], true), body);
    },

    // for (h of x) { try { B } finally { _tsprof$h.resume(_tsprof$t); } }
    /**
     * The body of a plain `for (… of …)` loop that yields or awaits: however B ends, the frame is back on the
     * stack before the loop closes its iterator (a return or throw resumption out of a `yield` in B skips the
     * yield's own resume). A block B stays the block it was; the loop head and its labels are untouched.
     */
    closeIteratorUnderFrame(body: ts.Statement): ts.Block {
      return spanning(factory.createBlock([tryFinally(asBlock(body), [resumeStatement()], body)], true), body);
    },

    // try { LOOP } finally { _tsprof$h.resume(_tsprof$t); }
    /** Wraps a `for await` loop (or its label) so the frame is back on the stack however the loop ends. */
    resumeAfterLoop(loop: ts.Statement): ts.Statement {
      return tryFinally(spanning(factory.createBlock([loop], true), loop), [resumeStatement()], loop);
    },

    /** The statements that go first in an instrumented module (after its directives). */
    moduleHeader(access: RuntimeAccess, file: string, sites: readonly SiteTuple[]): ts.Statement[] {
      const siteArray = factory.createArrayLiteralExpression(
        sites.map((site) =>
          factory.createArrayLiteralExpression(
            site.map((part) => (typeof part === "string" ? factory.createStringLiteral(part) : factory.createNumericLiteral(part))),
            false,
          ),
        ),
        false,
      );
      const moduleCall = (entry: ts.Expression): ts.Expression =>
        factory.createCallExpression(factory.createPropertyAccessExpression(entry, "module"), undefined, [factory.createStringLiteral(file), siteArray]);
      const globalEntry = (): ts.Expression => factory.createPropertyAccessExpression(id("globalThis"), GLOBAL_PROBE_NAME);
      const requireCall = (specifier: string): ts.Expression => factory.createCallExpression(id("require"), undefined, [factory.createStringLiteral(specifier)]);
      const handleDeclaration = factory.createVariableStatement(undefined, factory.createVariableDeclarationList([factory.createVariableDeclaration(id(ids.handle))], NodeFlags.None));
      const assignHandle = (value: ts.Expression): ts.Expression => factory.createAssignment(id(ids.handle), value);
      const accessor = (body: ts.Statement[]): ts.Statement =>
        factory.createFunctionDeclaration(undefined, undefined, id(ids.accessor), undefined, [], undefined, factory.createBlock(body, true));
      const loadNow = factory.createExpressionStatement(handleCall());

      // function _tsprof$() { return _tsprof$m || (_tsprof$m = ENTRY.module(FILE, SITES)); }
      const cachedAccessor = (entry: ts.Expression): ts.Statement =>
        accessor([
          factory.createReturnStatement(
            factory.createBinaryExpression(id(ids.handle), SyntaxKind.BarBarToken, factory.createParenthesizedExpression(assignHandle(moduleCall(entry)))),
          ),
        ]);

      switch (access.kind) {
        case "require":
          return [handleDeclaration, cachedAccessor(requireCall(access.specifier)), loadNow];
        case "global":
          return [handleDeclaration, cachedAccessor(globalEntry()), loadNow];
        case "import": {
          const namespaceImport = factory.createImportDeclaration(
            undefined,
            factory.createImportClause(false, undefined, factory.createNamespaceImport(id(ids.runtimeNamespace))),
            factory.createStringLiteral(access.specifier),
          );
          return [namespaceImport, handleDeclaration, cachedAccessor(id(ids.runtimeNamespace)), loadNow];
        }
        case "import-require": {
          // import _tsprof$rt = require(SPEC);
          const importEquals = factory.createImportEqualsDeclaration(
            undefined,
            false,
            id(ids.runtimeNamespace),
            factory.createExternalModuleReference(factory.createStringLiteral(access.specifier)),
          );
          return [importEquals, handleDeclaration, cachedAccessor(id(ids.runtimeNamespace)), loadNow];
        }
        case "require-or-global":
          return [handleDeclaration, accessor(fallbackAccessorBody(access.specifier, moduleCall)), loadNow];
      }
    },
  };

  // function _tsprof$() {
  //   if (_tsprof$m) return _tsprof$m;
  //   var entry;
  //   function notLoaded(reason) { …one stderr line per thread…; return NO_OP_HANDLE; }
  //   if (typeof require === "function") {
  //     try { entry = require(SPEC); } catch (error) { if (!globalThis.__tsprof) return _tsprof$m = notLoaded(error && error.code || error); }
  //   } else if (!globalThis.__tsprof) return notLoaded("no require in an ES module");
  //   if (!(entry && typeof entry.module === "function")) entry = globalThis.__tsprof;
  //   return entry ? _tsprof$m = entry.module(FILE, SITES) : NO_OP_HANDLE;
  // }
  /**
   * The accessor body for a module that may run with or without `require`: `require` when it exists, else
   * globalThis.__tsprof, else a handle that records nothing, so the file never crashes for want of the
   * runtime. The Babel plugin's require-or-global accessor (probe-shapes.ts), and its one stderr line per
   * process (under the same global key, so the two say it once between them) when a `require` fails: the
   * program runs as it would without tsprof, but not silently without its profile; the failed require is
   * not tried again. It says so as well (as the Babel plugin's does) when there is no `require` (an ES
   * module: a .js in a "type": "module" package that TypeScript could not tell, such as one whose output
   * goes to another package) and no runtime global, where `process.stderr` exists (Node, not a page);
   * the global is looked up again at each call, for a runtime loaded later.
   */
  function fallbackAccessorBody(specifier: string, moduleCall: (entry: ts.Expression) => ts.Expression): ts.Statement[] {
    const globalEntry = (): ts.Expression => factory.createPropertyAccessExpression(id("globalThis"), GLOBAL_PROBE_NAME);
    const noOpEntryHandle = (): ts.Expression => noOpHandle(true);
    const typeIs = (expression: ts.Expression, type: string): ts.Expression =>
      factory.createStrictEquality(factory.createTypeOfExpression(expression), factory.createStringLiteral(type));
    const and = (...operands: ts.Expression[]): ts.Expression => operands.reduce((left, right) => factory.createLogicalAnd(left, right));
    const call = (callee: ts.Expression, args: ts.Expression[]): ts.Expression => factory.createCallExpression(callee, undefined, args);
    const member = (object: ts.Expression, name: string): ts.Expression => factory.createPropertyAccessExpression(object, name);
    const varStatement = (name: string, value?: ts.Expression): ts.Statement =>
      factory.createVariableStatement(undefined, factory.createVariableDeclarationList([factory.createVariableDeclaration(name, undefined, undefined, value)], NodeFlags.None));
    const statement = (expression: ts.Expression): ts.Statement => factory.createExpressionStatement(expression);
    const specifierLiteral = () => factory.createStringLiteral(specifier);

    // function notLoaded(reason) {
    //   var said = typeof Symbol === "function" ? Symbol.for("tsprof.runtimeNotLoaded") : "__tsprofRuntimeNotLoaded";
    //   if (!globalThis[said] && typeof process === "object" && process && process.stderr) {
    //     globalThis[said] = true;
    //     process.stderr.write("tsprof: cannot load SPEC (" + reason + "): the program runs without profiling\n");
    //   }
    //   return NO_OP_HANDLE;
    // }
    const said = factory.createElementAccessExpression(id("globalThis"), id("said"));
    const line = factory.createAdd(
      factory.createAdd(factory.createStringLiteral(`tsprof: cannot load ${specifier} (`), id("reason")),
      factory.createStringLiteral("): the program runs without profiling\n"),
    );
    const notLoaded = factory.createFunctionDeclaration(undefined, undefined, "notLoaded", undefined, [factory.createParameterDeclaration(undefined, undefined, "reason")], undefined, factory.createBlock([
      varStatement("said", factory.createConditionalExpression(
        typeIs(id("Symbol"), "function"),
        undefined,
        call(member(id("Symbol"), "for"), [factory.createStringLiteral("tsprof.runtimeNotLoaded")]),
        undefined,
        factory.createStringLiteral("__tsprofRuntimeNotLoaded"),
      )),
      factory.createIfStatement(
        and(factory.createLogicalNot(said), typeIs(id("process"), "object"), id("process"), member(id("process"), "stderr")),
        factory.createBlock([
          statement(factory.createAssignment(said, factory.createTrue())),
          statement(call(member(member(id("process"), "stderr"), "write"), [line])),
        ], true),
      ),
      factory.createReturnStatement(noOpEntryHandle()),
    ], true));

    const failureCode = factory.createLogicalOr(factory.createLogicalAnd(id("error"), member(id("error"), "code")), id("error"));
    const tryRequire = factory.createTryStatement(
      factory.createBlock([statement(factory.createAssignment(id("entry"), call(id("require"), [specifierLiteral()])))], true),
      factory.createCatchClause("error", factory.createBlock([
        factory.createIfStatement(factory.createLogicalNot(globalEntry()), factory.createReturnStatement(factory.createAssignment(id(ids.handle), call(id("notLoaded"), [failureCode])))),
      ], true)),
      undefined,
    );
    const withoutRequire = factory.createIfStatement(
      factory.createLogicalNot(globalEntry()),
      factory.createReturnStatement(call(id("notLoaded"), [factory.createStringLiteral("no require in an ES module")])),
    );
    const hasModule = and(id("entry"), typeIs(member(id("entry"), "module"), "function"));
    return [
      factory.createIfStatement(id(ids.handle), factory.createReturnStatement(id(ids.handle))),
      varStatement("entry"),
      notLoaded,
      factory.createIfStatement(typeIs(id("require"), "function"), factory.createBlock([tryRequire], true), withoutRequire),
      factory.createIfStatement(factory.createLogicalNot(factory.createParenthesizedExpression(hasModule)), statement(factory.createAssignment(id("entry"), globalEntry()))),
      factory.createReturnStatement(factory.createConditionalExpression(
        id("entry"),
        undefined,
        factory.createAssignment(id(ids.handle), moduleCall(id("entry"))),
        undefined,
        noOpEntryHandle(),
      )),
    ];
  }
}
