// The pstats browser driven by a scripted stdin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { completeBrowserLine, runBrowseCommand, runBrowser } from "./browser";

const dump = join(__dirname, "..", "..", "..", "fixtures", "pstats", "recursion", "py311.prof");

async function session(script: string, files: string[] = []): Promise<string> {
  let out = "";
  await runBrowser(Readable.from([script]), { write: (s) => void (out += s) }, files);
  return out;
}

test("without a profile: the commands say so; EOF ends with a newline and Goodbye", async () => {
  assert.equal(
    await session("stats\nsort time\nreverse\nread\nbogus arg\n"),
    "Welcome to the profile statistics browser.\n" +
      "% No statistics object is loaded.\n" +
      "% No statistics object is loaded.\n" +
      "% No statistics object is loaded.\n" +
      "% No statistics object is current -- cannot reload.\n" +
      "% *** Unknown syntax: bogus arg\n" +
      "% \nGoodbye.\n",
  );
});

test("help lists the commands; help TOPIC prints its text", async () => {
  const out = await session("help\nhelp sort\n?quit\nhelp nothing\nquit\n");
  assert.equal(
    out,
    "Welcome to the profile statistics browser.\n% \n" +
      "Documented commands (type help <topic>):\n========================================\n" +
      "EOF  add  callees  callers  help  quit  read  reverse  sort  stats  strip\n\n" +
      "% Sort profile data according to specified keys.\n(Typing `sort' without arguments lists valid keys.)\n" +
      "% Leave the profile browser.\n" +
      "% *** No help on nothing\n" +
      "% Goodbye.\n",
  );
});

test("read, sort, restrictions (a fraction outside [0, 1] is refused), an empty line repeats", async () => {
  const out = await session("sort cumulative\nstats 2 1.5\n\nquit\n", [dump]);
  assert.ok(out.startsWith("Welcome to the profile statistics browser.\n"));
  assert.equal(out.split(`${dump}% `).length - 1, 4, "a prompt before each of the four lines");
  assert.equal(out.match(/Fraction argument must be in \[0, 1\]/g)?.length, 2);
  assert.equal(out.match(/Ordered by: cumulative time\n   List reduced from 11 to 2 due to restriction <2>\n/g)?.length, 2);
});

test("sort without keys lists pstats' keys only (sort_arg_dict_default); tsprof's per-call keys are accepted, not listed", async () => {
  const out = await session("sort\nsort cumtime-percall\nstats 1\nquit\n", [dump]);
  const listing = "Valid sort keys (unique prefixes are accepted):\n" +
    "calls -- call count\nncalls -- call count\ncumtime -- cumulative time\ncumulative -- cumulative time\n" +
    "filename -- file name\nline -- line number\nmodule -- file name\nname -- function name\nnfl -- name/file/line\n" +
    "pcalls -- primitive call count\nstdname -- standard name\ntime -- internal time\ntottime -- internal time\n";
  assert.ok(out.startsWith(`Welcome to the profile statistics browser.\n${dump}% ${listing}${dump}% ${dump}% `), out);
  assert.match(out, /Ordered by: cumulative time per call\n/);
  assert.equal(out.split("Valid sort keys").length - 1, 1, "the per-call key was taken, not answered with the listing");
});

test("a file that cannot be opened: read prints Python's strerror, add its OSError, the filename in repr", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsprof-browser-"));
  const out = await session(`read ${dir}/nope.prof\nadd ${dir}/it's.prof\nread ${dir}\nadd ${dir}\nadd ${dump}/x\nadd\nquit\n`, [dump]);
  assert.equal(
    out,
    "Welcome to the profile statistics browser.\n" +
      `${dump}% No such file or directory\n` +
      `${dump}% Failed to load statistics for ${dir}/it's.prof: [Errno 2] No such file or directory: "${dir}/it's.prof"\n` +
      `${dump}% Is a directory\n` +
      `${dump}% Failed to load statistics for ${dir}: [Errno 21] Is a directory: '${dir}'\n` +
      `${dump}% Failed to load statistics for ${dump}/x: [Errno 20] Not a directory: '${dump}/x'\n` +
      `${dump}% Failed to load statistics for : [Errno 2] No such file or directory: ''\n` +
      `${dump}% Goodbye.\n`,
  );
});

// Root reads a mode-000 file, so this runs only as another user.
test("a file without read permission: Permission denied, [Errno 13] for add", { skip: !(typeof process.getuid === "function" && process.getuid() !== 0) && "root reads a mode-000 file" }, async () => {
  const path = join(mkdtempSync(join(tmpdir(), "tsprof-browser-")), "locked.prof");
  writeFileSync(path, readFileSync(dump));
  chmodSync(path, 0);
  assert.equal(
    await session(`read ${path}\nadd ${path}\nquit\n`, [dump]),
    `Welcome to the profile statistics browser.\n${dump}% Permission denied\n${dump}% Failed to load statistics for ${path}: [Errno 13] Permission denied: '${path}'\n${dump}% Goodbye.\n`,
  );
});

test("restriction words are read by Python's int() then float(): 1_0 and fullwidth digits are numbers, not regular expressions", async () => {
  const out = await session("stats 1_0\nstats \uff12\ncallees 1_0.5\nstats \x1c3\x1c\nquit\n", [dump]);
  assert.match(out, /List reduced from 11 to 10 due to restriction <10>\n/);
  assert.match(out, /List reduced from 11 to 2 due to restriction <2>\n/);
  assert.match(out, /List reduced from 11 to 3 due to restriction <3>\n/, "str.split() splits at \\x1c, as Python's does");
  assert.equal(out.match(/Fraction argument must be in \[0, 1\]/g)?.length, 1, "1_0.5 is the float 10.5");
  assert.doesNotMatch(out, /restriction <'/, "no word was taken as a regular expression");
});

test("runBrowseCommand: files from argv, --help, unknown options", async () => {
  let stdout = "";
  let stderr = "";
  const io = { stdin: Readable.from(["stats 1\n"]), stdout: { write: (s: string) => void (stdout += s) }, stderr: { write: (s: string) => void (stderr += s) } };
  assert.equal(await runBrowseCommand([dump], io), 0);
  assert.match(stdout, /List reduced from 11 to 1 due to restriction <1>/);
  assert.match(stdout, /py311\.prof% \nGoodbye\.\n$/); // EOF after the last command
  assert.equal(await runBrowseCommand(["--bogus"], io), 2);
  assert.equal(stderr, "tsprof browse: unknown option '--bogus' (try: tsprof browse --help)\n");
});

test("Tab completes commands first, then sort keys after sort and topics after help", () => {
  assert.deepEqual(completeBrowserLine("ca"), [["callees", "callers"], "ca"]);
  assert.deepEqual(completeBrowserLine("sort cu"), [["cumtime", "cumulative", "cumtime-percall"], "cu"]);
  assert.deepEqual(completeBrowserLine("sort tottime n"), [["ncalls", "name", "nfl"], "n"]);
  assert.deepEqual(completeBrowserLine("help st"), [["stats", "strip"], "st"]);
  assert.deepEqual(completeBrowserLine("stats 1"), [[], "1"]);
});
