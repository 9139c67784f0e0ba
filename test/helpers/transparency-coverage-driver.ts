// Child-process driver of the call-count oracle: loads a parser module, parses inputs, and (optionally) dumps V8's precise call counts.
//
// Usage: node transparency-coverage-driver.js MODULE_PATH INPUTS_JSON [COVERAGE_OUT]
//   INPUTS_JSON: [{ "file": path, "sourceType": "script" | "module" }, ...] parsed in order with acorn's API.
//   COVERAGE_OUT: when given, V8's Profiler.takePreciseCoverage({ callCount, detailed }) entry of
//   MODULE_PATH is written there (its `functions` list: name, ranges with byte offsets and counts).
import { Session } from "node:inspector";
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

interface ParserModule {
  parse(input: string, options: Record<string, unknown>): unknown;
  tokenizer(input: string, options: Record<string, unknown>): Iterable<unknown>;
}

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T)));
  });
}

async function main(): Promise<void> {
  const [modulePath, inputsPath, coverageOut] = process.argv.slice(2);
  const session = new Session();
  session.connect();
  if (coverageOut) {
    await post(session, "Profiler.enable");
    await post(session, "Profiler.startPreciseCoverage", { callCount: true, detailed: true });
  }
  const parser = require(modulePath) as ParserModule;
  const inputs = JSON.parse(readFileSync(inputsPath, "utf8")) as { file: string; sourceType: string }[];
  for (const { file, sourceType } of inputs) {
    const source = readFileSync(file, "utf8");
    parser.parse(source, { ecmaVersion: "latest", sourceType, locations: true });
    let tokens = 0;
    for (const token of parser.tokenizer(source, { ecmaVersion: "latest", sourceType })) if (token) tokens++;
    if (tokens === 0) throw new Error(`no tokens in ${file}`);
  }
  if (coverageOut) {
    const { result } = await post<{ result: { url: string; functions: unknown[] }[] }>(session, "Profiler.takePreciseCoverage");
    const script = result.find((entry) => entry.url === pathToFileURL(modulePath).href);
    if (!script) throw new Error(`V8 reported no coverage for ${modulePath}`);
    writeFileSync(coverageOut, JSON.stringify(script.functions));
  }
  session.disconnect();
}

main().catch((error) => {
  process.stderr.write(`coverage driver: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
