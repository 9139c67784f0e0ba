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
