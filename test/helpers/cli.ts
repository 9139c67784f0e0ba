// Runs the built `tsprof` command (and plain node, for comparison) as a child process.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { join } from "node:path";

export const repoRoot = join(__dirname, "..", "..", "..");
export const tsprofBin = join(repoRoot, "packages", "cli", "bin", "tsprof.js");

export interface RunResult {
  stdout: string;
  stderr: string;
  status: number | null;
  signal: NodeJS.Signals | null;
}

function collect(result: SpawnSyncReturns<string>): RunResult {
  if (result.error) throw result.error;
  return { stdout: result.stdout, stderr: result.stderr, status: result.status, signal: result.signal };
}

/** `tsprof ARGS` in `cwd`, with a deterministic tick clock unless env says otherwise. */
export function tsprof(args: string[], options: { cwd?: string; env?: Record<string, string>; input?: string } = {}): RunResult {
  return collect(
    spawnSync(process.execPath, [tsprofBin, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, TSPROF_CLOCK: "tick", ...options.env },
      encoding: "utf8",
      input: options.input ?? "",
      timeout: 60_000,
    }),
  );
}

/** Plain `node ARGS` in `cwd`: the behaviour tsprof run must keep. */
export function node(args: string[], options: { cwd?: string } = {}): RunResult {
  return collect(spawnSync(process.execPath, args, { cwd: options.cwd ?? repoRoot, encoding: "utf8", input: "", timeout: 60_000 }));
}

/** python3 on PATH, or undefined (tests then skip visibly). */
export function findPython(): string | undefined {
  const probe = spawnSync("python3", ["--version"], { encoding: "utf8" });
  return probe.status === 0 ? "python3" : undefined;
}
