/** A running recording of an engine room: pause and resume (paused time is written as silence), stop. */
import { McuErrors, type McuRecording, type McuRecordingResult } from "@tandem/sdk";
import type { MixerWorkerClient } from "./mixer-worker-client.js";
import type { MediaEngine } from "./media-engine.js";

type State = "running" | "paused" | "stopped";

export class EngineRecording implements McuRecording {
  private state: State = "running";

  constructor(
    readonly id: string,
    private readonly roomId: string,
    private readonly target: string,
    private readonly engine: MediaEngine,
    private readonly worker: MixerWorkerClient,
    private readonly onStopped: () => void,
  ) {}

  async pause(): Promise<void> {
    await this.move("running", "paused", "record-pause");
  }

  async resume(): Promise<void> {
    await this.move("paused", "running", "record-resume");
  }

  async stop(): Promise<McuRecordingResult> {
    if (this.state === "stopped") throw McuErrors.wrongState(this.engine.name, `stop recording ${this.id}`, "it is stopped");
    this.state = "stopped";
    this.onStopped();
    try {
      const result = await this.worker.request<{ durationMs: number; pausedMs: number }>({ op: "record-stop", roomId: this.roomId, recordingId: this.id });
      return { target: this.target, ...result };
    } catch (err) {
      throw this.engine.refusal(err, this.target);
    }
  }

  /** The room went: the worker closed the file (or is gone). */
  ended(): void {
    this.state = "stopped";
  }

  private async move(from: State, to: State, op: "record-pause" | "record-resume"): Promise<void> {
    if (this.state !== from) throw McuErrors.wrongState(this.engine.name, `${op.slice(7)} recording ${this.id}`, `it is ${this.state}`);
    this.state = to;
    try {
      await this.worker.request({ op, roomId: this.roomId, recordingId: this.id });
    } catch (err) {
      this.state = from;
      throw this.engine.refusal(err, this.target);
    }
  }
}
