// Python's text rules that pstats output depends on: "%.Nf" rounding, repr(), len() and str ordering by code point.

/**
 * Python's `"%.{digits}f" % value`: the exact binary value rounded half-to-even (JS toFixed rounds
 * exact ties up, e.g. 0.0625 -> "0.063" where Python prints "0.062"). Keeps the sign of -0.0.
 */
export function formatFixed(value: number, digits: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  const negative = value < 0 || Object.is(value, -0);
  const { mantissa, exponent } = decompose(Math.abs(value));
  // |value| = mantissa * 2^exponent; scaled = |value| * 10^digits, rounded half to even.
  const scale = 10n ** BigInt(digits);
  let rounded: bigint;
  if (exponent >= 0) rounded = (mantissa << BigInt(exponent)) * scale;
  else {
    const numerator = mantissa * scale;
    const denominator = 1n << BigInt(-exponent);
    rounded = numerator / denominator;
    const twiceRemainder = (numerator % denominator) * 2n;
    if (twiceRemainder > denominator || (twiceRemainder === denominator && rounded % 2n === 1n)) rounded += 1n;
  }
  let text = rounded.toString().padStart(digits + 1, "0");
  if (digits > 0) text = `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return negative ? `-${text}` : text;
}

function decompose(value: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (biased === 0) return { mantissa: fraction, exponent: -1074 };
  return { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/** pstats' f8(): `"%8.3f" % x`. */
export function f8(value: number): string {
  return formatFixed(value, 3).padStart(8);
}

/** Python's repr() of a float: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function reprFloat(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const [mantissa, exp] = value.toExponential().split("e") as [string, string];
  const exponent = Number(exp);
  const sign = mantissa.startsWith("-") ? "-" : "";
  const digits = mantissa.replace("-", "").replace(".", "");
  if (exponent < -4 || exponent >= 16) {
    const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${body}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}.${fraction || "0"}`;
}

// Python's str.isprintable() is false for categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs (except the space).
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's repr() of a str: single quotes unless it holds ' and no ", escapes for the unprintable. */
export function reprString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const cp = char.codePointAt(0)!;
    if (char === quote || char === "\\") out += `\\${char}`;
    else if (char === "\t") out += "\\t";
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else if (cp < 0x7f || char === " " || !NOT_PRINTABLE.test(char)) out += char;
    else if (cp < 0x100) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, "0")}`;
    else out += `\\U${cp.toString(16).padStart(8, "0")}`;
  }
  return out + quote;
}

/** Python's len() of a str: code points, not UTF-16 units. */
export function pyLength(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit < 0xdc00 && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next < 0xe000) i++;
    }
    length++;
  }
  return length;
}

/** Python's str.ljust(width). */
export function ljust(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - pyLength(text)));
}

/** Python's str.rjust(width). */
export function rjust(text: string, width: number): string {
  return " ".repeat(Math.max(0, width - pyLength(text))) + text;
}

/** Python's str ordering: by code point (JS `<` orders by UTF-16 unit, which differs above U+FFFF). */
export function comparePyStrings(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (an astral code point) sorts after every BMP unit from U+E000 up.
    const xKey = x >= 0xd800 && x < 0xe000 ? x + 0x2000 : x >= 0xe000 ? x - 0x800 : x;
    const yKey = y >= 0xd800 && y < 0xe000 ? y + 0x2000 : y >= 0xe000 ? y - 0x800 : y;
    return xKey < yKey ? -1 : 1;
  }
  return a.length - b.length < 0 ? -1 : a.length > b.length ? 1 : 0;
}

// The whitespace int() and float() strip: Python's str.isspace() but U+001C-U+001F, which
// CPython's _PyUnicode_TransformDecimalAndSpaceToASCII does not count as space. JavaScript's \s
// differs from both: it has U+FEFF and lacks U+0085.
const NUMBER_SPACE = "\\t-\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const NUMBER_EDGES = new RegExp(`^[${NUMBER_SPACE}]+|[${NUMBER_SPACE}]+$`, "g");
const PY_WORD_GAP = new RegExp(`[${NUMBER_SPACE}\\x1c-\\x1f]+`);

/** Python's str.split() without arguments: the words between runs of whitespace (str.isspace()). */
export function splitPyWords(text: string): string[] {
  return text.split(PY_WORD_GAP).filter(Boolean);
}

const DECIMAL_DIGIT = /\p{Nd}/u;
const PY_INT = /^[+-]?\d+(_\d+)*$/;
const PY_FLOAT = /^[+-]?((\d+(_\d+)*(\.(\d+(_\d+)*)?)?|\.\d+(_\d+)*)([eE][+-]?\d+(_\d+)*)?|inf|infinity|nan)$/i;

/**
 * `text` as int() and float() read it before parsing: surrounding whitespace gone, every Unicode
 * decimal digit (category Nd: fullwidth, Arabic-Indic, mathematical bold…) as its ASCII digit.
 */
function asciiNumberText(text: string): string {
  return text.replace(NUMBER_EDGES, "").replace(/(?![0-9])\p{Nd}/gu, (digit) => String(decimalValue(digit.codePointAt(0)!)));
}

// Unicode encodes each set of decimal digits as 0-9 in a row, and sets side by side only as whole
// sets (U+1D7CE-U+1D7FF is five), so a digit's value is its distance from the run's start, mod 10.
function decimalValue(codePoint: number): number {
  let start = codePoint;
  while (DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return (codePoint - start) % 10;
}

/** Python's int(text) (base 10): the number, or undefined where Python raises ValueError. */
export function parsePyInt(text: string): number | undefined {
  const ascii = asciiNumberText(text);
  // + 0: int("-0") is 0, not JavaScript's -0.
  return PY_INT.test(ascii) ? Number(ascii.replace(/_/g, "")) + 0 : undefined;
}

/** Python's float(text): the number, or undefined where Python raises ValueError. */
export function parsePyFloat(text: string): number | undefined {
  const ascii = asciiNumberText(text);
  if (!PY_FLOAT.test(ascii)) return undefined;
  const word = /^([+-]?)(inf|infinity|nan)$/i.exec(ascii);
  if (word) return word[2]!.toLowerCase() === "nan" ? NaN : word[1] === "-" ? -Infinity : Infinity;
  return Number(ascii.replace(/_/g, ""));
}
