// Reading callgrind's output: the totals of one thread, and its self cost per instruction address
// attributed to the JIT functions of V8's perf map (node --perf-basic-prof).
import { readFileSync } from "node:fs";

/** The event names and totals of a callgrind file (`events:` and `summary:` lines), as { name: count }. */
export function callgrindTotals(path) {
  const text = readFileSync(path, "utf8");
  const events = /^events:\s*(.+)$/m.exec(text);
  const summary = /^summary:\s*(.+)$/m.exec(text);
  if (!events || !summary) throw new Error(`${path}: not a callgrind file (no events: or summary: line)`);
  const names = events[1].trim().split(/\s+/);
  const values = summary[1].trim().split(/\s+/).map(Number);
  return Object.fromEntries(names.map((name, i) => [name, values[i] ?? 0]));
}

/**
 * Self instruction counts (the first event, Ir) per JIT function of a callgrind file recorded
 * with --dump-instr=yes, named by the perf map V8 wrote for the same process. Costs of `calls=`
 * lines (inclusive costs of a call) are skipped, so every instruction is counted once.
 * Returns [name, count] pairs, largest first.
 */
export function jitFunctionCosts(callgrindPath, perfMapPath) {
  const byAddress = new Map();
  let address = 0n;
  let skipNext = false;
  for (const line of readFileSync(callgrindPath, "utf8").split("\n")) {
    if (line.startsWith("calls=")) {
      skipNext = true;
      continue;
    }
    const first = line[0];
    if (!((first === "0" && line[1] === "x") || first === "+" || first === "-" || first === "*")) continue;
    const fields = line.split(" ");
    const position = fields[0];
    if (position === "*") {
      // same address
    } else if (first === "+") address += BigInt(position.slice(1));
    else if (first === "-") address -= BigInt(position.slice(1));
    else address = BigInt(position);
    if (skipNext) {
      skipNext = false;
      continue;
    }
    const cost = Number(fields[2] ?? 0);
    byAddress.set(address, (byAddress.get(address) ?? 0) + cost);
  }
  const ranges = readFileSync(perfMapPath, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const [start, size, ...name] = line.split(" ");
      return { start: BigInt(`0x${start}`), end: BigInt(`0x${start}`) + BigInt(`0x${size}`), name: name.join(" ") };
    })
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const nameAt = (at) => {
    let low = 0;
    let high = ranges.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (ranges[middle].start <= at) low = middle + 1;
      else high = middle - 1;
    }
    return high >= 0 && at < ranges[high].end ? ranges[high].name : undefined;
  };
  const byFunction = new Map();
  for (const [at, cost] of byAddress) {
    const name = nameAt(at);
    if (name !== undefined) byFunction.set(name, (byFunction.get(name) ?? 0) + cost);
  }
  return [...byFunction].sort((a, b) => b[1] - a[1]);
}
