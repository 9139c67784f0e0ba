// Building the per-module site table (protocol.ts `SiteTuple[]`) from what a transform knows about each function.
import { SiteKindCode, type SiteTuple } from "./protocol";

/** What a transform knows about one instrumented function. */
export interface SiteDescription {
  name: string;
  qualifiedName: string;
  /** 1-based, of the original source. */
  line: number;
  /** 1-based, of the original source. */
  column: number;
  async: boolean;
  generator: boolean;
  /** Root-relative file of the site when it is not the module's (protocol.ts `SiteTuple`). */
  file?: string;
}

export function siteKindCode(async: boolean, generator: boolean): SiteKindCode {
  if (async) return generator ? SiteKindCode.AsyncGenerator : SiteKindCode.Async;
  return generator ? SiteKindCode.Generator : SiteKindCode.Function;
}

/** One tuple: qualifiedName is "" when equal to name (every module embeds its table, so it stays small). */
export function buildSiteTuple(site: SiteDescription): SiteTuple {
  const qualified = site.qualifiedName === site.name ? "" : site.qualifiedName;
  const kind = siteKindCode(site.async, site.generator);
  if (site.file !== undefined) return [site.name, qualified, site.line, site.column, kind, site.file];
  return [site.name, qualified, site.line, site.column, kind];
}

/** The site table a transform reports in its metadata (Babel: `file.metadata.tsprof`). */
export interface ModuleSites {
  /** Root-relative path, "/" separators: the first argument of `module(file, sites)`. */
  file: string;
  sites: SiteTuple[];
}
