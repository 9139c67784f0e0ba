// Child process: times one acorn parse of INPUT with the acorn build at MODULE (plain or instrumented); prints {"seconds"} as JSON.
// usage: node acorn-parse.cjs MODULE INPUT
"use strict";

const { readFileSync } = require("node:fs");

const [modulePath, inputPath] = process.argv.slice(2);
const acorn = require(modulePath);
const source = readFileSync(inputPath, "utf8");

const start = process.hrtime.bigint();
const ast = acorn.parse(source, { ecmaVersion: "latest", sourceType: "script" });
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
process.stdout.write(JSON.stringify({ seconds, statements: ast.body.length }) + "\n");
