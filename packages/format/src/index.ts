export * from "./types";
export * from "./file";
export * from "./profile-json";
export * from "./canonical";
export * from "./read";
export * from "./merge";
export * from "./pstats-marshal";
export * from "./cpuprofile";
