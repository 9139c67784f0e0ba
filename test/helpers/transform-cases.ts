// The cases of fixtures/transform/<case>/: input.js or input.ts, optional options.json (plugin options) and
// case.json (harness settings). Read here once for every test file that runs them.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./cli";

export const transformFixturesDir = join(repoRoot, "fixtures", "transform");

export interface TransformCaseSettings {
  /** How Babel parses the input; "module" inputs are lowered to CommonJS to run. Default "script". */
  sourceType?: "script" | "module";
  /** Frames allowed to stay open after run() settles (abandoned generators). Default 0. */
  openAtEnd?: number;
  /** false: transform-only case (no run() export). Default true. */
  run?: boolean;
}

export interface TransformCase {
  name: string;
  caseDir: string;
  inputName: "input.js" | "input.ts";
  filename: string;
  source: string;
  typescript: boolean;
  /** options.json, {} without one. */
  pluginOptions: Record<string, unknown>;
  /** case.json, {} without one. */
  settings: TransformCaseSettings;
}

function readJson<T>(path: string, fallback: T): T {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as T) : fallback;
}

/** Every case with an input, by name. */
export function transformCases(): TransformCase[] {
  const cases: TransformCase[] = [];
  for (const name of existsSync(transformFixturesDir) ? readdirSync(transformFixturesDir).sort() : []) {
    const caseDir = join(transformFixturesDir, name);
    const inputName = (["input.js", "input.ts"] as const).find((file) => existsSync(join(caseDir, file)));
    if (!inputName) continue;
    const filename = join(caseDir, inputName);
    cases.push({
      name,
      caseDir,
      inputName,
      filename,
      source: readFileSync(filename, "utf8"),
      typescript: inputName.endsWith(".ts"),
      pluginOptions: readJson<Record<string, unknown>>(join(caseDir, "options.json"), {}),
      settings: readJson<TransformCaseSettings>(join(caseDir, "case.json"), {}),
    });
  }
  return cases;
}
