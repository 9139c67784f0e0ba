// Child process: type-checks and emits (to memory) one TypeScript project with the compiler at MODULE (plain or instrumented); prints {"seconds", "maxRssBytes", "heapAfterGcBytes", "externalAfterGcBytes", ...} as JSON.
// usage: node --expose-gc ts-compile.cjs MODULE TSCONFIG
"use strict";

const v8 = require("node:v8");

const [modulePath, tsconfigPath] = process.argv.slice(2);
const ts = require(modulePath);

/** createProgram + getPreEmitDiagnostics + emit, as `tsc -p TSCONFIG` does, outputs kept in memory. */
function compile() {
  const config = ts.getParsedCommandLineOfConfigFile(tsconfigPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n")); } });
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, projectReferences: config.projectReferences });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const written = new Map();
  const emitted = program.emit(undefined, (fileName, text) => written.set(fileName, text));
  return { files: config.fileNames.length, diagnostics: diagnostics.length + emitted.diagnostics.length, outputs: written.size };
}

if (typeof global.gc !== "function") throw new Error("run with --expose-gc");
const start = process.hrtime.bigint();
const result = compile();
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const maxRssBytes = process.resourceUsage().maxRSS * 1024;

// What stays once the program is garbage: the compiler's code and, instrumented, the recorder, whose
// counters live in typed arrays (ArrayBuffers are external memory, outside V8's used heap). A few
// full GCs with event-loop turns between them let background work (compile jobs, sweeping) finish.
(async () => {
  for (let i = 0; i < 4; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    global.gc();
  }
  const heapAfterGcBytes = v8.getHeapStatistics().used_heap_size;
  const externalAfterGcBytes = process.memoryUsage().external;
  process.stdout.write(JSON.stringify({ seconds, ...result, maxRssBytes, heapAfterGcBytes, externalAfterGcBytes }) + "\n");
})();
