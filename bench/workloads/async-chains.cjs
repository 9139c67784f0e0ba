// The async workload: many concurrent await chains (each a few async levels deep, awaiting timers-free promises), the shape of a busy server.
"use strict";

async function leaf(value) {
  await null;
  return value + 1;
}

async function middle(value, depth) {
  let total = 0;
  for (let i = 0; i < depth; i++) total += await leaf(value + i);
  return total;
}

async function chain(id) {
  const first = await middle(id, 4);
  const second = await middle(first % 7, 3);
  return first + second;
}

/** `count` chains started at once, awaited together. */
async function run(count) {
  const pending = [];
  for (let id = 0; id < count; id++) pending.push(chain(id));
  const results = await Promise.all(pending);
  return results.reduce((sum, x) => sum + x, 0);
}

module.exports = { run };
