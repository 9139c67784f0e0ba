// What happens when a file fails to instrument for an unexpected reason (option `onError`).
//
// "throw" (default): a Babel error with a code frame and one clear line, no tool stack in the message.
// "skip": the program is put back exactly as it was, and one warning line names the file and the reason.
import { types as t, type NodePath } from "@babel/core";
import type { ErrorPolicy } from "@tsprof/instrument";
import { OptionConflictError } from "./runtime-access";

export function withErrorPolicy(
  path: NodePath<t.Program>,
  policy: ErrorPolicy,
  fileForMessages: string,
  work: () => void,
  warn: (line: string) => void = (line) => console.warn(line),
): void {
  const backup = policy === "skip" ? t.cloneNode(path.node, true, false) : undefined;
  try {
    work();
  } catch (error) {
    // Options that cannot work for this file are the user's to change, whatever onError says; nothing was changed yet.
    if (error instanceof OptionConflictError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    if (!backup) throw path.buildCodeFrameError(`tsprof: could not instrument this file: ${reason}`);
    path.node.body = backup.body;
    path.node.directives = backup.directives;
    path.scope.crawl();
    warn(`tsprof: left ${fileForMessages} uninstrumented: ${reason}`);
  }
}
