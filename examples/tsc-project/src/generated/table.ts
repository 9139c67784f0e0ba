// Generated code the tsconfig excludes from instrumentation (plugins entry "exclude"): never in the profile.
export function lookup(index: number): number {
  return [1, 1, 2, 6, 24, 120][index] ?? -1;
}
