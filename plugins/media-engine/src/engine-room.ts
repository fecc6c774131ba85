/**
 * A room of the embedded engine: its parties, playbacks and recording, checked on the main thread against the
 * engine's limits and capabilities, then carried out by the one worker that mixes the room.
 */
import { randomUUID } from "node:crypto";
import { McuErrors, type McuJoinRequest, type McuParty, type McuPlayback, type McuPlayRequest, type McuRecordRequest, type McuRecording, type McuRoom } from "@tandem/sdk";
import { EngineParty } from "./engine-party.js";
import { EngineRecording } from "./engine-recording.js";
import type { MediaEngine } from "./media-engine.js";
import type { MixerWorkerClient } from "./mixer-worker-client.js";
import { toWireMode } from "./party-mode.js";
import type { WireLayout } from "./protocol.js";

function isIdList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((id) => typeof id === "string");
}

export class EngineRoom implements McuRoom {
  private readonly members = new Map<string, EngineParty>();
  private readonly joining = new Set<string>();
  private readonly playbacks = new Map<string, () => void>();
  private recording: EngineRecording | null = null;
  private closed = false;
  private nextParty = 1;

  constructor(
    readonly id: string,
    private readonly engine: MediaEngine,
    readonly worker: MixerWorkerClient,
  ) {}

  get size(): number {
    return this.members.size;
  }

  parties(): readonly string[] {
    return [...this.members.keys()];
  }

  async join(request: McuJoinRequest): Promise<McuParty> {
    this.assertOpen();
    const { name, config } = this.engine;
    let id = request.partyId;
    while (id === undefined || (request.partyId === undefined && (this.members.has(id) || this.joining.has(id)))) id = `party-${this.nextParty++}`;
    if (this.members.has(id) || this.joining.has(id)) throw McuErrors.duplicateParty(name, id, this.id);
    if (this.members.size + this.joining.size >= config.maxPartiesPerRoom) throw McuErrors.limit(name, `${config.maxPartiesPerRoom} parties per room`);
    const mode = toWireMode(name, this.engine.capabilities, request.mode);
    const inactivityMs = request.inactivityMs ?? config.inactivityMs;
    if (!Number.isFinite(inactivityMs) || inactivityMs <= 0) throw McuErrors.unsupported(name, `inactivityMs ${inactivityMs}`);
    this.joining.add(id);
    this.worker.parties++;
    try {
      const party = await EngineParty.open(this, this.engine, id, request, mode, inactivityMs);
      if (this.closed) {
        // Closed while the worker bound the ports: the room's close took the sockets, the pair comes back here.
        party.ended();
        this.engine.ports.release(party.port);
        throw McuErrors.unknownRoom(name, this.id);
      }
      this.members.set(id, party);
      return party;
    } catch (err) {
      this.worker.parties--;
      throw err;
    } finally {
      this.joining.delete(id);
    }
  }

  play(request: McuPlayRequest): Promise<McuPlayback> {
    return this.startPlayback(null, request);
  }

  async record(request: McuRecordRequest): Promise<McuRecording> {
    this.assertOpen();
    const { name, capabilities } = this.engine;
    const format = request.format ?? "wav";
    const channels = request.channels as McuRecordRequest["channels"] | undefined;
    if (!capabilities.record?.formats.includes(format)) throw McuErrors.unsupported(name, `recording format ${format}`);
    if (typeof request.target !== "string" || request.target === "") throw McuErrors.recordFailed(name, String(request.target), "no target path");
    let layout: WireLayout;
    if (channels?.layout === "mono") layout = { layout: "mono" };
    else if (channels?.layout === "two-channel" && isIdList(channels.left) && isIdList(channels.right)) layout = { layout: "two-channel", left: [...channels.left], right: [...channels.right] };
    else throw McuErrors.unsupported(name, `recording layout ${JSON.stringify(channels ?? null)}`);
    if (this.recording) throw McuErrors.wrongState(name, `record room ${this.id}`, "a recording of it is running");
    const recording = new EngineRecording(randomUUID(), this.id, request.target, this.engine, this.worker, () => {
      if (this.recording === recording) this.recording = null;
    });
    this.recording = recording;
    try {
      await this.worker.request({ op: "record", roomId: this.id, recordingId: recording.id, target: request.target, layout });
    } catch (err) {
      this.recording = null;
      throw this.engine.refusal(err, request.target);
    }
    return recording;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.ended();
    await this.worker.request({ op: "close-room", roomId: this.id }).catch(() => undefined);
    this.releaseAll();
  }

  /** The worker mixing the room stopped: its sockets are gone with it. */
  lost(): void {
    if (this.closed) return;
    this.ended();
    this.releaseAll();
  }

  /** Starts a playback to the room (`partyId` null) or to one party. */
  async startPlayback(partyId: string | null, request: McuPlayRequest): Promise<McuPlayback> {
    this.assertOpen();
    const { name, capabilities } = this.engine;
    const play = capabilities.play;
    if (!play) throw McuErrors.unsupported(name, "play");
    if (typeof request.source !== "string" || request.source === "") throw McuErrors.playFailed(name, String(request.source), "no source");
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]+):/.exec(request.source)?.[1]?.toLowerCase() ?? "file";
    if (!play.schemes.includes(scheme)) throw McuErrors.unsupported(name, `play from ${scheme}:`);
    const id = randomUUID();
    const ended = new Promise<void>((resolve) => this.playbacks.set(id, resolve));
    try {
      await this.worker.request({ op: "play", roomId: this.id, partyId, playbackId: id, source: request.source, loop: request.loop === true });
    } catch (err) {
      this.playbackEnded(id);
      throw this.engine.refusal(err, request.source);
    }
    return {
      id,
      ended,
      stop: async () => {
        if (!this.playbacks.has(id)) return;
        await this.worker.request({ op: "stop-play", roomId: this.id, playbackId: id }).catch(() => undefined);
        this.playbackEnded(id);
      },
    };
  }

  playbackEnded(playbackId: string): void {
    const resolve = this.playbacks.get(playbackId);
    this.playbacks.delete(playbackId);
    resolve?.();
  }

  /** A party left: the worker closes its sockets, then its port pair goes back to the pool. */
  async partyLeft(party: EngineParty): Promise<void> {
    if (this.members.get(party.id) !== party) return;
    this.members.delete(party.id);
    this.worker.parties--;
    await this.worker.request({ op: "leave", roomId: this.id, partyId: party.id }).catch(() => undefined);
    this.engine.ports.release(party.port);
  }

  private ended(): void {
    this.closed = true;
    this.engine.roomEnded(this);
    this.recording?.ended();
    this.recording = null;
  }

  private releaseAll(): void {
    for (const party of this.members.values()) {
      party.ended();
      this.engine.ports.release(party.port);
    }
    this.worker.parties -= this.members.size;
    this.members.clear();
    for (const id of [...this.playbacks.keys()]) this.playbackEnded(id);
  }

  private assertOpen(): void {
    if (this.closed) throw McuErrors.unknownRoom(this.engine.name, this.id);
  }
}
