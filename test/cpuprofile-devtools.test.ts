// A .cpuprofile from `tsprof run` as Chrome DevTools reads it: Chromium's own DevTools front end
// (bundled in the browser, at devtools://devtools/bundled/) turns the file into trace events the way
// the Performance panel's "Load profile" does, and its trace model computes the range the panel draws
// and the functions its views list. Debian's chromium; skipped visibly without it (no download).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { scratchProject, tsprof } from "./helpers/cli";

/** Debian's chromium (or TSPROF_CHROMIUM); undefined when there is none. */
function findChromium(): string | undefined {
  const candidates = [process.env.TSPROF_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
  return candidates.find((path): path is string => path !== undefined && path !== "" && existsSync(path));
}

// Two functions named helper at the same line and column of two files, called from main.
const files = {
  "a.js": "function helper(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }\nmodule.exports = helper;\n",
  "b.js": "function helper(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }\nmodule.exports = helper;\n",
  "main.js": 'const a = require("./a.js"), b = require("./b.js");\nfunction main() { for (let i = 0; i < 3; i++) a(10); b(10); }\nmain();\n',
};

test("DevTools' Performance panel sees a non-empty range in a tsprof .cpuprofile, and the same-named functions of two files apart", async (t) => {
  const dir = scratchProject(files, "devtools");
  const out = join(dir, "p.cpuprofile");
  // The default clock: the times and start are real ones, as a user's run writes them.
  const run = tsprof(["run", "-o", out, "main.js"], { cwd: dir, env: { TSPROF_CLOCK: "" } });
  assert.equal(run.status, 0, run.stderr);
  const text = readFileSync(out, "utf8");
  const executablePath = findChromium();
  if (executablePath === undefined) {
    t.skip("no Chromium (/usr/bin/chromium; apt-get install chromium): the file was written, not loaded in DevTools");
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require("playwright-core") as typeof import("playwright-core");
  const browser = await chromium.launch({
    executablePath,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage();
    await page.goto("devtools://devtools/bundled/models/trace/trace.js");
    const seen = await page.evaluate(async (text: string) => {
      // The Performance panel's path for a .cpuprofile (TimelineLoader.loadFromCpuProfile, then the
      // panel's trace model with every handler).
      interface TraceModule {
        Helpers: { SamplesIntegrator: { SamplesIntegrator: { createFakeTraceFromCpuProfile(profile: unknown, tid: unknown): { traceEvents: unknown[] } } } };
        Types: { Events: { ThreadID(id: number): unknown }; Configuration: { defaults(): unknown } };
        TraceModel: { Model: { createWithAllHandlers(config: unknown): { parse(events: unknown[], options: unknown): Promise<void>; parsedTrace(index: number): unknown } } };
      }
      const trace = (await import("devtools://devtools/bundled/models/trace/trace.js" as string)) as TraceModule;
      const fake = trace.Helpers.SamplesIntegrator.SamplesIntegrator.createFakeTraceFromCpuProfile(JSON.parse(text), trace.Types.Events.ThreadID(1));
      const model = trace.TraceModel.Model.createWithAllHandlers(trace.Types.Configuration.defaults());
      await model.parse(fake.traceEvents, { metadata: { dataOrigin: "CPUProfile" }, isCPUProfile: true, isFreshRecording: false });
      const parsed = model.parsedTrace(0) as { data?: unknown };
      const data = (parsed.data ?? parsed) as {
        Meta: { traceBounds: { min: number; max: number; range: number } };
        Samples: { profilesInProcess: Map<unknown, Map<unknown, { parsedProfile: { root: ProfileNode } }>> };
      };
      interface ProfileNode {
        functionName: string;
        callFrame: { scriptId: string; url: string; lineNumber: number; columnNumber: number };
        children: ProfileNode[];
      }
      // DevTools' views key a function by name, scriptId, line and column (not url): the distinct ones it sees.
      const functions = new Set<string>();
      const urls = new Set<string>();
      const walk = (node: ProfileNode): void => {
        const f = node.callFrame;
        if (node.functionName === "helper") {
          functions.add(`${node.functionName}@${f.scriptId}:${f.lineNumber}:${f.columnNumber}`);
          urls.add(f.url);
        }
        node.children.forEach(walk);
      };
      for (const threads of data.Samples.profilesInProcess.values()) for (const profile of threads.values()) walk(profile.parsedProfile.root);
      const bounds = data.Meta.traceBounds;
      return { min: bounds.min, max: bounds.max, range: bounds.range, helpers: [...functions].sort(), urls: [...urls].sort() };
    }, text);
    // An empty panel had no range at all (min Infinity, max -Infinity: null through JSON).
    assert.ok(Number.isFinite(seen.min) && Number.isFinite(seen.max) && seen.range > 0, `trace bounds ${JSON.stringify(seen)}`);
    assert.equal(seen.helpers.length, 2, `two helpers, one per file: ${seen.helpers.join(", ")}`);
    // V8's urls: file:// URLs of the absolute paths.
    assert.deepEqual(seen.urls, [pathToFileURL(join(dir, "a.js")).href, pathToFileURL(join(dir, "b.js")).href]);
  } finally {
    await browser.close();
  }
});
