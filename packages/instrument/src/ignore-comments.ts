// The comments that turn instrumentation off: `/* tsprof ignore next */` and `/* tsprof ignore file */`.

/** Comment text (without delimiters) that skips the next statement or function, nested functions included. */
export const IGNORE_NEXT = /^\s*tsprof\s+ignore\s+next(?:\s|$)/;
/** Comment text that leaves the whole file uninstrumented, wherever it appears. */
export const IGNORE_FILE = /^\s*tsprof\s+ignore\s+file(?:\s|$)/;

interface CommentLike {
  value: string;
}

export function hasIgnoreNext(comments: readonly CommentLike[] | null | undefined): boolean {
  return !!comments && comments.some((comment) => IGNORE_NEXT.test(comment.value));
}

export function hasIgnoreFile(comments: readonly CommentLike[] | null | undefined): boolean {
  return !!comments && comments.some((comment) => IGNORE_FILE.test(comment.value));
}

interface PositionedComment extends CommentLike {
  start?: number | null;
  end?: number | null;
}

/**
 * Offsets (into `code`) of the code that each `tsprof ignore next` comment stands before: the first
 * character after it that is neither whitespace nor another comment. A node that starts there, and every
 * node inside one, is what the comment skips. This is read from the file's list of comments rather than
 * from the comments the parser attaches to nodes: with `parserOpts: { attachComment: false }` (which
 * some toolchains set for speed) no node has `leadingComments`, and the comment was ignored without a word.
 */
export function ignoreNextTargets(comments: readonly PositionedComment[], code: string): Set<number> {
  const positioned = comments.filter((comment) => typeof comment.start === "number" && typeof comment.end === "number");
  const byStart = new Map(positioned.map((comment) => [comment.start as number, comment]));
  const targets = new Set<number>();
  for (const comment of positioned) {
    if (!IGNORE_NEXT.test(comment.value)) continue;
    let position = comment.end as number;
    for (;;) {
      while (position < code.length && /\s/.test(code[position])) position++;
      const next = byStart.get(position);
      if (!next || (next.end as number) <= position) break;
      position = next.end as number;
    }
    targets.add(position);
  }
  return targets;
}
