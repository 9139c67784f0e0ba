// @tsprof/stats: pstats for tsprof profiles and Python pstats files.
export * from "./stats";
export * from "./restrictions";
export * from "./python-regex";
export * from "./sort-keys";
export * from "./func-name";
export * from "./python-text";
export * from "./print-table";
export * from "./json-report";
export * from "./command-args";
export * from "./stats-command";
export * from "./diff";
export * from "./diff-command";
export * from "./diff-budget";
export * from "./browser";
