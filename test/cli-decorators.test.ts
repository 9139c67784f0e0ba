// End-to-end tests of `tsprof run` on TypeScript decorators (legacy when the governing tsconfig sets
// experimentalDecorators, standard otherwise) and class auto-accessors (`accessor`). The expected
// output is what the same files print compiled by TypeScript 5.9 (`tsc`, target es2022) and run by node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { tsprof, repoRoot } from "./helpers/cli";

// Not under fixtures/cli: the tsc parity test runs every program there through Babel without the decorators transform.
const fixture = (...parts: string[]) => join(repoRoot, "fixtures", "decorators", ...parts);

/** A copy of a fixture's main.ts in a fresh directory with no tsconfig.json above it: TypeScript's defaults. */
function outsideAnyProject(name: string): string {
  const work = mkdtempSync(join(tmpdir(), "tsprof-test-"));
  for (let dir = work; dirname(dir) !== dir; dir = dirname(dir)) assert.ok(!existsSync(join(dir, "tsconfig.json")), `${dir}/tsconfig.json`);
  cpSync(fixture(name, "main.ts"), join(work, "main.ts"));
  return work;
}

/** Calls per function, keyed "qualifiedName:line" (two anonymous functions stay apart). */
function callsBySite(path: string): Record<string, number> {
  const profile = JSON.parse(readFileSync(path, "utf8")) as {
    functions: { qualifiedName: string; line: number }[];
    stats: { function: number; calls: number }[];
  };
  const out: Record<string, number> = {};
  for (const row of profile.stats) {
    const fn = profile.functions[row.function];
    out[`${fn.qualifiedName}:${fn.line}`] = row.calls;
  }
  return out;
}

test("legacy decorators when the tsconfig (through its extends) sets experimentalDecorators; the decorated method and the decorators profiled", () => {
  const out = join(mkdtempSync(join(tmpdir(), "tsprof-test-")), "p.tsprof.json");
  const result = tsprof(["run", "-o", out, "main.ts"], { cwd: fixture("legacy") });
  assert.equal(result.stderr, "");
  assert.equal(result.stdout, "call hello\n2\ncall hello\n3 true\n");
  assert.equal(result.status, 0);
  assert.deepEqual(callsBySite(out), { "A.hello:12": 2, "desc.value:5": 2, "log:3": 1, "sealed:7": 1 });
});

test("legacy decorators on fields, static members, getters and parameters, applied in tsc's order", () => {
  const out = join(mkdtempSync(join(tmpdir(), "tsprof-test-")), "p.tsprof.json");
  const result = tsprof(["run", "-o", out, "members.ts"], { cwd: fixture("legacy") });
  assert.equal(result.stderr, "");
  assert.equal(
    result.stdout,
    [
      "saved! saved #7 7 entities",
      "false",
      "field object id undefined",
      "param0 object save 0",
      "method object save object",
      "getter object label object",
      "static function table undefined",
      "ctor1 function undefined 1",
      "ctor0 function undefined 0",
      "class function undefined undefined",
      "",
    ].join("\n"),
  );
  assert.equal(result.status, 0);
  // tsc's __decorate and __param, made here, are not the user's code: no rows for them.
  assert.deepEqual(callsBySite(out), { "mark:4": 8, "(anonymous):4": 8, "readonly:7": 1, "Entity.constructor:14": 1, "Entity.save:15": 2, "get Entity.label:16": 1 });
});

test("legacy decorator syntax Babel's legacy grammar refuses and tsc takes: a computed member name, `export @dec class`, a decorated `declare` field, beside parameter decorators", () => {
  const out = join(mkdtempSync(join(tmpdir(), "tsprof-test-")), "p.tsprof.json");
  const result = tsprof(["run", "-o", out, "syntax.ts"], { cwd: fixture("legacy") });
  assert.equal(result.stderr, "");
  assert.equal(result.stdout, "1 6 0 true\nmark object computed, mark object b, param twice 0, param undefined 0\n");
  assert.equal(result.status, 0);
  assert.deepEqual(callsBySite(out), { "mark:5": 2, "param:6": 2, "tag:7": 1, "A[<computed>]:10": 1, "A.constructor:12": 3, "A.twice:13": 1 });
});

test("a legacy class decorator that returns a new class: the class's name inside its body is that class, as in tsc's output (static initialisers and shorthand properties excepted)", () => {
  const out = join(mkdtempSync(join(tmpdir(), "tsprof-test-")), "p.tsprof.json");
  const result = tsprof(["run", "-o", out, "class-name.ts"], { cwd: fixture("legacy") });
  assert.equal(result.stderr, "");
  assert.equal(result.stdout, "true Svc false true\n");
  assert.equal(result.status, 0);
  assert.deepEqual(callsBySite(out), { "Wrap:4": 2, "param:5": 1, "static Svc.create:10": 2, "Svc.inner:11": 1, "Dflt.constructor:16": 1, "static Dflt.make:17": 1 });
});

test("standard decorators without a tsconfig (TypeScript 5's default): method and field decorators", () => {
  const work = outsideAnyProject("standard");
  const out = join(work, "p.tsprof.json");
  const result = tsprof(["run", "-o", out, "main.ts"], { cwd: work });
  assert.equal(result.stderr, "");
  assert.equal(result.stdout, "LOG greet\nhi\nLOG greet\nhi 42\n");
  assert.equal(result.status, 0);
  // Babel's decorator helpers are not the user's code: no rows for them.
  assert.deepEqual(callsBySite(out), { "B.greet:10": 2, "logged:2": 1, "(anonymous):3": 2, "doubled:5": 1, "(anonymous):6": 1 });
});

test("class auto-accessors: the getter and setter profiled at the accessor's line, abstract ones emit nothing", () => {
  const work = outsideAnyProject("auto-accessors");
  const out = join(work, "p.tsprof.json");
  const result = tsprof(["run", "-o", out, "main.ts"], { cwd: work });
  assert.equal(result.stderr, "");
  assert.equal(result.stdout, "2 2 s 0\nconstructor,count,bump constructor\n");
  assert.equal(result.status, 0);
  assert.deepEqual(callsBySite(out), {
    "Counter.constructor:6": 2,
    "Counter.bump:7": 3,
    "get Counter.count:3": 4,
    "set Counter.count:3": 3,
    "static get Counter.instances:4": 3,
    "static set Counter.instances:4": 2,
    "get Counter.#secret:5": 3,
  });
});

test("experimentalDecorators decides per run: adding it to the tsconfig recompiles a cached file", () => {
  const work = outsideAnyProject("legacy");
  const cache = { TSPROF_CACHE_DIR: join(work, "cache") };
  // Standard decorators get (value, context): the legacy decorator reads `desc.value` of undefined, as
  // the same file compiled by tsc without experimentalDecorators does.
  const standard = tsprof(["run", "main.ts"], { cwd: work, env: cache });
  assert.equal(standard.status, 1);
  assert.match(standard.stderr, /TypeError: Cannot read properties of undefined \(reading 'value'\)/);
  writeFileSync(join(work, "tsconfig.json"), '{ "compilerOptions": { "experimentalDecorators": true } }\n');
  const legacy = tsprof(["run", "main.ts"], { cwd: work, env: cache });
  assert.equal(legacy.status, 0);
  assert.match(legacy.stdout, /^call hello\n2\ncall hello\n3 true\n/);
});
