// Instruments one file: every function gets the probe of protocol.ts, the module gets its header and site table.
//
// Runs from `Program.enter` (one scan for names and with/eval, one traversal that rewrites, one scope
// crawl so later plugins see our bindings), so it sees the source before any other plugin or preset
// rewrites it. Functions without `loc` were made by someone else (or by us) and are left alone.
import { types as t, type NodePath } from "@babel/core";
import {
  buildSiteTuple,
  chooseProbeIdentifiers,
  hasIgnoreFile,
  hasIgnoreNext,
  ignoreNextTargets,
  isRuntimePackageFile,
  moduleTag,
  projectRelativePath,
  type ModuleSites,
  type NormalizedOptions,
  type OriginalPositionMapper,
  type ProbeIdentifiers,
  type SiteTuple,
} from "@tsprof/instrument";
import { functionNames, staticBlockNames, type NameOf } from "./site-names";
import {
  closeIteratorUnderFrame,
  forAwaitBody,
  forAwaitSuspendCall,
  moduleHeader,
  probedBody,
  resumeAfterLoop,
  resumeCall,
  resumeStatement,
  delegateCall,
  suspendCall,
  type RuntimeAccess,
} from "./probe-shapes";
import { separateClashingDeclarations } from "./clashing-declarations";
import { existingSiteTable } from "./already-instrumented";
import { runtimeAccess, type ConfiguredSourceType } from "./runtime-access";
import { atLocationOf } from "./source-locations";
import { loweredDisposal } from "./lowered-disposal";
import { isIdxCallback } from "./idx-callbacks";

/** What the plugin knows about the file being transformed. */
export interface FileFacts {
  /** Absolute filename, when Babel has one. */
  filename: string | undefined;
  /** The source text as Babel got it (with the path, it makes the module's top-level names unique). */
  code: string;
  /** Every comment of the file (for `tsprof ignore file`, and `tsprof ignore next` by position). */
  comments: readonly t.Comment[];
  positions: OriginalPositionMapper;
  /** The `sourceType` Babel was given for the file (the program's own says what the parse decided). */
  sourceType: ConfiguredSourceType;
}

/**
 * The include/exclude rules: on the file Babel was given, and on a function's original source (a bundle's module,
 * as OriginalPositionMapper.sourceAt names it: a path or a URL), the runtime's code included.
 */
export interface FileRules {
  acceptsFile(filename: string): boolean;
  acceptsSource(source: string, filename: string | undefined): boolean;
}

/** Why a file was left as it is. */
export type SkipReason = "excluded" | "ignore-file";

/** What instrumentProgram() did to a file, and what the rest of the traversal still needs. */
export interface InstrumentedProgram {
  /** The file's site table (an instrumented file's own), or why it was skipped. */
  table: ModuleSites | SkipReason;
  /**
   * Puts probes into the block another plugin lowered a `using` or `await using` declaration to, once
   * Program.enter is over (see the plugin's TryStatement visitor); a no-op for any other try statement.
   * Absent when this pass put no probes into the file.
   */
  probeLoweredDisposal?: (path: NodePath<t.TryStatement>) => void;
  /** The module header this pass put first in the file, for the plugin's check once every plugin has run. */
  header?: ModuleHeader;
}

/** The header of an instrumented module and what it was built from (see switchHeaderToImport). */
export interface ModuleHeader {
  statements: t.Statement[];
  access: RuntimeAccess;
  ids: ProbeIdentifiers;
  file: string;
  sites: SiteTuple[];
}

/** Identifier names the file mentions, and the functions made unsafe to instrument by `with` or direct `eval`. */
interface FileScan {
  usedNames: Set<string>;
  /** Functions containing a `with` statement or a direct `eval(…)` call (at any depth). */
  containsWithOrEval: Set<t.Node>;
  hasWithOrEval: boolean;
}

const PROBE_NAME_IN_TEXT = /_tsprof\$[\w$]*/g;
/** A plain JavaScript identifier: what a source map's name must be to stand for a function's or a class's. */
const IDENTIFIER_NAME = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*$/u;

function scanFile(program: t.Program): FileScan {
  const usedNames = new Set<string>();
  const containsWithOrEval = new Set<t.Node>();
  let hasWithOrEval = false;
  t.traverse(program, (node, ancestors) => {
    if (t.isIdentifier(node) || t.isJSXIdentifier(node)) usedNames.add(node.name);
    // Code in strings may reach eval / new Function: names spelled there count as used too.
    const text = t.isStringLiteral(node) ? node.value : t.isTemplateElement(node) ? node.value.raw : undefined;
    if (text !== undefined) for (const name of text.match(PROBE_NAME_IN_TEXT) ?? []) usedNames.add(name);
    const isDirectEval = t.isCallExpression(node) && t.isIdentifier(node.callee, { name: "eval" });
    if (isDirectEval || t.isWithStatement(node)) {
      hasWithOrEval = true;
      for (const { node: ancestor } of ancestors) if (t.isFunction(ancestor) || t.isStaticBlock(ancestor)) containsWithOrEval.add(ancestor);
    }
  });
  return { usedNames, containsWithOrEval, hasWithOrEval };
}

/** Instruments the program in place; returns its site table (an instrumented file's own) or why it was skipped, and the late probes. */
export function instrumentProgram(
  programPath: NodePath<t.Program>,
  facts: FileFacts,
  options: NormalizedOptions,
  rules: FileRules,
): InstrumentedProgram {
  const relativeFile = projectRelativePath(options.root, facts.filename);
  // The runtime's own files never: a linked @tsprof/runtime (npm link, workspaces) is reached through its real
  // path, outside node_modules, and a probe in it would call the runtime while it loads.
  if (facts.filename && (isRuntimePackageFile(facts.filename) || !rules.acceptsFile(facts.filename))) return { table: "excluded" };
  if (hasIgnoreFile(facts.comments)) return { table: "ignore-file" };
  const existing = existingSiteTable(programPath.node);
  if (existing) return { table: existing };

  // Before any change to the program: an option that cannot work for this file is refused here.
  const access = runtimeAccess(options, facts.filename, programPath.node, facts.sourceType);
  const scan = scanFile(programPath.node);
  const ids = chooseProbeIdentifiers((name) => scan.usedNames.has(name), moduleTag(relativeFile, facts.code));
  const originalFile = facts.positions.originalFile;
  const file = originalFile ? projectRelativePath(options.root, originalFile) : relativeFile;
  const sites: SiteTuple[] = [];
  // Functions (and static blocks) that got a probe and can suspend: their await/yield/catch/finally need probes too.
  const suspendable = new WeakSet<t.Node>();
  const done = new WeakSet<t.Node>();

  const addSite = (node: t.Node, names: { name: string; qualifiedName: string }, async: boolean, generator: boolean): number => {
    const start = node.loc!.start;
    const position = facts.positions.map(start.line, start.column);
    // The line and column belong to the file the map names for them (or to this file, unmapped); a
    // site in another file than the module's names it (a map with several sources: tsc outFile, a bundle).
    const siteFile = position.file ? projectRelativePath(options.root, position.file) : relativeFile;
    const { line, column } = position;
    sites.push(buildSiteTuple({ ...names, line, column, async, generator, ...(siteFile === file ? {} : { file: siteFile }) }));
    return sites.length - 1;
  };

  // Where the file's `tsprof ignore next` comments point, found by position: with the parser's
  // attachComment off no node has leadingComments (ignore-comments.ts); both are asked.
  const ignoredStarts = ignoreNextTargets(facts.comments, facts.code);
  const ignoredHere = (node: t.Node): boolean => hasIgnoreNext(node.leadingComments) || (typeof node.start === "number" && ignoredStarts.has(node.start));
  // The original name an input map gives an identifier (a minifier's `n` was `fib`), when it is one.
  const nameOf: NameOf = (id) => {
    const start = id.loc?.start;
    const original = start ? facts.positions.nameAt(start.line, start.column) : undefined;
    return original !== undefined && IDENTIFIER_NAME.test(original) ? original : id.name;
  };

  // A function whose original source is another file (a bundle's module) is held to the rules by that source:
  // a bundled @tsprof/runtime instrumented after bundling had probes in the recorder's own functions, which
  // called the recorder, and the program hung; vendor code mapped to node_modules stays out as unbundled.
  const sourceAccepted = new Map<string, boolean>();
  const fromExcludedSource = (node: t.Node): boolean => {
    const start = node.loc!.start;
    const source = facts.positions.sourceAt(start.line, start.column);
    if (source === undefined || source === facts.filename) return false;
    let accepted = sourceAccepted.get(source);
    if (accepted === undefined) sourceAccepted.set(source, (accepted = rules.acceptsSource(source, facts.filename)));
    return !accepted;
  };

  const isSkipped = (path: NodePath): boolean => {
    if (!path.node.loc || isIdxCallback(path) || fromExcludedSource(path.node)) return true;
    if (ignoredHere(path.node) || path.findParent((parent) => ignoredHere(parent.node))) return true;
    if (!scan.hasWithOrEval) return false;
    return scan.containsWithOrEval.has(path.node) || !!path.findParent((parent) => parent.isWithStatement() || scan.containsWithOrEval.has(parent.node));
  };

  /** The function (or static block) whose own code holds `path`: computed keys and decorators belong to the outer one. */
  const ownerOf = (path: NodePath): t.Node | undefined => {
    let child: NodePath = path;
    for (let parent = path.parentPath; parent; child = parent, parent = parent.parentPath) {
      const inOwnCode = child.key !== "key" && child.listKey !== "decorators";
      if ((parent.isFunction() || parent.isStaticBlock()) && inOwnCode) return parent.node;
    }
    return undefined;
  };

  /** Whether the function whose body holds `path` got a suspendable probe. */
  const suspendableOwner = (path: NodePath): boolean => {
    const owner = ownerOf(path);
    return !!owner && suspendable.has(owner);
  };

  /** Whether the loop's body holds a `yield`, `yield*` or `await` of the loop's own function (not of a nested one). */
  const bodySuspends = (loop: NodePath<t.ForOfStatement>): boolean => {
    const owner = ownerOf(loop);
    let found = false;
    loop.get("body").traverse({
      "YieldExpression|AwaitExpression"(path) {
        if (ownerOf(path) !== owner) return;
        found = true;
        path.stop();
      },
    });
    return found;
  };

  programPath.traverse({
    Function(path) {
      const node = path.node;
      if (done.has(node) || isSkipped(path)) return;
      done.add(node);
      const site = addSite(node, functionNames(path, nameOf), !!node.async, !!node.generator);
      if (node.async || node.generator) suspendable.add(node);
      instrumentBody(node, ids, site);
    },
    StaticBlock(path) {
      const node = path.node;
      if (done.has(node) || isSkipped(path)) return;
      done.add(node);
      const site = addSite(node, staticBlockNames(path, nameOf), false, false);
      // A static block's body is var-scoped like a function body: same clashes to handle.
      const { hoisted, rest } = separateClashingDeclarations([], node.body);
      node.body = probedBody(ids, site, [...hoisted, ...rest], false);
    },
    // await x  →  _tsprof$().resume(_tsprof$t, await _tsprof$().suspend(_tsprof$t, x))
    AwaitExpression: {
      exit(path) {
        const node = path.node;
        if (done.has(node) || !suspendableOwner(path)) return;
        done.add(node);
        node.argument = suspendCall(ids, node.argument);
        path.replaceWith(atLocationOf(resumeCall(ids, node), node));
      },
    },
    // yield x   →  _tsprof$h.resume(_tsprof$t, yield _tsprof$h.suspend(_tsprof$t, x))
    // yield* x  →  _tsprof$h.resume(_tsprof$t, yield* _tsprof$h.delegate(_tsprof$t, x))   (x runs under this frame)
    YieldExpression: {
      exit(path) {
        const node = path.node;
        if (done.has(node) || !suspendableOwner(path)) return;
        done.add(node);
        node.argument = node.delegate ? delegateCall(ids, node.argument!) : suspendCall(ids, node.argument ?? undefined);
        path.replaceWith(atLocationOf(resumeCall(ids, node), node));
      },
    },
    // return x (async generator)  →  return _tsprof$h.suspend(_tsprof$t, x)
    // The return statement of an async generator awaits its value itself, before any finally block runs
    // (ECMA-262 ReturnStatement: `? Await(exprValue)` when the generator kind is async): the frame leaves
    // the stack there, or the wait would be its own time and whatever runs meanwhile its callees. No
    // resume follows: the user's finally blocks re-activate it, the exit probe closes it. `return;` awaits nothing.
    ReturnStatement: {
      exit(path) {
        const node = path.node;
        if (!node.argument || done.has(node) || !suspendableOwner(path)) return;
        const owner = ownerOf(path) as t.Function;
        if (!owner.async || !owner.generator) return;
        done.add(node);
        node.argument = suspendCall(ids, node.argument);
      },
    },
    // for await (h of x) B  →  try { for await (h of suspend(x, 1)) { resume(); try { B } finally { suspend(void 0, 1); } } } finally { resume(); }
    // for (h of x) B        →  for (h of x) { try { B } finally { resume(); } }   (only when B yields or awaits)
    ForOfStatement: {
      exit(path) {
        const node = path.node;
        if (done.has(node) || !suspendableOwner(path)) return;
        done.add(node);
        if (!node.await) {
          // A return or throw resumption out of a yield/await in B skips that expression's resume probe and
          // leaves the loop, which calls the iterator's return(): a generator's finally then runs, and it
          // must run under this frame (design.md §2: under whoever drives it), so put it back first.
          if (bodySuspends(path)) node.body = closeIteratorUnderFrame(ids, node.body);
          return;
        }
        node.right = forAwaitSuspendCall(ids, node.right);
        node.body = forAwaitBody(ids, node.body);
        // A labelled loop keeps its labels (`continue outer` must still name a loop): wrap the outermost label.
        let statement: NodePath = path;
        while (statement.parentPath?.isLabeledStatement()) statement = statement.parentPath;
        statement.replaceWith(resumeAfterLoop(ids, statement.node as t.Statement));
      },
    },
    // catch (e) { B }  →  catch (e) { _tsprof$().resume(_tsprof$t); B }   (gen.throw() and rejections land here)
    CatchClause(path) {
      const node = path.node;
      if (!node.loc || done.has(node) || !suspendableOwner(path)) return;
      done.add(node);
      node.body.body.unshift(resumeStatement(ids));
    },
    // finally { B }  →  finally { _tsprof$().resume(_tsprof$t); B }   (gen.return() lands here)
    TryStatement(path) {
      const node = path.node;
      if (!node.loc || !node.finalizer || done.has(node) || !suspendableOwner(path)) return;
      done.add(node);
      node.finalizer.body.unshift(resumeStatement(ids));
    },
  });

  let header: ModuleHeader | undefined;
  if (sites.length > 0) {
    const statements = moduleHeader(ids, access, file, sites);
    header = { statements, access, ids, file, sites };
    // An import declaration makes the program a module (sourceType "unambiguous" parsed it as a script):
    // so the plugins after this one treat it as one (their helpers imported, not required).
    if (access.kind === "import") programPath.node.sourceType = "module";
    // The file's opening comments (license, @flow, eslint directives) stay at the top of the file; the
    // ones that belong to the first statement stay on it (fileLevelComments).
    const first = programPath.node.body[0];
    if (first?.leadingComments) {
      const { fileLevel, own } = fileLevelComments(first);
      if (fileLevel.length > 0) statements[0].leadingComments = fileLevel;
      first.leadingComments = own.length > 0 ? own : null;
    }
    programPath.node.body.unshift(...statements);
    // Later plugins (preset-typescript's import elision, block scoping) read bindings: register ours.
    programPath.scope.crawl();
  }

  // try { … } catch (_) { _usingCtx.e = _; } finally { await _usingCtx.d(); }
  //   →  … finally { _tsprof$h.resume(_tsprof$t); _tsprof$h.resume(_tsprof$t, await _tsprof$h.suspend(_tsprof$t, _usingCtx.d())); }
  // The await with which an `await using` block disposes of its resources is written by
  // explicit-resource-management (lowered-disposal.ts) after the traversal above, whether that plugin is
  // listed before or after this one. It is a suspension like the user's own (design.md §2): without its
  // probes the function stayed on the stack while [Symbol.asyncDispose]() settled, and the wait was its
  // tottime. The resume at the top of the finally block is the one every finally block of an async
  // function or generator gets: the block may be left by a throw out of a rejected await (which skips that
  // await's resume), and the first disposal is called right there, under this frame. A `using` block's
  // finally (`_usingCtx.d();`) gets that resume too.
  const probeLoweredDisposal = (path: NodePath<t.TryStatement>): void => {
    const node = path.node;
    if (done.has(node) || !suspendableOwner(path)) return;
    const disposal = loweredDisposal(node);
    if (!disposal) return;
    done.add(node);
    const wait = disposal.expression;
    if (t.isAwaitExpression(wait)) {
      done.add(wait);
      wait.argument = suspendCall(ids, wait.argument);
      disposal.expression = resumeCall(ids, wait);
    }
    node.finalizer!.body.unshift(resumeStatement(ids));
  };
  return { table: { file, sites }, probeLoweredDisposal, ...(header ? { header } : {}) };
}

// Comments that speak for the whole file, wherever they stand among the opening ones: `/*! … */`,
// @license, @preserve, @flow, @jsx pragmas, @ts-check, eslint-disable / eslint-env / globals.
const FILE_LEVEL_COMMENT = /^(?:!|[\s*]*@(?:license|preserve|flow|noflow|jsx|jsxImportSource|jsxRuntime|jsxFrag|ts-check|ts-nocheck)\b|\s*(?:eslint-disable|eslint-enable|eslint-env|eslint|global|globals|jshint)(?:\s|$))/;

// Splits the comments before the program's first statement into the file's (they go on the header, so
// they stay at the top of the file) and the statement's own (they stay on it):
//
//   /*! my-lib v1 | MIT */          the file's: a file-level marker
//   // Helpers for the parser.       the file's: a blank line follows
//
//   /* istanbul ignore next */      the statement's: it touches the statement
//   function helper() {}
//
// A run of comments that touches the statement (no blank line between them) is read by tools as the
// statement's: moved onto the header, `/* istanbul ignore next */` made istanbul ignore tsprof's accessor
// and count `helper`, `/* @ngInject */` got angularjs-annotate to add no `$inject` (in either order), and a
// JSDoc described the wrong function. A comment without a position (another plugin's) counts as the file's.
function fileLevelComments(first: t.Statement): { fileLevel: t.Comment[]; own: t.Comment[] } {
  const comments = first.leadingComments ?? [];
  let split = 0;
  for (let index = 0; index < comments.length; index++) {
    const comment = comments[index];
    const nextLine = index + 1 < comments.length ? comments[index + 1].loc?.start.line : first.loc?.start.line;
    const endLine = comment.loc?.end.line;
    const separated = nextLine === undefined || endLine === undefined || nextLine - endLine > 1;
    if (separated || FILE_LEVEL_COMMENT.test(comment.value)) split = index + 1;
  }
  return { fileLevel: comments.slice(0, split), own: comments.slice(split) };
}

/**
 * Replaces a function's body with the probed one (arrow concise bodies become `{ return expr; }`). The
 * new block has the old body's position and a concise body's `return` has the expression's, as
 * istanbul's own rewrite of a concise arrow gives them (see source-locations.ts).
 */
function instrumentBody(node: t.Function, ids: ProbeIdentifiers, site: number): void {
  const block = t.isBlockStatement(node.body) ? node.body : undefined;
  const statements = block ? block.body : [atLocationOf(t.returnStatement(node.body as t.Expression), node.body)];
  const { hoisted, rest } = separateClashingDeclarations(node.params, statements);
  const body = t.blockStatement(probedBody(ids, site, [...hoisted, ...rest], !!(node.async || node.generator)), block ? block.directives : []);
  node.body = atLocationOf(body, node.body);
  if (t.isArrowFunctionExpression(node)) node.expression = false;
}
