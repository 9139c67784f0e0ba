// Word statistics: the module under test (instrumented by ts-jest's astTransformers).
export class WordCounter {
  readonly #counts = new Map<string, number>();

  addText(text: string): void {
    for (const word of splitWords(text)) this.#counts.set(word, (this.#counts.get(word) ?? 0) + 1);
  }

  count(word: string): number {
    return this.#counts.get(word.toLowerCase()) ?? 0;
  }
}

export function splitWords(text: string): string[] {
  return text.toLowerCase().split(/[^a-z]+/).filter((word) => word !== "");
}

/** Ways to read `text` as a sequence of dictionary words: recursive, like a naive segmenter. */
export function segmentations(text: string, dictionary: ReadonlySet<string>): number {
  if (text === "") return 1;
  let ways = 0;
  for (let end = 1; end <= text.length; end++) {
    if (dictionary.has(text.slice(0, end))) ways += segmentations(text.slice(end), dictionary);
  }
  return ways;
}

export async function countWordsInFiles(read: (name: string) => Promise<string>, names: string[]): Promise<number> {
  let total = 0;
  for (const name of names) total += splitWords(await read(name)).length;
  return total;
}
