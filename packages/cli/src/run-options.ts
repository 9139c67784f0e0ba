// What the `tsprof run` parent hands to the hooks in the child process (through one environment variable).
export interface RunHookOptions {
  /** Project root: site-table paths are relative to it. */
  root: string;
  /** Globs of files to instrument (relative to root); empty = everything not excluded. */
  include: string[];
  /** Globs of files never instrumented. node_modules is excluded unless `include` names it. */
  exclude: string[];
  /** Absolute path of the runtime's probe entry that instrumented modules require/import. */
  runtime: string;
  /** Directory where the child leaves its profile files and markers. */
  outputDir: string;
  /** Identity of the code that compiles (compile-cache.ts fingerprintTools), computed once by the parent for every thread. */
  toolFingerprint: string;
}

export const RUN_OPTIONS_ENV = "TSPROF_RUN_OPTIONS";

export function readRunOptions(): RunHookOptions {
  const text = process.env[RUN_OPTIONS_ENV];
  if (!text) throw new Error(`${RUN_OPTIONS_ENV} is not set: the tsprof hooks run only under \`tsprof run\``);
  return JSON.parse(text) as RunHookOptions;
}
