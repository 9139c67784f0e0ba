// `node --require module-host.cjs script-host.cjs FILE`: runs FILE as a classic script of this
// realm (global `var`s, `this` the global object), as test262 means a script, with import()
// resolving relative to FILE through Node's own loader (module-run.mjs --scripts).
"use strict";
const { readFileSync } = require("node:fs");
const { resolve } = require("node:path");
const vm = require("node:vm");

const file = resolve(process.argv[2]);
vm.runInThisContext(readFileSync(file, "utf8"), {
  filename: file,
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
