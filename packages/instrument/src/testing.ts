// Test support for any tsprof transform: a recording probe entry that checks the probe protocol's stack discipline.
//
// Install `createProbeLog().entry` as `globalThis.__tsprof` (transform option `runtime: "global"`),
// run instrumented code, then read `events` (a readable trace), `violations` (protocol breaches)
// and `openFrames()` (frames never exited: only abandoned generators / pending async calls may be).
import vm from "node:vm";
import type { ModuleHandle, ProbeEntry, SiteTuple } from "./protocol";

type FrameState = "active" | "suspended" | "closed";

interface Frame {
  site: string;
  state: FrameState;
}

export interface ProbeLog {
  /** The object to install as `globalThis.__tsprof`. */
  entry: ProbeEntry;
  /** One line per probe call, e.g. "enter Foo.bar #3", "resume f #1 (no-op)". */
  events: string[];
  /** Each breach of the protocol: exit of an unknown token, suspend of a frame not on top, … */
  violations: string[];
  /** Frames entered and never exited, with their state. */
  openFrames(): { token: number; site: string; state: FrameState }[];
  /** Frames currently on the stack, innermost last. */
  stack(): string[];
}

export function createProbeLog(): ProbeLog {
  const events: string[] = [];
  const violations: string[] = [];
  const frames = new Map<number, Frame>();
  const stack: number[] = [];
  let lastToken = 0;

  const describe = (token: number): string => `${frames.get(token)?.site ?? "?"} #${token}`;
  const breach = (message: string): void => {
    violations.push(`${message} (after ${events.length} events)`);
  };

  const entry: ProbeEntry = {
    module(file: string, sites: SiteTuple[]): ModuleHandle {
      const siteName = (local: number): string => {
        const site = sites[local];
        if (!site) return `${file}:site${local}?`;
        return site[1] === "" ? site[0] : site[1];
      };
      // suspend and delegate both take the frame off the stack; they differ only in the event recorded.
      const leave = (kind: "suspend" | "delegate", token: number): void => {
        const frame = frames.get(token);
        events.push(`${kind} ${describe(token)}`);
        if (!frame || frame.state !== "active") breach(`${kind} of ${frame ? frame.state : "unknown"} frame ${describe(token)}`);
        else if (stack[stack.length - 1] !== token) breach(`${kind} of ${describe(token)} which is not on top of [${stack.map(describe).join(", ")}]`);
        else {
          stack.pop();
          frame.state = "suspended";
        }
      };
      return {
        enter(localSite) {
          const token = ++lastToken;
          frames.set(token, { site: siteName(localSite), state: "active" });
          stack.push(token);
          events.push(`enter ${describe(token)}`);
          return token;
        },
        exit(token) {
          const frame = frames.get(token);
          events.push(`exit ${describe(token)}`);
          if (!frame || frame.state === "closed") return breach(`exit of ${frame ? "closed" : "unknown"} frame ${describe(token)}`);
          if (frame.state === "active") {
            if (stack[stack.length - 1] !== token) breach(`exit of ${describe(token)} which is not on top of [${stack.map(describe).join(", ")}]`);
            const at = stack.lastIndexOf(token);
            if (at >= 0) stack.splice(at, 1);
          }
          frame.state = "closed";
        },
        suspend(token, value) {
          leave("suspend", token);
          return value as never;
        },
        delegate(token, value) {
          leave("delegate", token);
          return value as never;
        },
        resume(token, value) {
          const frame = frames.get(token);
          if (!frame) breach(`resume of unknown frame #${token}`);
          else if (frame.state === "suspended") {
            frame.state = "active";
            stack.push(token);
            events.push(`resume ${describe(token)}`);
          } else events.push(`resume ${describe(token)} (no-op)`);
          return value as never;
        },
      };
    },
  };

  return {
    entry,
    events,
    violations,
    openFrames: () => [...frames].filter(([, frame]) => frame.state !== "closed").map(([token, frame]) => ({ token, site: frame.site, state: frame.state })),
    stack: () => stack.map(describe),
  };
}

/** Runs CommonJS-shaped code (uses `module.exports`/`exports`, no `require`) in a fresh vm context; returns its exports. */
export function runInFreshContext(code: string, filename: string, globals: Record<string, unknown> = {}): Record<string, unknown> {
  const context = vm.createContext({ ...globals });
  const module = { exports: {} as Record<string, unknown> };
  const wrapper = vm.runInContext(`(function (exports, module) {${code}\n})`, context, { filename }) as (e: unknown, m: unknown) => void;
  wrapper(module.exports, module);
  return module.exports;
}

/**
 * What a fixture's `run()` export observably did: its (awaited) result as JSON, or the error it threw,
 * once pending microtasks and immediates have settled.
 */
export async function observeRun(exports: Record<string, unknown>): Promise<string> {
  const run = exports.run;
  if (typeof run !== "function") throw new Error("fixture does not export a run() function");
  let observed: string;
  try {
    observed = JSON.stringify({ returned: await run() }, null, 1);
  } catch (error) {
    const e = error as { name?: string; message?: string };
    observed = JSON.stringify({ threw: `${e?.name}: ${e?.message}` });
  }
  await new Promise((resolve) => setImmediate(resolve));
  return observed;
}
