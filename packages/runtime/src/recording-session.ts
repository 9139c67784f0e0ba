// A recording session: one recorder, its enabled intervals, and the rule that only one session records at a time.
//
// Pausing. Only one session records at a time (like sys.setprofile), and enabling one pauses the
// one recording. A paused session is still enabled: its interval goes on (the pause counts in its
// duration) and its open frames stay open, so that after the pause the enclosing functions go on
// where they were: `main() { leaf(); p.runcall(inner); leaf(); }` under the automatic session has
// both leaf calls under main, and main's time covers the whole of main. The pause is time spent
// in the frame that was on top, as untraced code is: the calls made while paused are not in the
// paused profile, their time is (in that frame's own time). cProfile has no such case (one
// profiler replaces the other, whose frames simply stop being seen); closing the frames, as
// disable() does, cut the paused profile's call tree at the pause: the later calls of main had no
// caller and main's cumulative time stopped there.
//
// While paused, the frames open in the paused session can still end, suspend or resume: a
// function that enabled another profile and returns, an async function pending across the pause
// that resumes from the microtask queue. Their probes carry the paused recorder's tokens, so the
// recording session installs a router (RoutingTarget) as the probes' target: calls go to its own
// recorder, and every other event to whichever recorder owns the token (its own first, then the
// paused ones, latest first; Recorder.ownsToken()). So each profile sees its own frames' events
// at their own clock readings, and nothing of the other's: a paused async function resuming runs
// in the paused profile under its logical caller as always, the calls it makes while paused go to
// the recording profile. Without paused sessions the recorder itself is the target (no cost on
// the probes). Tags keep the two recorders' tokens apart; a recorder that starts recording with
// the tag of a paused one takes another first (tags are 1..15, handed out in turn).
// A session disabled while paused closes its frames then, at that instant.
import type { Profile as ProfileData, ProfileMeta } from "@tsprof/format";
import type { Clock } from "./clock";
import { buildProfile } from "./profile-builder";
import { Recorder, type SessionRecorderOptions } from "./recorder";
import { getRuntimeState, type ProbeTarget, type RuntimeState, type SessionOwner, type TokenOwner } from "./runtime-state";
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
  /** Its interval is open: it records, or it is paused for another with its frames still open. */
  private live = false;
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
      // Paused and enabled again: its interval and its frames go on.
      if (this.live) this.install();
      else this.startRecording();
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
   * Disabled while paused for another, it leaves the paused ones and closes its frames now: with
   * automatic → A → B nested, A.disable() and then B.disable() hand recording back to the
   * automatic session.
   */
  disable(): void {
    this.wanted = false;
    const paused = pausedSessions(this.state);
    if (this.state.owner !== this) {
      removeSession(paused, this);
      if (this.live) this.endInterval();
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

  /**
   * Called by the session taking over: this one stops taking calls, its interval and open frames
   * go on (see the header). Reads no clock, so it cannot throw into the other.
   */
  pauseForOther(): void {
    if (this.state.owner !== this) return;
    this.state.active = null;
    this.state.owner = null;
  }

  /** Called by the session giving back: never throws into it; if this clock fails, this session stays paused. */
  resumeAfterOther(): void {
    if (!this.wanted || this.state.owner !== null) return;
    if (this.live) {
      this.install();
      return;
    }
    try {
      this.startRecording();
    } catch {
      // startRecording() installs nothing when it fails.
    }
  }

  /** While paused for another with its interval open: its recorder, which the probes of its open frames reach through the router. */
  pausedTarget(): TokenOwner | null {
    return this.live && this.state.owner !== this ? this.recorder : null;
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
    const live = this.live;
    // Read the clock before changing anything: if it throws, nothing was cleared.
    const now = live ? this.options.clock.now() : 0;
    const startedAt = live ? this.wallClockStart() : undefined;
    this.recorder = fresh;
    this.durationTicks = 0;
    this.startedAt = startedAt;
    if (live) {
      this.recordingSince = now;
      if (this.state.owner === this) this.install();
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
    const duration = this.durationTicks + (this.live ? now - this.recordingSince : 0);
    const meta: ProfileMeta = { tool: TOOL, clock: this.options.clock.name ?? "custom", ...this.options.meta };
    if (this.startedAt !== undefined) meta.startedAt = this.startedAt;
    return buildProfile(closed, { functions: this.state.functions, durationTicks: duration, meta });
  }

  /** Opens an interval and installs this session as the recorder; the clock is read first, so a throw installs nothing. */
  private startRecording(): void {
    const now = this.options.clock.now();
    const startedAt = this.startedAt ?? this.wallClockStart();
    this.recordingSince = now;
    this.startedAt = startedAt;
    this.live = true;
    this.takeFreeTag();
    this.install();
  }

  /**
   * Makes this session the one the probes feed: its recorder itself, or, while other sessions are
   * paused with their frames open, a router that hands those frames' events to them.
   */
  private install(): void {
    const paused = pausedSessions(this.state);
    let routed = false;
    for (let i = 0; i < paused.length && !routed; i++) routed = pausedTargetOf(paused[i]) !== null;
    this.state.owner = this;
    this.state.active = routed ? new RoutingTarget(this.recorder, paused) : this.recorder;
  }

  /**
   * A recorder with no open frame that has the tag of a paused one takes a free tag: two live
   * recorders with one tag could each take the other's async and generator tokens for their own.
   */
  private takeFreeTag(): void {
    const paused = pausedSessions(this.state);
    const taken = (tag: number): boolean => {
      for (let i = 0; i < paused.length; i++) {
        const target = pausedTargetOf(paused[i]);
        if (target !== null && target.tag === tag) return true;
      }
      return false;
    };
    if (!taken(this.recorder.tag) || this.recorder.hasOpenFrames()) return;
    for (let attempt = 0; attempt < 15; attempt++) {
      const tag = this.state.allocateTag();
      if (!taken(tag)) {
        this.recorder.retag(tag);
        return;
      }
    }
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
    this.endInterval();
  }

  /** Ends the interval: open frames closed now, the interval added to the duration (see stopRecording() for a failing clock). */
  private endInterval(): void {
    this.live = false;
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

/**
 * The probes' target while sessions are paused with open frames: calls go to the recording
 * recorder; an exit, suspension, delegation or resumption to the recorder whose token it is (the
 * recording one first, then the paused ones from the latest), or, when none owns it, to the
 * recording one, which ignores a stale token as before. Reads the paused stack live, so a paused
 * session disabled or cleared meanwhile needs no new router.
 */
class RoutingTarget implements ProbeTarget {
  constructor(
    private readonly recorder: Recorder,
    private readonly paused: SessionOwner[],
  ) {}

  enter(fn: number): number {
    return this.recorder.enter(fn);
  }

  exit(token: number): void {
    this.ownerOf(token).exit(token);
  }

  suspend(token: number, value?: unknown, marker?: unknown): void {
    this.ownerOf(token).suspend(token, value, marker);
  }

  resume(token: number): void {
    this.ownerOf(token).resume(token);
  }

  delegate(token: number, inner?: unknown): void {
    this.ownerOf(token).delegate(token, inner);
  }

  private ownerOf(token: number): ProbeTarget {
    if (this.recorder.ownsToken(token)) return this.recorder;
    const paused = this.paused;
    for (let i = paused.length - 1; i >= 0; i--) {
      const target = pausedTargetOf(paused[i]);
      if (target !== null && target.ownsToken(token)) return target;
    }
    return this.recorder;
  }
}

/** A paused session's recorder with open frames, or null (none, or a session of an older runtime copy). */
function pausedTargetOf(session: SessionOwner | undefined): TokenOwner | null {
  if (session === undefined || typeof session.pausedTarget !== "function") return null;
  try {
    return session.pausedTarget();
  } catch {
    return null;
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
