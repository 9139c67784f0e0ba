// `@tsprof/runtime/probe`: the entry instrumented modules load; also published as globalThis.__tsprof.
import type { Profile as ProfileData } from "@tsprof/format";
import { armAutostart, snapshotDefaultSession } from "./default-session";
import type { ModuleHandle, ProbeEntry, SiteTuple } from "./probe-types";
import { getRuntimeState } from "./runtime-state";

export type { ModuleHandle, ProbeEntry, SiteTuple } from "./probe-types";

const state = getRuntimeState();
armAutostart();

/** Registers a module's sites in the process-wide function table and returns its probe handle. */
function registerModule(file: string, sites: SiteTuple[]): ModuleHandle {
  return state.module(file, sites);
}
// `module` is reserved at the top level of a CommonJS module, hence the rename on export.
export { registerModule as module };

/** `globalThis.__tsprof`: the probe entry, plus `snapshot()` for hosts without an exit to write at (browsers). */
const GLOBAL_PROBE_NAME = "__tsprof";
const holder = globalThis as unknown as Record<string, (ProbeEntry & { snapshot?: () => ProfileData | undefined }) | undefined>;
if (holder[GLOBAL_PROBE_NAME] === undefined) {
  Object.defineProperty(globalThis, GLOBAL_PROBE_NAME, {
    value: { module: registerModule, snapshot: snapshotDefaultSession },
    writable: true,
    configurable: true,
    enumerable: false,
  });
}
