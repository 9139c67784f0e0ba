// The line protocol between `tsprof run` and the program it runs, about SIGINT, SIGTERM and SIGHUP.
//
// The parent passes one end of a socket pair as an extra file descriptor, named (with the
// parent's pid) in SIGNAL_CHANNEL_ENV. Lines, each ending in "\n":
//   child -> parent  "S <SIGNAL>"   the runtime's listener for SIGNAL started (before it writes the profile)
//   child -> parent  "A"            the child read a forwarded signal: its event loop is turning
//   child -> parent  "W"            the runtime is writing the profile on a way out (the 'exit' event or a
//                                   signal): the program's JavaScript is done, the process ends after the write
//   parent -> child  "F <SIGNAL> <n>"  the parent received its n-th SIGNAL: raise it unless it arrived already
// See child-signals.ts (the parent's side) and hooks/signal-relay.ts (the child's).

/** "<fd> <parent pid>": the child uses the channel only when the parent pid is its own ppid. */
export const SIGNAL_CHANNEL_ENV = "TSPROF_RUN_SIGNALS";

/** The signals that end a program and that the parent relays (the runtime flushes on the same three). */
export const RELAYED_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
export type RelayedSignal = (typeof RELAYED_SIGNALS)[number];

export function isRelayedSignal(name: string): name is RelayedSignal {
  return (RELAYED_SIGNALS as readonly string[]).includes(name);
}

/** Splits a stream of text into lines: returns a function taking the next chunk and calling `onLine` for each complete line. */
export function lineReader(onLine: (line: string) => void): (chunk: string) => void {
  let pending = "";
  return (chunk) => {
    pending += chunk;
    for (let end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n")) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 1);
      onLine(line);
    }
  };
}
