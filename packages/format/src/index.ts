export * from "./types";
export * from "./file";
export * from "./canonical";
export * from "./read";
export * from "./merge";
export * from "./pstats-marshal";
