// The table `tsprof run` prints, as `python -m cProfile` does: pstats from the in-memory profile, no file line.
import type { Profile } from "@tsprof/format";
import type { Restriction } from "./restrictions";
import { Stats, type Writable } from "./stats";
import type { SortArgument } from "./sort-keys";

export interface TableOptions {
  /** Sort keys (pstats names, unique prefixes, or one legacy number). Default "cumulative", as `tsprof run` sorts (python -m cProfile's is "stdname"). */
  sort?: SortArgument | ReadonlyArray<SortArgument>;
  /** Reduce file names to their last component first, as `python -m cProfile` does. Default false: tsprof paths are already relative. */
  stripDirs?: boolean;
  restrictions?: Restriction[];
}

/** Prints `profile` as `Stats(profile).sort_stats(sort).print_stats()` would. Throws SortKeyError for a bad key. */
export function printTable(profile: Profile, stream: Writable, options: TableOptions = {}): void {
  const stats = new Stats(profile, stream);
  if (options.stripDirs) stats.stripDirs();
  const sort = options.sort ?? "cumulative";
  stats.sortStats(...(Array.isArray(sort) ? sort : [sort as SortArgument]));
  stats.printStats(...(options.restrictions ?? []));
}
