// `@tsprof/runtime`: the Profile API, clocks, and access to the automatic session.
export { Profile, createProfile, type ProfileOptions, type ProfileScope } from "./profile";
export { createHrtimeClock, createSteppingTickClock, createTickClock, type Clock, type TickClock } from "./clock";
export { snapshotDefaultSession, startDefaultSession } from "./default-session";
export type { ModuleHandle, ProbeEntry, SiteTuple } from "./probe-types";
