// Tests of src/words.ts (not instrumented: the astTransformers entry excludes test files).
import { expect, test } from "@jest/globals";
import { WordCounter, countWordsInFiles, splitWords } from "./words";

test("splitWords lowercases and drops punctuation", () => {
  expect(splitWords("The cat, the hat!")).toEqual(["the", "cat", "the", "hat"]);
});

test("WordCounter counts across texts", () => {
  const counter = new WordCounter();
  counter.addText("a rose is a rose");
  counter.addText("is it");
  expect(counter.count("Rose")).toBe(2);
  expect(counter.count("is")).toBe(2);
});

test("countWordsInFiles awaits each file", async () => {
  const files: Record<string, string> = { a: "one two", b: "three" };
  await expect(countWordsInFiles(async (name) => files[name], ["a", "b"])).resolves.toBe(3);
});
