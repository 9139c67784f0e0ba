// User-facing errors: one line on stderr, a chosen exit status, never a stack trace.

/** A mistake of the user (bad flag, missing file, unreadable profile): printed as one line, exit 2. */
export class UsageError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = "UsageError";
  }
}
