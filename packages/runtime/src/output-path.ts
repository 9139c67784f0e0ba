// Where the automatic session writes its profile: TSPROF_OUTPUT (with %p, %t) or tsprof-<pid>.tsprof.json.
import { isCpuProfilePath, needsNodeFs, nodeBuiltin } from "@tsprof/format";

// Node's path module (format's node-builtins.ts: no require() in an ES module bundle).
const nodePath = nodeBuiltin("path");

export interface OutputTarget {
  path: string;
  /** True when the user did not choose the path: say where it went (one stderr line). */
  announce: boolean;
  /** Why the profile goes elsewhere than the user asked (one stderr line, with where it went). */
  instead?: string;
}

const KNOWN_EXTENSIONS = [".tsprof.json", ".json", ".pstats", ".prof", ".cpuprofile"];

/**
 * `template` is TSPROF_OUTPUT: `%p` becomes the process id, `%t` the worker thread id.
 * A worker (threadId > 0) whose template has no `%t` gets `-t<threadId>` before the extension,
 * so every thread writes its own file. Relative paths resolve against `cwd`.
 */
export function resolveOutputTarget(template: string | undefined, pid: number, threadId: number, cwd: string): OutputTarget {
  if (nodePath === undefined) throw needsNodeFs("writing the profile");
  const { isAbsolute, join } = nodePath;
  if (template === undefined || template === "") {
    const name = threadId > 0 ? `tsprof-${pid}-t${threadId}.tsprof.json` : `tsprof-${pid}.tsprof.json`;
    return { path: join(cwd, name), announce: true };
  }
  let path = template.split("%p").join(String(pid));
  if (path.includes("%t")) path = path.split("%t").join(String(threadId));
  else if (threadId > 0) path = insertBeforeExtension(path, `-t${threadId}`);
  return { path: isAbsolute(path) ? path : join(cwd, path), announce: false };
}

/**
 * Where this process writes when another one wrote its target while it ran: `<name>-<pid>.<ext>`
 * (a forked child inherits TSPROF_OUTPUT, and without `%p` parent and child name one file).
 */
export function otherProcessPath(path: string, pid: number): string {
  return insertBeforeExtension(path, `-${pid}`);
}

function insertBeforeExtension(path: string, suffix: string): string {
  const lower = path.toLowerCase();
  for (const extension of KNOWN_EXTENSIONS) {
    if (lower.endsWith(extension)) return path.slice(0, path.length - extension.length) + suffix + path.slice(path.length - extension.length);
  }
  return path + suffix;
}

/**
 * The target for a count-only recording (TSPROF_MODE=count), which has calls and no times: a
 * .cpuprofile is nothing but times (every sample would be 0, and DevTools shows NaN and an empty
 * panel), so the counts go to the same name with .tsprof.json instead, and the user is told.
 * `tsprof run -o x.cpuprofile` refuses the mode up front; this is for a program run with node.
 */
export function countOnlyTarget(target: OutputTarget): OutputTarget {
  if (!isCpuProfilePath(target.path)) return target;
  const path = `${target.path.slice(0, target.path.length - ".cpuprofile".length)}.tsprof.json`;
  return { path, announce: false, instead: `TSPROF_MODE=count records no times, and a .cpuprofile holds nothing else: the counts went to ${path} instead of ${target.path}` };
}
