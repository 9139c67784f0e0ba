// The part of @babel/code-frame the CLI uses (the package ships no types).
declare module "@babel/code-frame" {
  export function codeFrameColumns(source: string, location: { start: { line: number; column?: number } }, options?: { highlightCode?: boolean }): string;
}
