// `tsprof stats --json`: the rows a print would list, with the numbers unrounded and named.
import type { PstatsCaller } from "@tsprof/format";
import { funcStdString } from "./func-name";
import type { Restriction } from "./restrictions";
import type { Stats } from "./stats";

interface JsonEdge {
  function: string;
  file: string;
  line: number;
  name: string;
  calls: number;
  primitiveCalls: number;
  selfTime: number;
  totalTime: number;
}

/** A JSON document (pretty-printed, trailing newline) for the rows `stats.printStats(...restrictions)` would list. */
export function statsToJson(stats: Stats, restrictions: readonly Restriction[], options: { callers?: boolean; callees?: boolean } = {}): string {
  const { list, message, ordered } = stats.selectRows(restrictions);
  const rows = list.map((id) => stats.row(id));
  const edge = (caller: PstatsCaller["caller"], value: PstatsCaller): JsonEdge => ({
    function: funcStdString(caller),
    file: caller.file,
    line: caller.line,
    name: caller.name,
    calls: value.calls,
    primitiveCalls: value.primitiveCalls,
    selfTime: value.selfTime,
    totalTime: value.totalTime,
  });
  const calleesOf = new Map<string, JsonEdge[]>();
  if (options.callees) {
    for (const entry of stats.entries()) {
      for (const caller of entry.callers) {
        const callerName = funcStdString(caller.caller);
        if (!calleesOf.has(callerName)) calleesOf.set(callerName, []);
        calleesOf.get(callerName)!.push(edge(entry.function, caller));
      }
    }
  }
  const document = {
    files: stats.files,
    totalCalls: stats.totalCalls,
    primitiveCalls: stats.primitiveCalls,
    totalTime: stats.totalTime,
    orderedBy: ordered ? message.split("\n")[0]!.replace("   Ordered by: ", "") : null,
    restrictions: message.split("\n").slice(1).filter(Boolean).map((line) => line.trim()),
    functions: rows.map((row) => ({
      function: funcStdString(row.function),
      file: row.function.file,
      line: row.function.line,
      name: row.function.name,
      calls: row.calls,
      primitiveCalls: row.primitiveCalls,
      selfTime: row.selfTime,
      totalTime: row.totalTime,
      ...(options.callers ? { callers: row.callers.map((c) => edge(c.caller, c)) } : {}),
      ...(options.callees ? { callees: calleesOf.get(funcStdString(row.function)) ?? [] } : {}),
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
