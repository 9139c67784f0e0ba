// A Profile clock written in the program itself is instrumented code under `tsprof run` (or a Babel
// build): reading it must not re-enter the recorder. It did, without end: the program hung.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tsprof } from "./helpers/cli";

test("a Profile clock defined in instrumented code: the program runs as under node, its profile counts the call, not the clock's own calls", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-clock-"));
  writeFileSync(
    join(dir, "main.js"),
    'const { Profile } = require("@tsprof/runtime");\n' +
      "let ticks = 0;\n" +
      "function step() { return ++ticks; }\n" +
      "const profile = new Profile({ clock: { now: () => step(), unit: 0.001, name: 'mine' } });\n" +
      "function work() { return 1; }\n" +
      "profile.runcall(work);\n" +
      'profile.dumpStats("own.tsprof.json");\n' +
      'console.log("done", ticks > 0);\n',
  );
  // Resolved from the repository: the scratch folder has no node_modules.
  const result = tsprof(["run", "-o", "auto.tsprof.json", "main.js"], { cwd: dir, env: { NODE_PATH: join(__dirname, "..", "..", "node_modules") } });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, "done true\n");
  const own = JSON.parse(readFileSync(join(dir, "own.tsprof.json"), "utf8")) as { meta: { clock: string }; functions: { name: string }[]; stats: { function: number; calls: number }[] };
  assert.equal(own.meta.clock, "mine");
  assert.deepEqual(own.stats.map((row) => [own.functions[row.function].name, row.calls]), [["work", 1]]);
});
