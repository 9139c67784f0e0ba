// The identifiers instrumented code introduces, unique per file at top level, renamed when the file already uses one (protocol.ts).
import { createHash } from "node:crypto";

export interface ProbeIdentifiers {
  /** The hoisted accessor function: `_tsprof$<tag>()` returns the module handle. */
  accessor: string;
  /** The module handle variable the accessor caches. */
  handle: string;
  /** Each instrumented function's local copy of the module handle. */
  localHandle: string;
  /** Each instrumented function's token constant. */
  token: string;
  /** ES modules: the namespace import of the runtime entry. */
  runtimeNamespace: string;
}

/**
 * Matches every name `chooseProbeIdentifiers` can give the accessor (the "already instrumented" marker uses
 * it): `_tsprof$` and its eight-character module tag, or no tag (code instrumented before tags existed),
 * then the numeric suffix of a name the file already used.
 */
export const PROBE_ACCESSOR_NAME = /^_tsprof\$(?:[0-9a-z]{8})?\d*$/;

const TAG_SPACE = 36 ** 8;

/**
 * A module's tag: eight base-36 digits of a hash of its project-relative path and its source text. The
 * module header is top-level code, and files do not always get a scope of their own: classic `<script>`s
 * share the page's, and `babel --out-file` or tsc's `outFile` concatenate files into one script. There a
 * second `function _tsprof$()` replaced the first (hoisting makes the last declaration win), and one
 * file's functions were recorded under another's site table without a word. The path tells apart files
 * of one build; the text tells apart files of different builds at the same path (two packages'
 * `src/index.js`) and files without a name. Deterministic, so builds and caches stay reproducible.
 * 36^8 ≈ 2.8e12 tags: ten thousand files on one page collide with a probability of about 2e-5.
 */
export function moduleTag(file: string, text: string): string {
  const digest = createHash("sha256").update(file).update("\0").update(text).digest();
  return (digest.readUIntBE(0, 6) % TAG_SPACE).toString(36).padStart(8, "0");
}

/**
 * Picks each identifier: the module-level ones (accessor, handle, runtime namespace) carry the module's
 * `tag` (see moduleTag); the function-local ones (`_tsprof$h`, `_tsprof$t`) need none. A name `isTaken`
 * rejects gets the smallest numeric suffix (2, 3, …) that it accepts. `isTaken` should say whether the
 * file mentions the name anywhere (`with` bodies and direct `eval` see every name, design.md §3 pitfall 9).
 */
export function chooseProbeIdentifiers(isTaken: (name: string) => boolean, tag: string): ProbeIdentifiers {
  const pick = (base: string): string => {
    if (!isTaken(base)) return base;
    for (let suffix = 2; ; suffix++) if (!isTaken(`${base}${suffix}`)) return `${base}${suffix}`;
  };
  const accessor = `_tsprof$${tag}`;
  return {
    accessor: pick(accessor),
    handle: pick(`${accessor}$m`),
    localHandle: pick("_tsprof$h"),
    token: pick("_tsprof$t"),
    runtimeNamespace: pick(`${accessor}$rt`),
  };
}
