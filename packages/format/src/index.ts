export * from "./types";
export * from "./file";
export * from "./profile-json";
export * from "./canonical";
export * from "./read";
export * from "./merge";
export * from "./pstats-marshal";
export * from "./cpuprofile";
// Node's modules as the format and runtime packages reach them (for the runtime; programs have no use for them).
export * from "./node-builtins";
