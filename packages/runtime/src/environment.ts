// The TSPROF_* variables the runtime reads, and what each accepts. A value outside those was
// silently taken as the default (TSPROF_CLOCK=bogus timed with hrtime, TSPROF_AUTOSTART=no
// recorded, TSPROF_MAX_TREE_NODES=1e6 left the cap at its default): the user believed a setting
// was in force that was not. Now the automatic session prints one line per such variable when
// it starts, and `tsprof run` refuses the run before the program starts (exit 2).

/** What a TSPROF_* variable accepts: a fixed set of words, or a positive integer. */
export interface EnvironmentRule {
  readonly values?: readonly string[];
  readonly positiveInteger?: boolean;
  /** How the accepted values are told in the message. */
  readonly expected: string;
}

const RULES: ReadonlyArray<readonly [string, EnvironmentRule]> = [
  ["TSPROF_CLOCK", { values: ["hrtime", "fast", "tick"], expected: "hrtime (the default), fast or tick" }],
  ["TSPROF_MODE", { values: ["count"], expected: "count (unset: timed)" }],
  ["TSPROF_COMPENSATE", { values: ["0", "1"], expected: "0 or 1" }],
  ["TSPROF_AUTOSTART", { values: ["0", "1"], expected: "0 or 1" }],
  ["TSPROF_FAST_CLOCK_PERIOD_US", { positiveInteger: true, expected: "a positive whole number of microseconds" }],
  ["TSPROF_MAX_TREE_NODES", { positiveInteger: true, expected: "a positive whole number" }],
  ["TSPROF_MAX_DEPTH", { positiveInteger: true, expected: "a positive whole number" }],
];

/**
 * One line for each TSPROF_* variable in `env` whose value the runtime does not accept, such as
 * `TSPROF_CLOCK=bogus: expected hrtime (the default), fast or tick`. Unset and empty variables are
 * fine (the default). Runs before any user code (at session start, or in `tsprof run`'s parent).
 * `more`: rules of variables another part of tsprof reads (`tsprof run`'s TSPROF_CACHE).
 */
export function environmentProblems(env: NodeJS.ProcessEnv, more: ReadonlyArray<readonly [string, EnvironmentRule]> = []): string[] {
  const problems: string[] = [];
  for (const [name, rule] of [...RULES, ...more]) {
    const value = env[name];
    if (value === undefined || value === "") continue;
    const ok = rule.positiveInteger ? positiveIntegerSetting(value) !== undefined : rule.values!.includes(value);
    if (!ok) problems.push(`${name}=${value}: expected ${rule.expected}`);
  }
  return problems;
}

/** A TSPROF_* whole-number setting (the caps, the fast clock's period), or undefined when unset or not one. */
export function positiveIntegerSetting(text: string | undefined): number | undefined {
  return text !== undefined && /^[1-9][0-9]*$/.test(text) ? Number(text) : undefined;
}
