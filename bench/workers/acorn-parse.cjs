// Child process: times one acorn parse of INPUT with the acorn build at MODULE (plain or instrumented); prints {"seconds"} as JSON.
// usage: node acorn-parse.cjs MODULE INPUT
// BENCH_EXIT_AFTER_PARSE=1: end the process right after printing, without 'exit' handlers (the profile
// is not written), so that an instruction count of the whole process covers the parse, not the write.
"use strict";

const { readFileSync } = require("node:fs");

const [modulePath, inputPath] = process.argv.slice(2);
const acorn = require(modulePath);
const source = readFileSync(inputPath, "utf8");

const start = process.hrtime.bigint();
const ast = acorn.parse(source, { ecmaVersion: "latest", sourceType: "script" });
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const line = JSON.stringify({ seconds, statements: ast.body.length }) + "\n";
if (process.env.BENCH_EXIT_AFTER_PARSE === "1") process.stdout.write(line, () => process.reallyExit(0));
else process.stdout.write(line);
