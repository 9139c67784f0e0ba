// `tsprof stats --json`: the rows a print would list, with the numbers unrounded and named.
//
// The document (times in seconds, unrounded; counts as integers):
//   files            the profile paths as given on the command line (pstats prints "ctime    path" lines instead)
//   totalCalls, primitiveCalls, totalTime   the header line's three numbers
//   orderedBy        the "Ordered by:" text, or null when unsorted
//   restrictions     the "List reduced from X to Y due to restriction <R>" lines, trimmed
//   droppedCalls     calls not recorded at all (Σ meta.droppedCalls of the tsprof profiles: past the depth
//                    cap), in no count below; 0 when none were (pstats files have none)
//   functions[]      the listed rows, in the printed order: function ("file:line(name)"), file, line, name,
//                    calls, primitiveCalls, selfTime (tottime), totalTime (cumtime); with --callers/--callees
//                    also callers[]/callees[] in the order and cut of --call-sort/--call-limit, and
//                    hiddenCallers/hiddenCallees, how many --call-limit left out (only when it left some out)
//   an edge          function, file, line, name, calls, primitiveCalls, selfTime, totalTime; selfTime and
//                    totalTime are null for a counts-only caller (pstats files of the old profile module)
import type { PstatsCaller, PstatsKey } from "@tsprof/format";
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
  selfTime: number | null;
  totalTime: number | null;
}

/**
 * A JSON document (pretty-printed, trailing newline) for the rows `stats.printStats(...restrictions)` would list.
 * `files`: the paths to report (default: the Stats' pstats-style file lines).
 */
export function statsToJson(stats: Stats, restrictions: readonly Restriction[], options: { callers?: boolean; callees?: boolean; files?: readonly string[] } = {}): string {
  const { list, message, ordered } = stats.selectRows(restrictions);
  const edge = ([key, value]: [PstatsKey, PstatsCaller]): JsonEdge => ({
    function: funcStdString(key),
    file: key.file,
    line: key.line,
    name: key.name,
    calls: value.calls,
    primitiveCalls: value.primitiveCalls,
    selfTime: value.countOnly ? null : value.selfTime,
    totalTime: value.countOnly ? null : value.totalTime,
  });
  const calls = (id: string, direction: "callers" | "callees") => {
    const { calls, hidden } = stats.callList(id, direction);
    const hiddenField = direction === "callers" ? "hiddenCallers" : "hiddenCallees";
    return { [direction]: calls.map(edge), ...(hidden > 0 ? { [hiddenField]: hidden } : {}) };
  };
  const document = {
    files: options.files ?? stats.files,
    totalCalls: stats.totalCalls,
    primitiveCalls: stats.primitiveCalls,
    totalTime: stats.totalTime,
    orderedBy: ordered ? message.split("\n")[0]!.replace("   Ordered by: ", "") : null,
    restrictions: message.split("\n").slice(1).filter(Boolean).map((line) => line.trim()),
    droppedCalls: stats.droppedCalls,
    functions: list.map((id) => {
      const row = stats.row(id);
      return {
        function: funcStdString(row.function),
        file: row.function.file,
        line: row.function.line,
        name: row.function.name,
        calls: row.calls,
        primitiveCalls: row.primitiveCalls,
        selfTime: row.selfTime,
        totalTime: row.totalTime,
        ...(options.callers ? calls(id, "callers") : {}),
        ...(options.callees ? calls(id, "callees") : {}),
      };
    }),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
