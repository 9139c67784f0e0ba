// In a browser: a page program instrumented by the Babel plugin, bundled by webpack for the web, runs in
// headless Chromium and hands its profile over with globalThis.__tsprof.snapshot() (design.md §5).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { transformFileSync } from "@babel/core";
import { validateProfile, type Profile } from "@tsprof/format";
import { repoRoot } from "./helpers/cli";

const app = join(repoRoot, "fixtures", "browser", "app");

/** Debian's chromium (or TSPROF_CHROMIUM); undefined when there is none. Never a browser download. */
function findChromium(): string | undefined {
  const candidates = [process.env.TSPROF_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
  return candidates.find((path): path is string => path !== undefined && path !== "" && existsSync(path));
}

/** The app instrumented (as a user's Babel build would) and bundled by webpack for the browser; the bundle's text. */
async function buildBundle(): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), "tsprof-browser-"));
  for (const name of ["main.js", "lib.js"]) {
    const result = transformFileSync(join(app, name), {
      babelrc: false,
      configFile: false,
      sourceType: "module",
      plugins: [[join(repoRoot, "packages", "babel-plugin"), { root: app, importStyle: "import" }]],
    });
    writeFileSync(join(work, name), result!.code!);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const webpack = require("webpack") as typeof import("webpack");
  const stats = await new Promise<import("webpack").Stats>((resolve, reject) =>
    webpack(
      {
        mode: "production",
        target: "web",
        entry: join(work, "main.js"),
        output: { path: join(work, "dist"), filename: "bundle.js" },
        resolve: { modules: [join(repoRoot, "node_modules")] },
        optimization: { minimize: false },
        performance: { hints: false },
      },
      (error, result) => (error || !result ? reject(error ?? new Error("webpack gave no stats")) : resolve(result)),
    ),
  );
  const info = stats.toJson({ all: false, errors: true, warnings: true });
  assert.deepEqual(
    [...(info.errors ?? []), ...(info.warnings ?? [])].map((e) => e.message.split("\n")[0]),
    [],
    "webpack bundles the runtime for the web without errors or warnings (Node's modules are empty there)",
  );
  return readFileSync(join(work, "dist", "bundle.js"), "utf8");
}

test("the runtime bundles for the browser with webpack, and in Chromium the page hands its profile over", async (t) => {
  const bundle = await buildBundle();
  assert.match(bundle, /__tsprof/, "the probe entry is in the bundle");
  const executablePath = findChromium();
  if (executablePath === undefined) {
    t.skip("no Chromium (/usr/bin/chromium; apt-get install chromium): the bundle was built, not run");
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require("playwright-core") as typeof import("playwright-core");
  const browser = await chromium.launch({
    executablePath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    await page.setContent("<!doctype html><title>tsprof</title>");
    await page.addScriptTag({ content: bundle });
    const { result, profile } = (await page.evaluate(async () => {
      const w = globalThis as unknown as { done: Promise<void>; result: unknown; __tsprof: { snapshot(): unknown } };
      await w.done;
      return { result: w.result, profile: w.__tsprof.snapshot() };
    })) as { result: unknown; profile: unknown };
    assert.deepEqual(errors, []);
    assert.deepEqual(result, { fib: 55, count: 2 }, "the program does what it does without tsprof");
    const checked: Profile = validateProfile(profile, "snapshot");
    assert.equal(checked.meta.clock, "performance.now, compensated", "no process.hrtime in a page");
    assert.equal(checked.meta.pid, undefined);
    const calls = Object.fromEntries(
      checked.stats.map((row) => {
        const info = checked.functions[row.function]!;
        return [`${info.file}:${info.line}(${info.qualifiedName}) ${info.kind}`, `${row.calls}/${row.primitiveCalls}`];
      }),
    );
    assert.deepEqual(calls, {
      "lib.js:1(fib) function": "177/1",
      "lib.js:6(Counter.constructor) function": "1/1",
      "lib.js:9(Counter.inc) function": "2/2",
      "main.js:5(later) async": "1/1",
      "main.js:10(main) async": "1/1",
      "main.js:6((anonymous)) function": "1/1",
    });
    const edge = (caller: string, callee: string) =>
      checked.edges.find((e) => checked.functions[e.caller]!.qualifiedName === caller && checked.functions[e.callee]!.qualifiedName === callee);
    assert.equal(edge("main", "fib")?.calls, 1);
    assert.equal(edge("fib", "fib")?.calls, 176);
    assert.equal(edge("main", "later")?.calls, 1);
    assert.ok(checked.callTree !== undefined && checked.callTree.length > 0, "the call tree comes along");
  } finally {
    await browser.close();
  }
});

test("a web bundle may import the Profile API: @tsprof/stats (Node only, for printStats) is left out, a profile records in the page, and dumpStats says it needs Node", async (t) => {
  const work = mkdtempSync(join(tmpdir(), "tsprof-browser-api-"));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  writeFileSync(
    join(work, "app.js"),
    [
      'import { Profile } from "@tsprof/runtime";',
      "const p = new Profile();",
      "p.runcall(() => 1);",
      "let printed;",
      "try { p.printStats(); } catch (error) { printed = error.message; }",
      "let dumped;",
      'try { p.dumpStats("p.prof"); } catch (error) { dumped = error.message; }',
      "globalThis.appResult = { clock: p.snapshot().meta.clock, printed, dumped };",
    ].join("\n"),
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const webpack = require("webpack") as typeof import("webpack");
  const stats = await new Promise<import("webpack").Stats>((resolve, reject) =>
    webpack(
      {
        mode: "development",
        devtool: false,
        target: "web",
        entry: join(work, "app.js"),
        output: { path: join(work, "dist"), filename: "bundle.js" },
        resolve: { modules: [join(repoRoot, "node_modules")] },
        performance: { hints: false },
      },
      (error, result) => (error || !result ? reject(error ?? new Error("webpack gave no stats")) : resolve(result)),
    ),
  );
  const info = stats.toJson({ all: false, errors: true, warnings: true });
  assert.deepEqual([...(info.errors ?? []), ...(info.warnings ?? [])].map((e) => e.message.split("\n")[0]), []);
  // Run it as a page would (no process, no require): performance.now() is the clock.
  const { runInNewContext } = await import("node:vm");
  const page: Record<string, unknown> = { performance, console };
  page.globalThis = page;
  page.window = page;
  runInNewContext(readFileSync(join(work, "dist", "bundle.js"), "utf8"), page);
  const result = page.appResult as { clock: string; printed: string; dumped: string };
  assert.equal(result.clock, "performance.now, compensated");
  assert.match(result.printed, /^printStats needs @tsprof\/stats in Node/);
  // Once a ReferenceError ("process is not defined") from deep in format's file writer.
  assert.equal(result.dumped, "dumpStats needs Node (a browser bundle has none): take the profile with snapshot() and save or post it yourself");
});
