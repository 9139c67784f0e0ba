// The identifiers instrumented code introduces, renamed when the file already uses one (protocol.ts).

export interface ProbeIdentifiers {
  /** The hoisted accessor function: `_tsprof$()` returns the module handle. */
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

export const DEFAULT_PROBE_IDENTIFIERS: Readonly<ProbeIdentifiers> = {
  accessor: "_tsprof$",
  handle: "_tsprof$m",
  localHandle: "_tsprof$h",
  token: "_tsprof$t",
  runtimeNamespace: "_tsprof$rt",
};

/** Matches every name `chooseProbeIdentifiers` can give the accessor (the "already instrumented" marker uses it). */
export const PROBE_ACCESSOR_NAME = /^_tsprof\$\d*$/;

/**
 * Picks each identifier: the default, else the default plus the smallest numeric suffix (2, 3, …)
 * that `isTaken` rejects. `isTaken` should say whether the file mentions the name anywhere.
 */
export function chooseProbeIdentifiers(isTaken: (name: string) => boolean): ProbeIdentifiers {
  const pick = (base: string): string => {
    if (!isTaken(base)) return base;
    for (let suffix = 2; ; suffix++) if (!isTaken(`${base}${suffix}`)) return `${base}${suffix}`;
  };
  return {
    accessor: pick(DEFAULT_PROBE_IDENTIFIERS.accessor),
    handle: pick(DEFAULT_PROBE_IDENTIFIERS.handle),
    localHandle: pick(DEFAULT_PROBE_IDENTIFIERS.localHandle),
    token: pick(DEFAULT_PROBE_IDENTIFIERS.token),
    runtimeNamespace: pick(DEFAULT_PROBE_IDENTIFIERS.runtimeNamespace),
  };
}
