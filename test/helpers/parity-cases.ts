// The parity cases: one folder per case under fixtures/parity, each a Python program and its JS/TS twin.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
/** The repository root (this file compiles to test/dist/helpers/). */
export const repoRoot = join(__dirname, "..", "..", "..");

export const parityRoot = join(repoRoot, "fixtures", "parity");

/** Extensions `tsprof run` accepts for the JS twin. */
const JS_PROGRAM_EXTENSIONS = [".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"];

export interface ParityCase {
  name: string;
  dir: string;
  /** `program.py`: run under cProfile. */
  pythonProgram: string;
  /** `program.js` (or another extension of JS_PROGRAM_EXTENSIONS): run under `tsprof run`. */
  jsProgram: string;
  /** `cprofile.json`: the committed cProfile counts, compared against when python3 is absent. */
  golden: string;
  /**
   * First line of `todo.txt`, when the case documents a known difference between tsprof and
   * cProfile: the test still runs and reports, marked TODO, instead of failing the suite.
   */
  knownDifference?: string;
}

/** Every case folder, sorted by name. A folder without exactly one JS twin is an error, not a skip. */
export function listParityCases(): ParityCase[] {
  return readdirSync(parityRoot)
    .filter((name) => statSync(join(parityRoot, name)).isDirectory())
    .sort()
    .map((name) => {
      const dir = join(parityRoot, name);
      const files = readdirSync(dir);
      const twins = files.filter((f) => JS_PROGRAM_EXTENSIONS.some((ext) => f === `program${ext}`));
      if (!files.includes("program.py")) throw new Error(`fixtures/parity/${name}: program.py is missing`);
      if (twins.length !== 1) throw new Error(`fixtures/parity/${name}: expected one JS twin program.{js,ts,...}, found ${twins.length}`);
      return {
        name,
        dir,
        pythonProgram: join(dir, "program.py"),
        jsProgram: join(dir, twins[0]),
        golden: join(dir, "cprofile.json"),
        knownDifference: files.includes("todo.txt")
          ? readFileSync(join(dir, "todo.txt"), "utf8").split("\n")[0].trim()
          : undefined,
      };
    });
}
