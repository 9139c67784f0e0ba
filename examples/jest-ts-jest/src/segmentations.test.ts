// Tests of segmentations() in src/words.ts: a second test file, so the profile merges two module registries.
import { expect, test } from "@jest/globals";
import { segmentations } from "./words";

const dictionary = new Set(["pen", "pine", "apple", "pineapple"]);

test("segmentations counts every split into dictionary words", () => {
  expect(segmentations("penpineapple", dictionary)).toBe(2);
});

test("segmentations of text with no dictionary prefix is 0", () => {
  expect(segmentations("xyz", dictionary)).toBe(0);
});
