// Runs every compiled test file (packages/*/dist/**/*.test.js and test/dist/**/*.test.js)
// with Node's test runner. Node 20's `--test` takes no globs, so the files are listed here.
// The tests get a temporary directory of their own (TMPDIR), removed afterwards: the files and
// directories they make there (profiles, fixtures' copies, caches) never pile up in /tmp.
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const root = new URL("..", import.meta.url).pathname;
const filter = process.argv.slice(2);

function collect(dir, out) {
  let names;
  try { names = readdirSync(dir); } catch { return out; }
  for (const name of names.sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith(".test.js")) out.push(path);
  }
  return out;
}

const files = [];
for (const pkg of readdirSync(join(root, "packages")).sort()) collect(join(root, "packages", pkg, "dist"), files);
collect(join(root, "test", "dist"), files);
const selected = filter.length ? files.filter((f) => filter.some((s) => f.includes(s))) : files;
if (selected.length === 0) {
  console.error("run-tests: no test files found (did the build run?)");
  process.exit(1);
}
const scratch = mkdtempSync(join(tmpdir(), "tsprof-tests-"));
const env = { ...process.env, TMPDIR: scratch, TMP: scratch, TEMP: scratch };
let result;
try {
  result = spawnSync(process.execPath, ["--test", "--test-reporter=spec", ...selected], { stdio: "inherit", env });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(result?.status ?? 1);
