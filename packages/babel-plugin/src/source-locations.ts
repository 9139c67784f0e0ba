// Source positions of the nodes the plugin makes in place of user nodes.
//
// Plugins that run after this one (babel-plugin-istanbul: `jest --coverage` with babel-jest puts it
// after the project's plugins) and Babel's own source maps read `loc`. A function body we rebuilt
// without one made istanbul's fnMap say `undefined-undefined` for every function, and a concise arrow's
// `{ return expr; }` without one lost the statement istanbul counts for `expr`. So a node that stands
// for user code (the body block, the `return` of a concise arrow, the call that wraps an `await` or
// `yield`) carries the position of the code it replaces. The probe's own statements (`const _tsprof$h
// = …`, the `try`/`finally`, resume calls) stay without one: istanbul skips nodes without `loc`, so they
// never count as statements or branches, and this plugin's own visitors use the missing `loc` to tell
// its generated `try`/`catch` apart from the user's.
import type { types as t } from "@babel/core";

/** Gives `node` the source position of `original` (comments are not copied); returns `node`. */
export function atLocationOf<T extends t.Node>(node: T, original: t.Node): T {
  node.loc = original.loc;
  node.start = original.start;
  node.end = original.end;
  return node;
}
