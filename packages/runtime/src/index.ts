// `@tsprof/runtime`: the Profile API, clocks, and access to the automatic session.
export { Profile, createProfile, type ProfileOptions, type ProfileScope } from "./profile";
export { createHrtimeClock, createNullClock, createSteppingTickClock, createTickClock, type Clock, type TickClock } from "./clock";
export { calibrateProbeCost, createCompensatedClock, withCompensation, type CompensatedClock, type FollowingClock } from "./compensation";
export { createFastClock, DEFAULT_FAST_CLOCK_PERIOD_US, type FastClock } from "./fast-clock";
export { excludeFromRecording, observeExitSignals, snapshotDefaultSession, startDefaultSession, type DefaultSessionHooks } from "./default-session";
export type { ModuleHandle, ProbeEntry, SiteTuple } from "./probe-types";
export { environmentProblems, type EnvironmentRule } from "./environment";
