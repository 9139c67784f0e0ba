// Runs the built `tsprof` command (and plain node, for comparison) as a child process.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

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

/**
 * `COMMAND` in `cwd` with its stdout (or stderr) a real pipe, as a shell makes one (Node's spawn()
 * makes socket pairs, which /dev/stdout cannot be opened on): the bytes that went through the pipe,
 * the other stream, and the command's exit status.
 */
export function throughPipe(command: string[], stream: "stdout" | "stderr", options: { cwd: string; env?: Record<string, string> }): { piped: Buffer; other: string; status: number } {
  const scratchDir = mkdtempSync(join(tmpdir(), "tsprof-pipe-"));
  const other = join(scratchDir, "other");
  const status = join(scratchDir, "status");
  const redirect = stream === "stdout" ? `2>"${other}"` : `2>&1 >"${other}"`;
  const result = spawnSync("sh", ["-c", `{ "$@" ${redirect}; echo $? >"${status}"; } | cat`, "sh", ...command], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`sh: ${result.stderr.toString()}`);
  return { piped: result.stdout, other: readFileSync(other, "utf8"), status: Number(readFileSync(status, "utf8")) };
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

/** A folder in the temp dir (`tsprof-PREFIX-…`, no package.json above it, so no "type") holding `files`. */
export function scratchProject(files: Record<string, string>, prefix = "project"): string {
  const root = mkdtempSync(join(tmpdir(), `tsprof-${prefix}-`));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

/** Calls by qualified name in a .tsprof.json file (one function per name: the last one wins). */
export function callsByName(path: string): Record<string, number> {
  const profile = JSON.parse(readFileSync(path, "utf8")) as {
    functions: { qualifiedName: string }[];
    stats: { function: number; calls: number }[];
  };
  const out: Record<string, number> = {};
  for (const row of profile.stats) out[profile.functions[row.function].qualifiedName] = row.calls;
  return out;
}

/** `tsprof run -o OUT ARGS` in `cwd`: its result and the calls it recorded by name (undefined when no profile was written). */
export function profiledRun(cwd: string, args: string[], env: Record<string, string> = {}): RunResult & { calls?: Record<string, number> } {
  const out = join(cwd, "p.tsprof.json");
  const result = tsprof(["run", "-o", out, ...args], { cwd, env });
  let calls: Record<string, number> | undefined;
  try {
    calls = callsByName(out);
  } catch {
    calls = undefined;
  }
  return { ...result, calls };
}
