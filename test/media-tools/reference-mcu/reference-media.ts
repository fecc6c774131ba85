/** Playbacks and recordings of the reference mixer, one 20 ms frame at a time. */
import type { McuPlayback, McuRecording, McuRecordingResult } from "@tandem/sdk";
import { readWav, SAMPLES_PER_FRAME, writeWav } from "@tandem/sdk/testing/media";

let ids = 1;

export class ReferencePlayback implements McuPlayback {
  readonly id = `play-${ids++}`;
  readonly ended: Promise<void>;
  private position = 0;
  private finish: () => void = () => undefined;
  done = false;

  constructor(
    private readonly samples: Int16Array,
    private readonly loop: boolean,
  ) {
    this.ended = new Promise((resolve) => (this.finish = resolve));
  }

  static fromFile(path: string, loop: boolean): ReferencePlayback {
    return new ReferencePlayback(readWav(path).channels[0] ?? new Int16Array(0), loop);
  }

  /** The next frame, or undefined once it has ended. */
  next(): Int16Array | undefined {
    if (this.done) return undefined;
    const frame = new Int16Array(SAMPLES_PER_FRAME);
    for (let i = 0; i < frame.length; i++) {
      if (this.position >= this.samples.length) {
        if (!this.loop || this.samples.length === 0) break;
        this.position = 0;
      }
      frame[i] = this.samples[this.position++] ?? 0;
    }
    if (this.position >= this.samples.length && !this.loop) this.end();
    return frame;
  }

  end(): void {
    this.done = true;
    this.finish();
  }

  async stop(): Promise<void> {
    this.end();
  }
}

export class ReferenceRecording implements McuRecording {
  readonly id = `rec-${ids++}`;
  readonly channels: Int16Array[][];
  paused = false;
  pausedFrames = 0;
  stopped = false;

  constructor(
    readonly target: string,
    channelCount: number,
    private readonly canPause: () => void,
  ) {
    this.channels = Array.from({ length: channelCount }, () => []);
  }

  /** Appends one frame per channel (silence while paused). */
  append(frames: readonly Int16Array[]): void {
    if (this.stopped) return;
    if (this.paused) this.pausedFrames++;
    this.channels.forEach((channel, i) => channel.push(this.paused ? new Int16Array(SAMPLES_PER_FRAME) : (frames[i] ?? new Int16Array(SAMPLES_PER_FRAME))));
  }

  async pause(): Promise<void> {
    this.canPause();
    this.paused = true;
  }

  async resume(): Promise<void> {
    this.paused = false;
  }

  async stop(): Promise<McuRecordingResult> {
    this.stopped = true;
    const joined = this.channels.map((frames) => {
      const out = new Int16Array(frames.length * SAMPLES_PER_FRAME);
      frames.forEach((f, i) => out.set(f, i * SAMPLES_PER_FRAME));
      return out;
    });
    writeWav(this.target, joined, 8000);
    const frames = this.channels[0]?.length ?? 0;
    return { target: this.target, durationMs: frames * 20, pausedMs: this.pausedFrames * 20 };
  }
}
