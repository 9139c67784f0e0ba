// A recording session: one recorder, its enabled intervals, and the rule that only one session records at a time.
import type { Profile as ProfileData, ProfileMeta } from "@tsprof/format";
import type { Clock } from "./clock";
import { buildProfile } from "./profile-builder";
import { Recorder, type RecorderOptions } from "./recorder";
import { getRuntimeState, type RuntimeState, type SessionOwner } from "./runtime-state";

export interface SessionOptions extends RecorderOptions {
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
  /** The session that was recording when this one took over. */
  private previousOwner: SessionOwner | null = null;
  private recordingSince = 0;
  private durationTicks = 0;
  private startedAt: string | undefined;

  constructor(options: SessionOptions) {
    this.state = getRuntimeState();
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

  /** Starts (or continues) recording; pauses whichever session was recording. */
  enable(): void {
    this.wanted = true;
    if (this.state.owner === this) return;
    const previous = this.state.owner;
    if (previous !== null) previous.pauseForOther();
    this.previousOwner = previous;
    this.startRecording();
  }

  /** Stops recording, closing open frames (like cProfile's disable()); the paused session, if any, records again. */
  disable(): void {
    this.wanted = false;
    if (this.state.owner !== this) return;
    this.stopRecording();
    const previous = this.previousOwner;
    this.previousOwner = null;
    if (previous !== null) previous.resumeAfterOther();
  }

  pauseForOther(): void {
    if (this.state.owner === this) this.stopRecording();
  }

  resumeAfterOther(): void {
    if (this.wanted && this.state.owner === null) this.startRecording();
  }

  /** Clears every counter (the function table is process-wide and stays). */
  clear(): void {
    // A new tag: tokens handed out by the old recorder must not match frames of the new one.
    const fresh = new Recorder(this.options.clock, this.state, this.state.allocateTag(), this.options);
    const wasRecording = this.state.owner === this;
    this.recorder = fresh;
    this.durationTicks = 0;
    this.startedAt = undefined;
    if (wasRecording) {
      this.state.active = fresh;
      this.recordingSince = this.options.clock.now();
      this.startedAt = this.wallClockStart();
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

  private startRecording(): void {
    this.state.owner = this;
    this.state.active = this.recorder;
    this.recordingSince = this.options.clock.now();
    if (this.startedAt === undefined) this.startedAt = this.wallClockStart();
  }

  /** ISO start time; none under a tick clock, whose profiles must be byte-identical run to run. */
  private wallClockStart(): string | undefined {
    return this.options.clock.name === "tick" ? undefined : new Date().toISOString();
  }

  private stopRecording(): void {
    const now = this.options.clock.now();
    this.recorder.closeOpenFrames(now);
    this.durationTicks += now - this.recordingSince;
    this.state.active = null;
    this.state.owner = null;
  }
}
