// Running measurement children and reducing their samples: child processes, alternation, medians.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Environment for a child: the parent's, minus every TSPROF_* variable, plus `extra`. */
export function childEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("TSPROF_")) env[key] = value;
  return { ...env, ...extra };
}

/** Runs `command args` to completion and parses the JSON line it prints, adding its `stderr`; throws with its stderr on failure. */
export function runChild(command, args, env = childEnv()) {
  const result = spawnSync(command, args, { encoding: "utf8", env, timeout: 600_000 });
  if (result.error) throw new Error(`${command} ${args.join(" ")}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${result.status ?? result.signal}:\n${result.stderr.trim()}`);
  }
  return { ...JSON.parse(result.stdout.trim().split("\n").pop()), stderr: result.stderr };
}

/**
 * Runs each variant `runs` times, interleaved (a, b, a, b, ...) so that drift in machine
 * load hits both alike. `variants` maps a name to a function of the run index returning
 * one sample; returns the samples by name.
 */
export function alternate(runs, variants) {
  const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  for (let run = 0; run < runs; run++) {
    for (const [name, measure] of Object.entries(variants)) samples[name].push(measure(run));
  }
  return samples;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Wall-clock seconds of running `command args` to completion, output discarded (start-up included); throws with its stderr on failure. */
export function timeProcess(command, args, { env = childEnv(), cwd } = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { env, cwd, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8", timeout: 600_000 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.error) throw new Error(`${command} ${args.join(" ")}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status ?? result.signal}:\n${result.stderr.trim()}`);
  return seconds;
}

/**
 * From one profile file: the calls recorded (all functions, or those named `name`), and the calls
 * of the whole run that went past the call-tree node cap (`meta.droppedTreeNodes`): those take the
 * recorder's slower direct path, so the share says which path a workload's figures measure.
 */
export function profileCounts(path, name) {
  const profile = JSON.parse(readFileSync(path, "utf8"));
  const calls = profile.stats
    .filter((row) => name === undefined || profile.functions[row.function].name === name)
    .reduce((sum, row) => sum + row.calls, 0);
  return { calls, pastNodeCap: profile.meta?.droppedTreeNodes ?? 0 };
}
