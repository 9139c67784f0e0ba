// `@tsprof/runtime`: the Profile API, clocks, and access to the automatic session.
import type { Profile as ProfileData } from "@tsprof/format";
import type { RecordingSession } from "./recording-session";
import { getRuntimeState } from "./runtime-state";

export { Profile, createProfile, type ProfileOptions, type ProfileScope } from "./profile";
export { createHrtimeClock, createSteppingTickClock, createTickClock, type Clock, type TickClock } from "./clock";
export { startDefaultSession } from "./default-session";
export type { ModuleHandle, ProbeEntry, SiteTuple } from "./probe-types";

/** The automatic session's profile so far (open frames closed on a copy), or undefined when it never started. */
export function snapshotDefaultSession(): ProfileData | undefined {
  const session = getRuntimeState().defaultSession as RecordingSession | undefined;
  return session === undefined ? undefined : session.snapshot();
}
