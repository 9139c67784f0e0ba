// Child process: times run(COUNT) of the async workload from MODULE (plain or instrumented) after a warm-up; prints {"seconds"} as JSON.
// usage: node async-chains.cjs MODULE COUNT
"use strict";

const [modulePath, countText] = process.argv.slice(2);
const count = Number(countText);
const { run } = require(modulePath);

(async () => {
  await run(count); // warm-up
  const start = process.hrtime.bigint();
  const value = await run(count);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(JSON.stringify({ seconds, value }) + "\n");
})();
