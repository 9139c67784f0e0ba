// Python's `re` dialect (what pstats' restrictions and `re.search` take) translated to a JavaScript RegExp.
//
// pstats restricts rows with `re.search(pattern, "file:line(name)")`, so `--limit` patterns are read as
// Python 3 str patterns: `(?i)` flags at the start, `\A`/`\Z`, `(?P<name>...)`, Unicode `\w`/`\d`/`\s`/`\b`,
// `.` and `$` as Python reads them, `x{,3}`, literal `{`. What has no faithful translation (scoped flags,
// conditionals, atomic groups, possessive quantifiers, \N{...}) is refused with a PythonRegexError naming
// the construct, never translated into something that matches differently.

/** A Python pattern this translator cannot render faithfully: one line naming the construct. */
export class PythonRegexError extends Error {
  override name = "PythonRegexError";
  constructor(pattern: string, construct: string) {
    // A pattern of thousands of characters is named by its start: the line stays a line.
    const shown = pattern.length > 80 ? `${pattern.slice(0, 60)}…` : pattern;
    super(`regular expression '${shown}': ${construct} is not supported (see the @tsprof/stats README for the dialect)`);
  }
}

/** Python 3's str.isspace() characters: `\s` of a str pattern (JS's \s differs: \x1c-\x1f, \x85, \ufeff). */
const PY_SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
/** Python 3's `\w` for str patterns: str.isalnum() or "_" (letters and numbers of any script). */
const PY_WORD = "\\p{L}\\p{N}_";

const SYNTAX = new Set([..."^$\\.*+?()[]{}|/"]);

/** A character as a literal in a `u` RegExp (outside or inside a class). */
function literal(char: string, inClass: boolean): string {
  if (SYNTAX.has(char) || (inClass && char === "-")) return `\\${char}`;
  return char;
}

/**
 * Translates `pattern` (Python `re`) to a `u` RegExp. Returns undefined when Python itself would reject
 * the pattern (pstats then prints `<Invalid regular expression ...>`); throws PythonRegexError for a
 * valid Python construct that has no translation.
 */
export function compilePythonRegex(pattern: string): RegExp | undefined {
  try {
    return translate(pattern);
  } catch (error) {
    if (error instanceof InvalidPattern) return undefined;
    throw error;
  }
}

/** Thrown inside the translation for a pattern Python rejects. */
class InvalidPattern extends Error {}

function translate(pattern: string): RegExp | undefined {
  let i = 0;
  const flags = new Set<string>();
  // Global flags: only at the very start (Python 3.11+ rejects them elsewhere; older versions warned).
  for (let match; (match = /^\(\?([aiLmsux]+)\)/.exec(pattern.slice(i))); i += match[0].length) {
    for (const flag of match[1]!) flags.add(flag);
  }
  if (flags.has("L")) throw new PythonRegexError(pattern, "the locale flag (?L)");
  if (flags.has("a") && flags.has("u")) return undefined; // Python: ASCII and UNICODE flags are incompatible
  const ascii = flags.has("a");
  const verbose = flags.has("x");
  const multiline = flags.has("m");
  const word = ascii ? "A-Za-z0-9_" : PY_WORD;
  const space = ascii ? " \\t\\n\\r\\f\\v" : PY_SPACE;
  const digit = ascii ? "0-9" : "\\p{Nd}";
  let out = "";
  let inClass = false;
  let classStart = false;
  // The groups as Python's parser counts them: capturing groups opened so far (numbered from 1, named
  // ones too), and the groups still open, so that a reference to a group not yet opened or not yet
  // closed is refused as Python refuses it ("invalid group reference", "cannot refer to an open
  // group"; JS reads `\1(a)` as an empty match), and a lookaround can be quantified as in Python.
  let groupsOpened = 0;
  const namedGroups = new Map<string, number>();
  const open: Array<{ number?: number; lookaround?: boolean }> = [];
  while (i < pattern.length) {
    const char = pattern[i]!;
    if (inClass) {
      if (char === "]" && !classStart) {
        inClass = false;
        out += "]";
        i++;
        continue;
      }
      if (char === "^" && classStart && pattern[i - 1] === "[") {
        out += "^";
        i++;
        continue; // a "]" right after "[^" is still literal
      }
      classStart = false;
      if (char === "\\") {
        const { text, length } = escape(i, true);
        out += text;
        i += length;
      } else {
        out += char === "[" ? "\\[" : char === "]" ? "\\]" : char;
        i++;
      }
      continue;
    }
    if (verbose && /\s/.test(char)) {
      i++;
      continue;
    }
    if (verbose && char === "#") {
      const end = pattern.indexOf("\n", i);
      i = end < 0 ? pattern.length : end + 1;
      continue;
    }
    switch (char) {
      case "\\": {
        const { text, length } = escape(i, false);
        out += text;
        i += length;
        continue;
      }
      case "[":
        inClass = true;
        classStart = true;
        out += "[";
        i++;
        continue;
      case ".":
        out += flags.has("s") ? "[\\s\\S]" : "[^\\n]";
        i++;
        continue;
      case "^":
        // Python: the start of the string; with (?m) also after each "\n" (JS's m adds \r, \u2028, \u2029).
        out += multiline ? "(?:(?<![\\s\\S])|(?<=\\n))" : "(?<![\\s\\S])";
        i++;
        continue;
      case "$":
        // Python: the end, or before a "\n" that ends the string; with (?m) before any "\n".
        out += multiline ? "(?=\\n|(?![\\s\\S]))" : "(?=\\n?(?![\\s\\S]))";
        i++;
        continue;
      case "{": {
        const quantifier = /^\{(\d*)(,?)(\d*)\}/.exec(pattern.slice(i));
        // {m} {m,} {,n} {m,n}, and {,} (= *); "{}" and "{x" are literal.
        if (quantifier && (quantifier[1] !== "" || quantifier[2] !== "")) {
          out += `{${quantifier[1] || "0"}${quantifier[2]}${quantifier[3]}}`;
          i += quantifier[0].length;
          if (pattern[i] === "+") throw new PythonRegexError(pattern, "a possessive quantifier");
        } else {
          out += "\\{"; // not a quantifier: Python reads "{" as itself
          i++;
        }
        continue;
      }
      case ")": {
        const group = open.pop();
        if (group === undefined) return undefined; // Python: unbalanced parenthesis
        // A lookaround was opened inside a non-capturing group: `(?=a){2}` is valid Python, and a
        // quantified lookaround is a syntax error in a `u` RegExp, a quantified group is not.
        out += group.lookaround ? "))" : ")";
        i++;
        continue;
      }
      case "|":
        out += char;
        i++;
        continue;
      case "}":
        out += "\\}";
        i++;
        continue;
      case "*":
      case "+":
      case "?":
        out += char;
        i++;
        if (pattern[i] === "+") throw new PythonRegexError(pattern, "a possessive quantifier");
        continue;
      case "(": {
        const rest = pattern.slice(i);
        if (!rest.startsWith("(?")) {
          open.push({ number: ++groupsOpened });
          out += "(";
          i++;
          continue;
        }
        let match: RegExpExecArray | null;
        if ((match = /^\(\?P<([^>]*)>/.exec(rest))) {
          if (!/^[\p{L}_][\p{L}\p{N}_]*$/u.test(match[1]!) || namedGroups.has(match[1]!)) return undefined;
          namedGroups.set(match[1]!, ++groupsOpened);
          open.push({ number: groupsOpened });
          out += `(?<${match[1]}>`;
          i += match[0].length;
        } else if ((match = /^\(\?P=([^)]*)\)/.exec(rest))) {
          const number = namedGroups.get(match[1]!);
          if (number === undefined || isOpen(number)) return undefined; // Python: unknown group name, or an open group
          out += `\\k<${match[1]}>`;
          i += match[0].length;
        } else if ((match = /^\(\?#[^)]*\)/.exec(rest))) {
          i += match[0].length; // a comment
        } else if ((match = /^\(\?:/.exec(rest))) {
          open.push({});
          out += match[0];
          i += match[0].length;
        } else if ((match = /^\(\?(?:=|!|<=|<!)/.exec(rest))) {
          open.push({ lookaround: true });
          out += `(?:${match[0]}`;
          i += match[0].length;
        } else if (/^\(\?[aiLmsux]*(-[imsx]*)?:/.test(rest)) {
          throw new PythonRegexError(pattern, "a group with its own flags (?flags:...)");
        } else if (/^\(\?[aiLmsux]+\)/.test(rest)) {
          throw new PythonRegexError(pattern, "flags (?...) not at the start of the pattern");
        } else if (rest.startsWith("(?(")) {
          throw new PythonRegexError(pattern, "a conditional group (?(...)...)");
        } else if (rest.startsWith("(?>")) {
          throw new PythonRegexError(pattern, "an atomic group (?>...)");
        } else {
          return undefined; // Python: unknown extension
        }
        continue;
      }
      default:
        out += literal(char, false);
        i++;
    }
  }
  if (inClass || open.length > 0) return undefined; // Python: unterminated character set, missing )
  let regex: RegExp;
  try {
    regex = new RegExp(out, `u${flags.has("i") ? "i" : ""}`);
  } catch {
    return undefined;
  }
  // V8 compiles a RegExp at its first use, where a pattern too large for it (40,000 characters)
  // fails: after the table's header was printed, as an internal error. Python takes such a pattern.
  try {
    regex.test("");
  } catch {
    throw new PythonRegexError(pattern, `a pattern this large (${pattern.length} characters)`);
  }
  return regex;

  /** Whether capturing group `number` is still open. */
  function isOpen(number: number): boolean {
    return open.some((group) => group.number === number);
  }

  /** The escape at `at` (a backslash), as JS text, and how many characters of the pattern it took. */
  function escape(at: number, inClass: boolean): { text: string; length: number } {
    const next = pattern[at + 1];
    if (next === undefined) throw new InvalidPattern();
    const wrap = (set: string, negated: boolean): string => {
      if (!inClass) return `[${negated ? "^" : ""}${set}]`;
      if (negated) throw new PythonRegexError(pattern, `\\${next} inside a character class`);
      return set;
    };
    const boundary = `(?<=[${word}])(?![${word}])|(?<![${word}])(?=[${word}])`;
    switch (next) {
      case "w":
        return { text: wrap(word, false), length: 2 };
      case "W":
        return { text: wrap(word, true), length: 2 };
      case "s":
        return { text: wrap(space, false), length: 2 };
      case "S":
        return { text: wrap(space, true), length: 2 };
      case "d":
        return { text: ascii ? wrap(digit, false) : "\\p{Nd}", length: 2 };
      case "D":
        return { text: ascii ? wrap(digit, true) : "\\P{Nd}", length: 2 };
      case "b":
        return { text: inClass ? "\\x08" : `(?:${boundary})`, length: 2 };
      case "B":
        if (inClass) throw new InvalidPattern();
        return { text: `(?:(?<=[${word}])(?=[${word}])|(?<![${word}])(?![${word}]))`, length: 2 };
      case "A":
        if (inClass) throw new InvalidPattern();
        return { text: "(?<![\\s\\S])", length: 2 };
      case "Z":
        if (inClass) throw new InvalidPattern();
        return { text: "(?![\\s\\S])", length: 2 };
      case "a":
        return { text: "\\x07", length: 2 };
      case "f":
      case "n":
      case "r":
      case "t":
      case "v":
        return { text: `\\${next}`, length: 2 };
      case "x": {
        const hex = /^[0-9a-fA-F]{2}/.exec(pattern.slice(at + 2));
        if (!hex) throw new InvalidPattern();
        return { text: `\\x${hex[0]}`, length: 4 };
      }
      case "u":
      case "U": {
        const size = next === "u" ? 4 : 8;
        const hex = new RegExp(`^[0-9a-fA-F]{${size}}`).exec(pattern.slice(at + 2));
        if (!hex || Number.parseInt(hex[0], 16) > 0x10ffff) throw new InvalidPattern();
        return { text: `\\u{${hex[0]}}`, length: 2 + size };
      }
      case "N":
        throw new PythonRegexError(pattern, "a named character \\N{...}");
      default:
        break;
    }
    if (next === "0" || (/[1-7]/.test(next) && (inClass || /^[0-7]{3}/.test(pattern.slice(at + 1))))) {
      // Octal: \0, \01, \012; and \ooo (three digits). Inside a class any digits are octal.
      const octal = /^[0-7]{1,3}/.exec(pattern.slice(at + 1))![0];
      return { text: `\\u{${Number.parseInt(octal, 8).toString(16)}}`, length: 1 + octal.length };
    }
    if (/\d/.test(next)) {
      if (inClass) throw new InvalidPattern();
      const group = /^\d{1,2}/.exec(pattern.slice(at + 1))![0];
      // Python: a group not opened yet is an invalid reference; one still open cannot be referred to.
      if (Number(group) > groupsOpened || isOpen(Number(group))) throw new InvalidPattern();
      return { text: `(?:\\${group})`, length: 1 + group.length };
    }
    // Python: any other ASCII letter or digit escape is an error; other characters stand for themselves.
    if (/[A-Za-z0-9]/.test(next)) throw new InvalidPattern();
    return { text: literal(next, inClass), length: 2 };
  }
}
