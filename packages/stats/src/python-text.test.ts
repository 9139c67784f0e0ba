// Python's "%8.3f", repr() and str ordering, checked against values printed by CPython 3.11.
import { test } from "node:test";
import assert from "node:assert/strict";
import { comparePyStrings, f8, formatFixed, ljust, parsePyFloat, parsePyInt, pyLength, reprFloat, reprString, rjust } from "./python-text";

test('f8 is "%8.3f": exact binary value, ties to even, sign of zero kept', () => {
  const cases: Array<[number, string]> = [
    [0.0625, "   0.062"], // exact tie: JS toFixed gives 0.063
    [-0.0625, "  -0.062"],
    [0.1875, "   0.188"], // exact tie, even is up
    [1.0625, "   1.062"],
    [0.3125, "   0.312"],
    [0.0005, "   0.001"], // the double is a hair above 0.0005
    [0.0015, "   0.002"],
    [0.0045, "   0.004"], // the double is a hair below 0.0045
    [0.0125, "   0.013"],
    [0.00049999999999999995, "   0.000"],
    [0.00025, "   0.000"],
    [0, "   0.000"],
    [-0, "  -0.000"],
    [-0.0001, "  -0.000"],
    [0.9995, "   1.000"],
    [0.99949999, "   0.999"],
    [2.675, "   2.675"],
    [1 / 3, "   0.333"],
    [123.4565, " 123.457"],
    [12345.6789, "12345.679"],
    [1e7, "10000000.000"],
    [1e22, "10000000000000000000000.000"], // toFixed switches to exponent form from 1e21
    [5e-324, "   0.000"],
    [Infinity, "     inf"],
    [-Infinity, "    -inf"],
    [NaN, "     nan"],
  ];
  for (const [value, expected] of cases) assert.equal(f8(value), expected, `f8(${value})`);
  assert.equal(
    formatFixed(1.5e300, 3),
    "1500000000000000078757140382806630373056702871662238732373781173267703686983362293679557062620671796065556665749325817265413784853040645863467188277180060474272580801389863705606745350692182135089053429852456199917621678558451461320111979114170213741868888183230085264257173504208294580298189100810240.000",
  );
  assert.equal(formatFixed(2.5, 0), "2");
  assert.equal(formatFixed(3.5, 0), "4");
});

test("reprFloat is Python's repr(float)", () => {
  const cases: Array<[number, string]> = [
    [0.5, "0.5"],
    [0.1, "0.1"],
    [1e-5, "1e-05"],
    [0.0001, "0.0001"],
    [1e16, "1e+16"],
    [1.5e16, "1.5e+16"],
    [123, "123.0"],
    [1e15, "1000000000000000.0"],
    [-0.25, "-0.25"],
    [2.5, "2.5"],
    [1 / 3, "0.3333333333333333"],
    [-0, "-0.0"],
  ];
  for (const [value, expected] of cases) assert.equal(reprFloat(value), expected);
});

test("reprString is Python's repr(str)", () => {
  const cases: Array<[string, string]> = [
    ["a", "'a'"],
    ["it's", `"it's"`],
    ['"q"', `'"q"'`],
    [`both ' "`, `'both \\' "'`],
    ["tab\tnl\n", "'tab\\tnl\\n'"],
    ["\x7f\x80\xa0 é", "'\\x7f\\x80\\xa0 é'"],
    ["\u2028", "'\\u2028'"],
    ["\u200b", "'\\u200b'"],
    ["😀", "'😀'"],
    ["back\\slash", "'back\\\\slash'"],
  ];
  for (const [value, expected] of cases) assert.equal(reprString(value), expected);
});

test("len, ljust and rjust count code points", () => {
  assert.equal(pyLength("𐐨𐐯é"), 3);
  assert.equal(ljust("𐐨", 3), "𐐨  ");
  assert.equal(rjust("𐐨", 3), "  𐐨");
  assert.equal(ljust("toolong", 3), "toolong");
});

test("strings order by code point, as Python compares them", () => {
  // U+FF21 (fullwidth A) < U+10428 in Python; in UTF-16 units the astral one (0xD801...) sorts first.
  assert.equal(comparePyStrings("\uff21", "\u{10428}"), -1);
  assert.equal(comparePyStrings("\u{10428}", "\uff21"), 1);
  assert.equal("\u{10428}" < "\uff21", true);
  assert.equal(comparePyStrings("ab", "abc"), -1);
  assert.equal(comparePyStrings("abc", "abc"), 0);
  assert.equal(comparePyStrings("b", "abc"), 1);
  assert.equal(comparePyStrings("\u{10428}", "\u{10429}"), -1);
});

test("parsePyInt and parsePyFloat accept what Python's int() and float() accept (CPython 3.11), and nothing else", () => {
  // [text, int(text), float(text)]; undefined where Python raises ValueError.
  const cases: Array<[string, number | undefined, number | undefined]> = [
    ["10", 10, 10],
    ["1_0", 10, 10],
    ["0_0", 0, 0],
    ["010", 10, 10],
    ["+7", 7, 7],
    ["\uff11", 1, 1], // fullwidth 1
    ["\uff11_\uff10", 10, 10],
    ["\u0663", 3, 3], // Arabic-Indic 3
    ["\u0661\u0662", 12, 12],
    ["\u{1d7cf}\u{1d7d0}", 12, 12], // mathematical bold 1 2: the second of five runs of ten digits in a row
    ["\u{1d7e3}", 1, 1], // mathematical sans-serif 1
    [" 10 ", 10, 10],
    ["\t10\n", 10, 10],
    ["\x8510\u3000", 10, 10],
    ["\x1c10", undefined, undefined], // isspace(), but not stripped by int()/float()
    ["\ufeff10", undefined, undefined], // JavaScript's \s, not Python's whitespace
    ["1_0.5", undefined, 10.5],
    ["\uff11.\uff15", undefined, 1.5],
    ["1_0e1", undefined, 100],
    ["1e1_0", undefined, 1e10],
    ["1e+1_0", undefined, 1e10],
    [".5", undefined, 0.5],
    ["1.", undefined, 1],
    ["-nan", undefined, NaN],
    ["iNfInItY", undefined, Infinity],
    ["-inf", undefined, -Infinity],
    ["_1", undefined, undefined],
    ["1_", undefined, undefined],
    ["1__0", undefined, undefined],
    ["+_1", undefined, undefined],
    ["1_e5", undefined, undefined],
    ["1._5", undefined, undefined],
    ["1_.5", undefined, undefined],
    ["1e_1", undefined, undefined],
    ["in_f", undefined, undefined],
    [".", undefined, undefined],
    ["1 0", undefined, undefined],
    ["- 1", undefined, undefined],
    ["0x10", undefined, undefined],
    ["1j", undefined, undefined],
    ["", undefined, undefined],
  ];
  for (const [text, int, float] of cases) {
    assert.equal(parsePyInt(text), int, `int(${JSON.stringify(text)})`);
    assert.equal(parsePyFloat(text), float, `float(${JSON.stringify(text)})`);
  }
  assert.ok(Object.is(parsePyFloat("-0"), -0), "float('-0') is -0.0");
  assert.ok(Object.is(parsePyInt("-0"), 0), "int('-0') is 0");
});
