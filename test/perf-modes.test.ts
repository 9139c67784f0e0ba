// The cheaper recording modes against the exact one, end to end: every parity program run by `tsprof run` in count-only mode
// (TSPROF_MODE=count) and with the fast clock (TSPROF_CLOCK=fast) records the same calls, primitive calls, edges and call tree
// as with the exact recorder (TSPROF_CLOCK=tick); count-only times are all 0, fast-clock times never negative.
// Adding a case means adding a folder under fixtures/parity.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import type { CallTreeNode, Profile } from "@tsprof/format";
import { listParityCases, repoRoot } from "./helpers/parity-cases";

const tsprofBin = join(repoRoot, "packages", "cli", "bin", "tsprof.js");

function profileIn(program: string, env: Record<string, string>): Profile {
  const out = join(mkdtempSync(join(tmpdir(), "tsprof-perf-modes-")), "program.tsprof.json");
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("TSPROF_")) clean[key] = value;
  const result = spawnSync(process.execPath, [tsprofBin, "run", "-o", out, basename(program)], {
    cwd: dirname(program),
    env: { ...clean, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(readFileSync(out, "utf8")) as Profile;
}

/** Calls, primitive calls and edges by qualified name; the tree as `name calls` lines. */
function counts(profile: Profile): unknown {
  const name = (index: number): string => {
    const f = profile.functions[index];
    return `${f.file}:${f.line}:${f.column}(${f.qualifiedName})`;
  };
  const tree: string[] = [];
  const walk = (nodes: CallTreeNode[] | undefined, depth: number): void => {
    for (const node of nodes ?? []) {
      tree.push(`${"  ".repeat(depth)}${name(node.function)} ${node.calls}`);
      walk(node.children, depth + 1);
    }
  };
  walk(profile.callTree, 0);
  return {
    stats: profile.stats.map((row) => `${name(row.function)} ${row.calls}/${row.primitiveCalls}`),
    edges: profile.edges.map((edge) => `${name(edge.caller)} -> ${name(edge.callee)} ${edge.calls}/${edge.primitiveCalls}`),
    tree,
  };
}

for (const parityCase of listParityCases()) {
  test(`count-only and fast-clock modes count like the exact recorder: ${parityCase.name}`, () => {
    const exact = profileIn(parityCase.jsProgram, { TSPROF_CLOCK: "tick" });
    const counted = profileIn(parityCase.jsProgram, { TSPROF_MODE: "count" });
    const fast = profileIn(parityCase.jsProgram, { TSPROF_CLOCK: "fast" });
    assert.ok(exact.stats.length > 0, "the program made calls");
    assert.deepEqual(counts(counted), counts(exact));
    assert.deepEqual(counts(fast), counts(exact));
    assert.equal(counted.meta.clock, "none");
    for (const row of [...counted.stats, ...counted.edges]) assert.deepEqual([row.selfTime, row.totalTime], [0, 0]);
    for (const row of [...fast.stats, ...fast.edges]) assert.ok(row.selfTime >= 0 && row.totalTime >= 0, JSON.stringify(row));
  });
}
