// Golden files: compare text with a committed file; UPDATE_GOLDEN=1 rewrites it (then check every number by hand).
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import assert from "node:assert/strict";

export const updatingGolden = process.env.UPDATE_GOLDEN === "1";

export function assertGolden(actual: string, goldenPath: string): void {
  if (updatingGolden || !existsSync(goldenPath)) {
    if (!updatingGolden) assert.fail(`golden file missing: ${goldenPath} (run with UPDATE_GOLDEN=1 to create it)`);
    writeFileSync(goldenPath, actual);
    return;
  }
  assert.equal(actual, readFileSync(goldenPath, "utf8"), `differs from ${goldenPath} (UPDATE_GOLDEN=1 regenerates it)`);
}
