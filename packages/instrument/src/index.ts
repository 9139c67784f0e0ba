// @tsprof/instrument: what every tsprof transform shares (protocol, options, file filter, names, site table).
export * from "./protocol";
export * from "./options";
export * from "./file-filter";
export * from "./project-path";
export * from "./ignore-comments";
export * from "./site-table";
export * from "./function-names";
export * from "./probe-identifiers";
export * from "./original-position";
export * from "./inferred-names";
export * from "./package-type";
