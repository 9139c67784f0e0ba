// A recording session: one recorder, its enabled intervals, and the rule that only one session records at a time.
import type { Profile as ProfileData, ProfileMeta } from "@tsprof/format";
import type { Clock } from "./clock";
import { buildProfile } from "./profile-builder";
import { Recorder, type SessionRecorderOptions } from "./recorder";
import { getRuntimeState, type RuntimeState, type SessionOwner } from "./runtime-state";
import { append } from "./safe-builtins";

export interface SessionOptions extends SessionRecorderOptions {
  clock: Clock;
  /** Extra metadata for the profile (argv, pid). */
  meta?: Partial<ProfileMeta>;
}

const TOOL = "tsprof 0.1.0";

export class RecordingSession implements SessionOwner {
  private readonly state: RuntimeState;
  private readonly options: SessionOptions;
  private recorder: Recorder;
  /** The user wants this session recording (it may still be paused by another). */
  private wanted = false;
  private recordingSince = 0;
  private durationTicks = 0;
  private startedAt: string | undefined;

  constructor(options: SessionOptions) {
    this.state = getRuntimeState();
    // The root the site table's relative paths are taken against, for exports that need absolute
    // ones (.cpuprofile urls): the working directory now, the transform's root under `tsprof run`
    // and, for a program built with the plugin, the directory the build ran in when it runs there.
    const root = options.meta?.root ?? workingDirectory();
    options = root === undefined ? options : { ...options, meta: { ...options.meta, root } };
    // Seconds of work elsewhere mean nothing to a clock that does not measure seconds.
    if (options.offClockSeconds !== undefined && !measuresSeconds(options.clock)) options = { ...options, offClockSeconds: undefined };
    this.options = options;
    this.recorder = new Recorder(options.clock, this.state, this.state.allocateTag(), options);
  }

  get clock(): Clock {
    return this.options.clock;
  }

  /** Whether this session is the one recording now. */
  get recording(): boolean {
    return this.state.owner === this;
  }

  /**
   * Starts (or continues) recording; pauses whichever session was recording, which records again
   * when this one is disabled. All or nothing: if starting fails (a clock whose now() throws), this
   * session stays disabled, the paused one records again and the error goes to the caller, so one
   * broken profile cannot leave the process with a half-installed owner that every later enable()
   * trips over.
   */
  enable(): void {
    if (this.state.owner === this) {
      this.wanted = true;
      return;
    }
    const paused = pausedSessions(this.state);
    // Enabled again while paused for another: it records now, and is no longer waiting its turn.
    removeSession(paused, this);
    const previous = this.state.owner;
    if (previous !== null) {
      previous.pauseForOther();
      append(paused, previous);
    }
    try {
      this.startRecording();
    } catch (error) {
      if (previous !== null) {
        removeSession(paused, previous);
        previous.resumeAfterOther();
      }
      throw error;
    }
    this.wanted = true;
  }

  /**
   * Stops recording, closing open frames (like cProfile's disable()); the session it paused, if
   * any, records again, even when this session's clock throws (the error then goes to the caller).
   * Disabled while paused for another, it only leaves the paused ones: with automatic → A → B
   * nested, A.disable() and then B.disable() hand recording back to the automatic session.
   */
  disable(): void {
    this.wanted = false;
    const paused = pausedSessions(this.state);
    if (this.state.owner !== this) {
      removeSession(paused, this);
      return;
    }
    try {
      this.stopRecording();
    } finally {
      // The latest paused session records again; one whose clock now fails stays paused and the next one gets the turn.
      while (this.state.owner === null && paused.length > 0) {
        const next = paused[paused.length - 1];
        paused.length--;
        next.resumeAfterOther();
      }
    }
  }

  /** Called by the session taking over: never throws into it (a failing clock only loses this session's last interval). */
  pauseForOther(): void {
    if (this.state.owner !== this) return;
    try {
      this.stopRecording();
    } catch {
      // stopRecording() has released the recorder already.
    }
  }

  /** Called by the session giving back: never throws into it; if this clock fails, this session stays paused. */
  resumeAfterOther(): void {
    if (!this.wanted || this.state.owner !== null) return;
    try {
      this.startRecording();
    } catch {
      // startRecording() installs nothing when it fails.
    }
  }

  /**
   * Takes `seconds` that have just passed out of the times of the calls open now, as if the clock
   * had stood still (Recorder.excludeTime()): `tsprof run` does so for the time it spends compiling
   * a module on the fly. Nothing under a clock that does not measure time (tick clocks, count mode),
   * whose readings would not be seconds; the session's duration stays wall time.
   */
  excludeTime(seconds: number): void {
    if (this.state.owner !== this || !(seconds > 0) || !measuresSeconds(this.options.clock)) return;
    this.recorder.excludeTime(seconds / this.options.clock.unit);
  }

  /** Clears every counter (the function table is process-wide and stays). */
  clear(): void {
    // A new tag: tokens handed out by the old recorder must not match frames of the new one.
    const fresh = new Recorder(this.options.clock, this.state, this.state.allocateTag(), this.options);
    const wasRecording = this.state.owner === this;
    // Read the clock before changing anything: if it throws, nothing was cleared.
    const now = wasRecording ? this.options.clock.now() : 0;
    const startedAt = wasRecording ? this.wallClockStart() : undefined;
    this.recorder = fresh;
    this.durationTicks = 0;
    this.startedAt = startedAt;
    if (wasRecording) {
      this.state.active = fresh;
      this.recordingSince = now;
    }
  }

  /**
   * The profile as it stands: open frames closed now, on a copy, so the live stack is not disturbed.
   * `final` (the process is ending) closes them in place instead: no copy of large tables at exit.
   */
  snapshot(final = false): ProfileData {
    // The fast clock's timer thread may be gone (exit) or behind: bring it up to date first.
    const refresh = (this.options.clock as { refresh?: () => void }).refresh;
    if (typeof refresh === "function") refresh();
    const now = this.options.clock.now();
    const closed = final ? this.recorder : this.recorder.clone();
    closed.closeOpenFrames(now);
    const duration = this.durationTicks + (this.state.owner === this ? now - this.recordingSince : 0);
    const meta: ProfileMeta = { tool: TOOL, clock: this.options.clock.name ?? "custom", ...this.options.meta };
    if (this.startedAt !== undefined) meta.startedAt = this.startedAt;
    return buildProfile(closed, { functions: this.state.functions, durationTicks: duration, meta });
  }

  /** Installs this session as the recorder; the clock is read first, so a throw installs nothing. */
  private startRecording(): void {
    const now = this.options.clock.now();
    const startedAt = this.startedAt ?? this.wallClockStart();
    this.recordingSince = now;
    this.startedAt = startedAt;
    this.state.owner = this;
    this.state.active = this.recorder;
  }

  /** ISO start time; none under a tick clock, whose profiles must be byte-identical run to run. */
  private wallClockStart(): string | undefined {
    return this.options.clock.name === "tick" ? undefined : new Date().toISOString();
  }

  /**
   * Uninstalls this session, closing its open frames. The recorder is released first, whatever
   * happens next. Should the clock throw, the frames are still closed (at the start of this
   * interval: a clock that fails has no better reading to give, and times from it mean little)
   * so that they are not continued by a later interval, and the clock's error is rethrown.
   */
  private stopRecording(): void {
    this.state.active = null;
    this.state.owner = null;
    let now: number;
    try {
      now = this.options.clock.now();
    } catch (error) {
      try {
        this.recorder.closeOpenFrames(this.recordingSince);
      } catch {
        // A compensated recorder reads the failing clock again: its frames stay as they are.
      }
      throw error;
    }
    this.recorder.closeOpenFrames(now);
    this.durationTicks += now - this.recordingSince;
  }
}

/** Whether the clock's readings are time (not the ticks of a tick clock, nor count mode's zeros). */
function measuresSeconds(clock: Clock): boolean {
  return clock.name !== "tick" && clock.name !== "none";
}

/** process.cwd(), or undefined outside Node or when the directory is gone. */
function workingDirectory(): string | undefined {
  try {
    return typeof process === "object" && process !== null && typeof process.cwd === "function" ? process.cwd() : undefined;
  } catch {
    return undefined;
  }
}

/** The state's stack of paused sessions, created on first use. */
function pausedSessions(state: RuntimeState): SessionOwner[] {
  let paused = state.paused;
  if (paused === undefined) {
    paused = [];
    state.paused = paused;
  }
  return paused;
}

/** Takes `session` out of `paused` wherever it is, by index and length: no prototype method a program may have patched. */
function removeSession(paused: SessionOwner[], session: SessionOwner): void {
  let kept = 0;
  for (let i = 0; i < paused.length; i++) {
    const entry = paused[i];
    if (entry !== session) paused[kept++] = entry;
  }
  paused.length = kept;
}
