/**
 * The worker's side of each control request: opening and closing rooms, binding a party's ports, modes, playbacks
 * and recordings. Every refusal is a {@link WorkerRefusal} with a reason the main thread turns into a coded error.
 */
import { randomInt } from "node:crypto";
import type { WorkerEvent, WorkerFailure, WorkerRequest, WorkerStats } from "../protocol.js";
import { JitterBuffer } from "./jitter-buffer.js";
import { MixParty } from "./mix-party.js";
import { MixRoom } from "./mix-room.js";
import { RtpEndpoint } from "./rtp-endpoint.js";
import { loadSource, Player, SourceError } from "./wav-source.js";
import { WavRecorder } from "./wav-recorder.js";

/** What the main thread tells a worker when it starts. */
export interface MixerSettings {
  /** Frames gathered before a party's audio plays (the jitter buffer's target depth). */
  readonly jitterFrames: number;
  /** Frames past which a party's buffer drops its oldest. */
  readonly jitterMaxFrames: number;
  readonly rtcpIntervalMs: number;
  /** RTCP CNAME (RFC 3550 §6.5.1). */
  readonly cname: string;
}

/** A refusal with the reason the main thread maps to a coded error. */
export class WorkerRefusal extends Error {
  constructor(
    readonly failure: WorkerFailure,
    message: string,
  ) {
    super(message);
  }
}

export class RoomControl {
  constructor(
    private readonly rooms: Map<string, MixRoom>,
    private readonly stats: WorkerStats,
    private readonly settings: MixerSettings,
    private readonly emit: (event: WorkerEvent) => void,
  ) {}

  async handle(request: WorkerRequest, snapshot: () => WorkerStats): Promise<unknown> {
    switch (request.op) {
      case "open-room":
        this.rooms.set(request.roomId, new MixRoom(request.roomId, (roomId, playbackId) => this.emit({ type: "playback-ended", roomId, playbackId })));
        return undefined;
      case "close-room":
        return this.closeRoom(request.roomId);
      case "join":
        return this.join(request);
      case "remote":
        this.party(request.roomId, request.partyId).setRemote(request.remote, performance.now());
        return undefined;
      case "mode":
        this.party(request.roomId, request.partyId).setMode(request.mode);
        return undefined;
      case "leave":
        return this.leave(request.roomId, request.partyId);
      case "play":
        return this.play(request);
      case "stop-play":
        return this.stopPlay(request.roomId, request.playbackId);
      case "record":
        return this.record(request);
      case "record-pause":
      case "record-resume":
        this.recording(request.roomId, request.recordingId).recorder.paused = request.op === "record-pause";
        return undefined;
      case "record-stop":
        return this.stopRecording(request.roomId, request.recordingId);
      case "stats":
        for (const room of this.rooms.values()) for (const party of room.parties.values()) party.syncCounters();
        this.stats.rooms = this.rooms.size;
        this.stats.parties = [...this.rooms.values()].reduce((n, r) => n + r.parties.size, 0);
        return snapshot();
    }
  }

  /** Once a second: inactivity reports and RTCP sender reports. */
  housekeeping(now: number): void {
    for (const room of this.rooms.values()) {
      for (const party of room.parties.values()) {
        const remote = party.endpoint.media;
        if (!remote) continue;
        const silentMs = now - party.endpoint.lastMediaAt;
        if (remote.sends && !party.inactiveReported && silentMs >= party.inactivityMs) {
          party.inactiveReported = true;
          this.emit({ type: "party-inactive", roomId: room.id, partyId: party.id, inactiveMs: Math.round(silentMs) });
        }
        if (now >= party.nextReportAt) {
          party.endpoint.sendReport(this.settings.cname);
          party.nextReportAt = now + this.reportInterval();
        }
      }
    }
  }

  private reportInterval(): number {
    // RFC 3550 §6.3.1: randomised between 0.5 and 1.5 times the interval, so parties do not report in step.
    return this.settings.rtcpIntervalMs * (0.5 + randomInt(0, 1000) / 1000);
  }

  private room(roomId: string): MixRoom {
    const room = this.rooms.get(roomId);
    if (!room) throw new WorkerRefusal("unknown-room", roomId);
    return room;
  }

  private party(roomId: string, partyId: string): MixParty {
    const party = this.room(roomId).parties.get(partyId);
    if (!party) throw new WorkerRefusal("unknown-party", partyId);
    return party;
  }

  private async join(request: Extract<WorkerRequest, { op: "join" }>): Promise<void> {
    const room = this.room(request.roomId);
    if (room.parties.has(request.partyId)) throw new WorkerRefusal("wrong-state", `party ${request.partyId} is already in the room`);
    const party = new MixParty(
      request.partyId,
      new JitterBuffer(this.settings.jitterFrames, this.settings.jitterMaxFrames),
      request.inactivityMs,
      this.stats,
      (p, ended) => this.emit({ type: "telephone-event", roomId: room.id, partyId: p.id, event: ended.event, durationMs: ended.durationMs }),
    );
    party.setMode(request.mode);
    party.relayEvent = (from, packet) => room.relayEvent(from, packet);
    try {
      party.endpoint = await RtpEndpoint.open(request.address, request.port, this.stats, (packet, at, fresh) => party.receive(packet, at, fresh));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new WorkerRefusal(code === "EADDRINUSE" ? "port-in-use" : "bind", `${request.address}:${request.port}: ${code ?? (err as Error).message}`);
    }
    if (this.rooms.get(room.id) !== room) {
      await party.endpoint.close();
      throw new WorkerRefusal("unknown-room", room.id);
    }
    const now = performance.now();
    if (request.remote) party.setRemote(request.remote, now);
    party.nextReportAt = now + this.reportInterval();
    room.parties.set(party.id, party);
  }

  private async leave(roomId: string, partyId: string): Promise<void> {
    const room = this.room(roomId);
    const party = this.party(roomId, partyId);
    room.parties.delete(partyId);
    party.syncCounters();
    for (const id of party.players.keys()) this.emit({ type: "playback-ended", roomId, playbackId: id });
    party.players.clear();
    await party.endpoint.close();
  }

  private async closeRoom(roomId: string): Promise<void> {
    const room = this.rooms.get(roomId);
    if (!room) return;
    this.rooms.delete(roomId);
    for (const id of room.players.keys()) this.emit({ type: "playback-ended", roomId, playbackId: id });
    room.players.clear();
    const closing: Array<Promise<void>> = [];
    for (const party of room.parties.values()) {
      party.syncCounters();
      for (const id of party.players.keys()) this.emit({ type: "playback-ended", roomId, playbackId: id });
      closing.push(party.endpoint.close());
    }
    room.parties.clear();
    const recording = room.recording;
    room.recording = null;
    if (recording) closing.push(recording.recorder.finish().catch(() => undefined));
    await Promise.all(closing);
  }

  private async play(request: Extract<WorkerRequest, { op: "play" }>): Promise<void> {
    this.room(request.roomId);
    if (request.partyId !== null) this.party(request.roomId, request.partyId);
    let samples: Int16Array;
    try {
      samples = await loadSource(request.source);
    } catch (err) {
      throw new WorkerRefusal("play", err instanceof SourceError ? err.message : String(err));
    }
    const player = new Player(request.playbackId, samples, request.loop);
    // The room or party may have gone while the file loaded.
    const room = this.room(request.roomId);
    const players = request.partyId === null ? room.players : this.party(request.roomId, request.partyId).players;
    players.set(request.playbackId, player);
  }

  private stopPlay(roomId: string, playbackId: string): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    let found = room.players.delete(playbackId);
    for (const party of room.parties.values()) found = party.players.delete(playbackId) || found;
    if (found) this.emit({ type: "playback-ended", roomId, playbackId });
  }

  private async record(request: Extract<WorkerRequest, { op: "record" }>): Promise<void> {
    const room = this.room(request.roomId);
    if (room.recording) throw new WorkerRefusal("wrong-state", `room ${room.id} is already being recorded`);
    let recorder: WavRecorder;
    try {
      recorder = await WavRecorder.create(request.recordingId, request.target, request.layout.layout === "mono" ? 1 : 2);
    } catch (err) {
      throw new WorkerRefusal("record", (err as NodeJS.ErrnoException).code ?? (err as Error).message);
    }
    if (this.rooms.get(room.id) !== room || room.recording) {
      await recorder.finish().catch(() => undefined);
      throw new WorkerRefusal("wrong-state", `room ${room.id} closed or is being recorded`);
    }
    room.recording = { recorder, layout: request.layout };
  }

  private recording(roomId: string, recordingId: string): NonNullable<MixRoom["recording"]> {
    const recording = this.room(roomId).recording;
    if (!recording || recording.recorder.id !== recordingId) throw new WorkerRefusal("wrong-state", `recording ${recordingId} is not running`);
    return recording;
  }

  private async stopRecording(roomId: string, recordingId: string): Promise<{ durationMs: number; pausedMs: number }> {
    const { recorder } = this.recording(roomId, recordingId);
    this.room(roomId).recording = null;
    try {
      await recorder.finish();
    } catch (err) {
      throw new WorkerRefusal("record", (err as NodeJS.ErrnoException).code ?? (err as Error).message);
    }
    return { durationMs: recorder.frames * 20, pausedMs: recorder.pausedFrames * 20 };
  }
}
