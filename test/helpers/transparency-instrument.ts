// Shared by the transparency checks: instrument source with the tsprof Babel plugin, and load the real runtime without its automatic session.
import { transformSync } from "@babel/core";
import type { ProbeEntry } from "@tsprof/instrument";
import type { Profile as ProfileData } from "@tsprof/format";
import tsprofPlugin = require("@tsprof/babel-plugin");

export interface InstrumentOptions {
  filename: string;
  /** Project root of the site table's paths (default: the filename's folder). */
  root?: string;
  sourceType: "script" | "module";
  /** Plugin `runtime` option: "global" (globalThis.__tsprof) or a module specifier. */
  runtime?: string;
  importStyle?: "auto" | "import" | "require" | "global";
  onError?: "throw" | "skip";
}

export interface Instrumented {
  code: string;
  /** Number of instrumented sites; 0 when the plugin left the file alone. */
  sites: number;
}

/** The plugin alone (no presets): what a user with `plugins: ["@tsprof"]` gets. Throws what Babel throws. */
export function instrumentSource(source: string, options: InstrumentOptions): Instrumented {
  const pluginOptions: Record<string, unknown> = { runtime: options.runtime ?? "global" };
  if (options.root) pluginOptions.root = options.root;
  if (options.importStyle) pluginOptions.importStyle = options.importStyle;
  if (options.onError) pluginOptions.onError = options.onError;
  const result = transformSync(source, {
    filename: options.filename,
    babelrc: false,
    configFile: false,
    sourceType: options.sourceType,
    plugins: [[tsprofPlugin, pluginOptions]],
  });
  const table = (result?.metadata as { tsprof?: { sites: unknown[] } } | undefined)?.tsprof;
  return { code: result?.code ?? "", sites: table?.sites.length ?? 0 };
}

export interface RecordingRuntime {
  /** `@tsprof/runtime/probe` itself: install it as `__tsprof` of a vm context. */
  entry: ProbeEntry;
  /** Records while `body` runs (a tick clock: times are meaningless here, calls are what counts). */
  record<T>(body: () => T): { result: T; profile: ProfileData };
  /** Starts recording (for asynchronous work); `stop()` ends it and returns the profile. */
  startRecording(): { stop(): ProfileData };
}

/**
 * The real runtime of this process with the automatic session disarmed (TSPROF_AUTOSTART=0), so a
 * test process never writes a profile at exit; recording happens through the Profile API instead.
 */
export function loadRecordingRuntime(): RecordingRuntime {
  process.env.TSPROF_AUTOSTART = "0";
  // Loaded only now: the probe module reads TSPROF_AUTOSTART when it is first required.
  const entry = require("@tsprof/runtime/probe") as ProbeEntry;
  const runtime = require("@tsprof/runtime") as typeof import("@tsprof/runtime");
  const startRecording = () => {
    const profile = runtime.createProfile({ clock: runtime.createTickClock() });
    profile.enable();
    return {
      stop(): ProfileData {
        profile.disable();
        return profile.snapshot();
      },
    };
  };
  return {
    entry,
    startRecording,
    record(body) {
      const recording = startRecording();
      let result;
      try {
        result = body();
      } catch (error) {
        recording.stop();
        throw error;
      }
      return { result, profile: recording.stop() };
    },
  };
}

/** Calls per function, keyed `file:line:column` (1-based line and column of the function's start). */
export function callsByPosition(profile: ProfileData): Map<string, { name: string; calls: number }> {
  const calls = new Map<string, { name: string; calls: number }>();
  for (const row of profile.stats) {
    const info = profile.functions[row.function];
    calls.set(`${info.file}:${info.line}:${info.column}`, { name: info.qualifiedName, calls: row.calls });
  }
  return calls;
}
