/**
 * One recording of a call's room: the index row first (`recording`), then the MCU's two-channel recorder writing
 * the temporary file; pause and resume (silence in the file, the stretch kept in the row); stop renames the file
 * and completes the row with its size and SHA-256. While it runs the folder's free space is checked: a disk that
 * fills up (or a recorder that cannot write) ends the recording as `failed` with its code, the partial file
 * removed — the call is not touched here; the owner decides what its media does next.
 */
import { randomUUID } from "node:crypto";
import { TandemError, type EventBus, type Logger, type McuRecording, type McuRoom } from "@tandem/sdk";
import { RecordingErrors } from "./errors.js";
import { emitRecordingEvent, type RequestOrigin } from "./recording-events.js";
import type { RecordingFiles } from "./recording-files.js";
import type { RecordedParty, RecordedPause, RecordingIndex } from "./recording-index.js";

export interface SessionDeps {
  readonly index: RecordingIndex;
  readonly files: RecordingFiles;
  readonly bus: EventBus;
  readonly log: Logger;
  readonly minFreeBytes: number;
  readonly diskCheckMs: number;
}

/** What the row says about the call. */
export interface CallFacts {
  readonly connId: string;
  readonly trigger: string;
  readonly ani: string | null;
  readonly dnis: string | null;
  readonly agentDn: string | null;
  readonly parties: RecordedParty[];
}

/** Room party ids on each channel: the customer's side left, the agents' side right. */
export interface SessionLayout {
  readonly left: readonly string[];
  readonly right: readonly string[];
}

export type SessionState = "recording" | "paused" | "stopped";

const now = (): string => new Date().toISOString();

export class RecordingSession {
  state: SessionState = "recording";
  private readonly pauses: RecordedPause[] = [];
  private disk: NodeJS.Timeout | undefined;
  private ending: Promise<void> | undefined;
  /** Runs once when the recording ended by itself (disk full, write failure). */
  onFailed: (error: TandemError) => void = () => undefined;

  private constructor(
    readonly id: string,
    readonly facts: CallFacts,
    private readonly deps: SessionDeps,
    private readonly recording: McuRecording,
  ) {}

  static async start(deps: SessionDeps, room: McuRoom, layout: SessionLayout, facts: CallFacts, origin: RequestOrigin): Promise<RecordingSession> {
    const id = randomUUID();
    await deps.files.ensureFolder();
    const startedAt = now();
    deps.index.begin({ id, ...facts, file: deps.files.fileName(id), startedAt });
    let recording: McuRecording;
    try {
      const free = await deps.files.freeBytes();
      if (free <= deps.minFreeBytes) throw RecordingErrors.diskFull(id, facts.connId, deps.files.folder, `${free} bytes free`);
      recording = await room.record({ target: deps.files.partPath(id), format: "wav", channels: { layout: "two-channel", left: layout.left, right: layout.right } });
    } catch (err) {
      const error = err instanceof TandemError && err.code === "TANDEM_ERR_RECORDING_DISK_FULL" ? err : RecordingErrors.startFailed(facts.connId, String((err as Error).message ?? err));
      await deps.files.discard(id).catch(() => 0);
      deps.index.fail(id, { endedAt: now(), code: error.code, message: error.message });
      throw error;
    }
    const session = new RecordingSession(id, facts, deps, recording);
    session.watchDisk();
    emitRecordingEvent(deps.bus, "EventRecordingStarted", { connId: facts.connId, dn: facts.agentDn }, origin, { recordingId: id, trigger: facts.trigger, startedAt });
    return session;
  }

  async pause(origin: RequestOrigin): Promise<void> {
    if (this.state !== "recording") throw RecordingErrors.badState("pause", this.facts.connId, `the recording is ${this.state}`);
    await this.recording.pause();
    this.state = "paused";
    this.pauses.push({ from: now() });
    this.deps.index.setPauses(this.id, this.pauses);
    emitRecordingEvent(this.deps.bus, "EventRecordingPaused", this.where(), origin, { recordingId: this.id });
  }

  async resume(origin: RequestOrigin): Promise<void> {
    if (this.state !== "paused") throw RecordingErrors.badState("resume", this.facts.connId, `the recording is ${this.state}`);
    await this.recording.resume();
    this.state = "recording";
    const open = this.pauses.at(-1);
    if (open) open.to = now();
    this.deps.index.setPauses(this.id, this.pauses);
    emitRecordingEvent(this.deps.bus, "EventRecordingResumed", this.where(), origin, { recordingId: this.id });
  }

  /** The parties changed (a transfer, a party leaving): kept in the row. */
  setParties(parties: RecordedParty[], agentDn: string | null): void {
    this.deps.index.setParties(this.id, parties, agentDn);
  }

  /** Ends the recording: the file gets its final name and the row its size and checksum. */
  stop(origin: RequestOrigin): Promise<void> {
    this.ending ??= this.finish(origin);
    return this.ending;
  }

  private async finish(origin: RequestOrigin): Promise<void> {
    if (this.state === "stopped") return;
    this.closeOpenPause();
    this.state = "stopped";
    clearInterval(this.disk);
    let result: { durationMs: number; pausedMs: number };
    try {
      result = await this.recording.stop();
    } catch (err) {
      await this.failed(this.writeError(err), origin);
      return;
    }
    try {
      const file = await this.deps.files.finish(this.id);
      const endedAt = now();
      this.deps.index.complete(this.id, { endedAt, ...file, durationMs: Math.round(result.durationMs), pausedMs: Math.round(result.pausedMs) });
      emitRecordingEvent(this.deps.bus, "EventRecordingStopped", this.where(), origin, { recordingId: this.id, endedAt, ...file, durationMs: result.durationMs, pausedMs: result.pausedMs });
    } catch (err) {
      await this.failed(this.writeError(err), origin);
    }
  }

  /** Checks the folder's free space every `diskCheckMs`; ends the recording as failed when the disk is full. */
  private watchDisk(): void {
    this.disk = setInterval(() => {
      void this.deps.files.freeBytes().then(
        (free) => {
          if (free > this.deps.minFreeBytes || this.state === "stopped") return;
          const error = RecordingErrors.diskFull(this.id, this.facts.connId, this.deps.files.folder, `${free} bytes free`);
          this.ending ??= this.abort(error);
        },
        (err: unknown) => this.deps.log.warn({ err, recordingId: this.id }, "checking the recordings folder's free space failed"),
      );
    }, this.deps.diskCheckMs);
    this.disk.unref();
  }

  private async abort(error: TandemError): Promise<void> {
    this.closeOpenPause();
    this.state = "stopped";
    clearInterval(this.disk);
    await this.recording.stop().catch(() => undefined);
    await this.failed(error, { source: "recording" });
  }

  private async failed(error: TandemError, origin: RequestOrigin): Promise<void> {
    this.state = "stopped";
    const sizeBytes = await this.deps.files.discard(this.id).catch(() => 0);
    this.deps.index.fail(this.id, { endedAt: now(), code: error.code, message: error.message, sizeBytes });
    this.deps.log.error({ code: error.code, recordingId: this.id, connId: this.facts.connId }, error.message);
    emitRecordingEvent(this.deps.bus, "EventRecordingFailed", this.where(), origin, { recordingId: this.id, code: error.code, message: error.message });
    const dn = this.facts.agentDn;
    this.deps.bus.emit("EventError", { connId: this.facts.connId, source: "recording", ...(dn ? { dn } : {}), data: { code: error.code, message: error.message, recordingId: this.id } });
    this.onFailed(error);
  }

  private writeError(err: unknown): TandemError {
    if (err instanceof TandemError && err.code === "TANDEM_ERR_RECORDING_DISK_FULL") return err;
    const message = String((err as Error)?.message ?? err);
    const code = (err as { code?: unknown })?.code;
    if (code === "ENOSPC" || /ENOSPC|no space/i.test(message)) return RecordingErrors.diskFull(this.id, this.facts.connId, this.deps.files.folder, message);
    return RecordingErrors.writeFailed(this.id, this.facts.connId, message);
  }

  private closeOpenPause(): void {
    const open = this.pauses.at(-1);
    if (open && open.to === undefined) {
      open.to = now();
      this.deps.index.setPauses(this.id, this.pauses);
    }
  }

  private where(): { connId: string; dn: string | null } {
    return { connId: this.facts.connId, dn: this.facts.agentDn };
  }
}
