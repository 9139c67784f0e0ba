// Test support: a Profile on a manual tick clock, a probe handle for named sites, and lookups of the numbers by function name.
import type { EdgeStats, FunctionStats, Profile as ProfileData } from "@tsprof/format";
import { createTickClock, type TickClock } from "./clock";
import { Profile, type ProfileOptions } from "./profile";
import type { ModuleHandle, SiteTuple } from "./probe-types";
import { getRuntimeState } from "./runtime-state";

export type SiteKindName = "function" | "generator" | "async" | "async-generator";
const KIND_CODES: Record<SiteKindName, number> = { function: 0, generator: 1, async: 2, "async-generator": 3 };

let fileCounter = 0;

export interface Harness<Name extends string> {
  /** One tick = one second, so times read as tick counts. */
  clock: TickClock;
  profile: Profile;
  probe: ModuleHandle;
  /** Local site index by function name. */
  site: Record<Name, number>;
}

/** A fresh module (unique file name) whose sites are `kinds`' keys, and an enabled Profile on a tick clock. */
export function createHarness<Name extends string>(
  kinds: Record<Name, SiteKindName>,
  options: ProfileOptions = {},
): Harness<Name> {
  const clock = createTickClock(1);
  const names = Object.keys(kinds) as Name[];
  const sites: SiteTuple[] = names.map((name, i) => [name, "", i + 1, 1, KIND_CODES[kinds[name]]]);
  const probe = getRuntimeState().module(`harness-${++fileCounter}.js`, sites);
  const site = {} as Record<Name, number>;
  names.forEach((name, i) => (site[name] = i));
  const profile = new Profile({ clock, ...options });
  profile.enable();
  return { clock, profile, probe, site };
}

/** The function row of `name` (calls, primitiveCalls, selfTime, totalTime[, asyncWallTime]). */
export function statsOf(profile: ProfileData, name: string): Omit<FunctionStats, "function"> {
  const index = profile.functions.findIndex((f) => f.name === name);
  const row = profile.stats.find((s) => s.function === index);
  if (row === undefined) throw new Error(`no stats for ${name}`);
  const { function: _function, ...numbers } = row;
  return numbers;
}

/** The caller→callee edge (calls, primitiveCalls, selfTime, totalTime). */
export function edgeOf(profile: ProfileData, caller: string, callee: string): Omit<EdgeStats, "caller" | "callee"> {
  const callerIndex = profile.functions.findIndex((f) => f.name === caller);
  const calleeIndex = profile.functions.findIndex((f) => f.name === callee);
  const edge = profile.edges.find((e) => e.caller === callerIndex && e.callee === calleeIndex);
  if (edge === undefined) throw new Error(`no edge ${caller} -> ${callee}`);
  const { caller: _caller, callee: _callee, ...numbers } = edge;
  return numbers;
}

/** The call tree as nested `name calls/self/total` lines: easy to compare whole. */
export function treeLines(profile: ProfileData): string[] {
  const lines: string[] = [];
  const walk = (nodes: ProfileData["callTree"], depth: number): void => {
    for (const node of nodes ?? []) {
      const name = profile.functions[node.function]?.name ?? "?";
      lines.push(`${"  ".repeat(depth)}${name} ${node.calls}/${node.selfTime}/${node.totalTime}`);
      walk(node.children, depth + 1);
    }
  };
  walk(profile.callTree, 0);
  return lines;
}

/** Stops recording and returns the profile. */
export function finish<Name extends string>(harness: Harness<Name>): ProfileData {
  harness.profile.disable();
  return harness.profile.snapshot();
}
