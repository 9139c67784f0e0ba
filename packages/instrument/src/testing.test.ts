// createProbeLog: records the trace and flags every breach of the stack discipline the transforms must keep.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createProbeLog } from "./testing";
import { SiteKindCode } from "./protocol";

function handleOf() {
  const log = createProbeLog();
  const handle = log.entry.module("a.js", [["f", "", 1, 1, SiteKindCode.Function], ["m", "Foo.m", 2, 1, SiteKindCode.Async]]);
  return { log, handle };
}

test("a balanced run: no violations, nothing open, readable trace", () => {
  const { log, handle } = handleOf();
  const outer = handle.enter(0);
  const inner = handle.enter(1);
  assert.equal(handle.suspend(inner, "v"), "v");
  assert.equal(handle.resume(inner, 7), 7);
  handle.resume(inner);
  handle.exit(inner);
  handle.exit(outer);
  assert.deepEqual(log.violations, []);
  assert.deepEqual(log.openFrames(), []);
  assert.deepEqual(log.events, ["enter f #1", "enter Foo.m #2", "suspend Foo.m #2", "resume Foo.m #2", "resume Foo.m #2 (no-op)", "exit Foo.m #2", "exit f #1"]);
});

test("breaches: exit out of order, double exit, suspend of a frame not on top, frames left open", () => {
  const { log, handle } = handleOf();
  const outer = handle.enter(0);
  const inner = handle.enter(0);
  handle.suspend(outer);
  handle.exit(outer);
  handle.exit(outer);
  assert.equal(log.violations.length, 3);
  assert.match(log.violations[0], /^suspend of f #1 which is not on top/);
  assert.match(log.violations[1], /^exit of f #1 which is not on top/);
  assert.match(log.violations[2], /^exit of closed frame f #1/);
  assert.deepEqual(log.openFrames(), [{ token: inner, site: "f", state: "active" }]);
});

test("a suspended frame may be exited (generator.return() without finally); it is then closed", () => {
  const { log, handle } = handleOf();
  const token = handle.enter(1);
  handle.suspend(token);
  handle.exit(token);
  assert.deepEqual(log.violations, []);
  assert.deepEqual(log.openFrames(), []);
});
