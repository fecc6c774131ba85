/**
 * The embedded MCU adapter. The main thread only decides — ports, SDP, limits, modes — and each room lives in one
 * mixer worker thread that owns its sockets and audio, so mixing never delays SIP signalling. Rooms are placed on
 * the worker with the fewest parties. A worker that stops takes its rooms with it (reported as `room-lost`); the
 * others go on, and the engine reports itself degraded, or down when none is left.
 */
import { randomUUID } from "node:crypto";
import { McuErrors, mcuMissing, type McuAdapter, type McuCapabilities, type McuEvent, type McuHealth, type McuRoom, type McuRoomRequest, type TandemError } from "@tandem/sdk";
import { EngineRoom } from "./engine-room.js";
import { EngineErrors } from "./errors.js";
import type { MediaEngineConfig } from "./manifest.js";
import { MixerWorkerClient, WorkerReplyError } from "./mixer-worker-client.js";
import { PortPool } from "./port-pool.js";
import { DROP_REASONS, type WorkerEvent, type WorkerStats } from "./protocol.js";
import { FRAME_MS } from "./worker/mixer-clock.js";

/** Where the engine tells of problems (the plugin's logger). */
export interface EngineLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

/** Counters summed over every worker since the engine started. */
export type EngineStats = WorkerStats & { workersAlive: number; portsInUse: number; portPairs: number };

export class MediaEngine implements McuAdapter {
  readonly capabilities: McuCapabilities;
  readonly ports: PortPool;
  readonly announceAddress: string;
  private readonly workers: MixerWorkerClient[] = [];
  private readonly rooms = new Map<string, EngineRoom>();
  private readonly listeners = new Set<(event: McuEvent) => void>();
  private closing = false;
  private lastStatus: McuHealth["status"] = "up";

  private constructor(
    readonly name: string,
    readonly config: MediaEngineConfig,
    private readonly log: EngineLog | undefined,
  ) {
    this.announceAddress = config.announceAddress ?? config.address;
    this.ports = new PortPool(config.portMin, config.portMax);
    this.capabilities = {
      codecs: ["PCMU", "PCMA"],
      modes: ["speak-listen", "listen-only", "whisper"],
      telephoneEvents: true,
      record: { layouts: ["mono", "two-channel"], pause: true, formats: ["wav"] },
      play: { schemes: ["file", "http", "https"], formats: ["wav"], loop: true },
      limits: { rooms: config.maxRooms, partiesPerRoom: config.maxPartiesPerRoom },
      offerlessJoin: true,
      freshOffer: true,
      inactivityReports: true,
    };
  }

  /** Checks the config, starts the workers and resolves once they run. */
  static async start(name: string, config: MediaEngineConfig, log?: EngineLog): Promise<MediaEngine> {
    if (config.portMax - config.portMin < 1 || new PortPool(config.portMin, config.portMax).capacity === 0) {
      throw EngineErrors.config(`portMin ${config.portMin} to portMax ${config.portMax} holds no even/odd port pair`);
    }
    if (config.jitterMaxMs < config.jitterMs + FRAME_MS) throw EngineErrors.config(`jitterMaxMs ${config.jitterMaxMs} must exceed jitterMs ${config.jitterMs} by a frame (20 ms) or more`);
    if (!config.announceAddress && (config.address === "0.0.0.0" || config.address === "::")) {
      throw EngineErrors.config(`address ${config.address} is a wildcard: set announceAddress to the address parties send RTP to`);
    }
    const engine = new MediaEngine(name, config, log);
    const settings = {
      jitterFrames: Math.max(1, Math.round(config.jitterMs / FRAME_MS)),
      jitterMaxFrames: Math.max(2, Math.round(config.jitterMaxMs / FRAME_MS)),
      rtcpIntervalMs: config.rtcpIntervalMs,
      cname: `tandem-${name}@${engine.announceAddress}`,
    };
    for (let i = 0; i < config.workers; i++) {
      engine.workers.push(new MixerWorkerClient(i, settings, (event) => engine.onWorkerEvent(event), (client, reason) => engine.onWorkerLost(client, reason)));
    }
    try {
      await Promise.all(engine.workers.map((w) => w.online));
    } catch (err) {
      await engine.close();
      throw EngineErrors.config(`mixer workers did not start: ${(err as Error).message}`);
    }
    return engine;
  }

  health(): McuHealth {
    const alive = this.workers.filter((w) => w.alive).length;
    const parties = [...this.rooms.values()].reduce((n, r) => n + r.size, 0);
    const base = { rooms: this.rooms.size, parties };
    if (this.closing) return { status: "down", detail: "closing", ...base };
    if (alive === 0) return { status: "down", detail: "every mixer worker stopped", ...base };
    if (alive < this.workers.length) return { status: "degraded", detail: `${this.workers.length - alive} of ${this.workers.length} mixer workers stopped`, ...base };
    return { status: "up", ...base };
  }

  async createRoom(request: McuRoomRequest = {}): Promise<McuRoom> {
    const health = this.health();
    if (health.status === "down") throw McuErrors.down(this.name, health.detail ?? "down");
    const missing = request.needs ? mcuMissing(this.capabilities, request.needs) : [];
    if (missing.length > 0) throw McuErrors.unsupported(this.name, missing.join(", "));
    if (this.rooms.size >= this.config.maxRooms) throw McuErrors.limit(this.name, `${this.config.maxRooms} rooms`);
    const worker = this.workers.filter((w) => w.alive).sort((a, b) => a.parties - b.parties)[0];
    if (!worker) throw McuErrors.down(this.name, "every mixer worker stopped");
    const room = new EngineRoom(randomUUID(), this, worker);
    this.rooms.set(room.id, room);
    try {
      await worker.request({ op: "open-room", roomId: room.id });
    } catch (err) {
      this.rooms.delete(room.id);
      throw this.refusal(err, room.id);
    }
    return room;
  }

  onEvent(listener: (event: McuEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Counters of every live worker, summed (a stopped worker's counts are gone with it). */
  async stats(): Promise<EngineStats> {
    const all = await Promise.all(this.workers.filter((w) => w.alive).map((w) => w.request<WorkerStats>({ op: "stats" }).catch(() => undefined)));
    const sum: EngineStats = {
      packetsIn: 0, packetsOut: 0, framesLost: 0, framesLate: 0, framesDiscarded: 0, ticks: 0, ticksLate: 0, framesSkipped: 0, rooms: 0, parties: 0,
      dropped: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as WorkerStats["dropped"],
      latencyMs: [],
      workersAlive: this.workers.filter((w) => w.alive).length,
      portsInUse: this.ports.inUse,
      portPairs: this.ports.capacity,
    };
    for (const s of all) {
      if (!s) continue;
      for (const key of ["packetsIn", "packetsOut", "framesLost", "framesLate", "framesDiscarded", "ticks", "ticksLate", "framesSkipped", "rooms", "parties"] as const) sum[key] += s[key];
      for (const r of DROP_REASONS) sum.dropped[r] += s.dropped[r];
      s.latencyMs.forEach((n, i) => (sum.latencyMs[i] = (sum.latencyMs[i] ?? 0) + n));
    }
    return sum;
  }

  /** Closes every room and stops the workers. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await Promise.all([...this.rooms.values()].map((room) => room.close().catch(() => undefined)));
    await Promise.all(this.workers.map((w) => w.stop()));
  }

  /** Workers' indexes and whether each runs (for the status view and tests). */
  workerStates(): Array<{ index: number; alive: boolean; parties: number }> {
    return this.workers.map((w) => ({ index: w.index, alive: w.alive, parties: w.parties }));
  }

  /** A worker's refusal as the contract's coded error. */
  refusal(err: unknown, subject: string): TandemError {
    if (!(err instanceof WorkerReplyError)) return McuErrors.wrongState(this.name, subject, (err as Error).message);
    switch (err.failure) {
      case "down":
        return McuErrors.down(this.name, err.message);
      case "unknown-room":
        return McuErrors.unknownRoom(this.name, subject);
      case "unknown-party":
        return McuErrors.unknownParty(this.name, err.message, subject);
      case "play":
        return McuErrors.playFailed(this.name, subject, err.message);
      case "record":
        return McuErrors.recordFailed(this.name, subject, err.message);
      case "port-in-use":
      case "bind":
        return McuErrors.portsExhausted(this.name, `${this.ports.describe()} (${err.message})`);
      case "wrong-state":
        return McuErrors.wrongState(this.name, subject, err.message);
    }
  }

  /** Called by a room once it is closed. */
  roomEnded(room: EngineRoom): void {
    this.rooms.delete(room.id);
  }

  emit(event: McuEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.log?.warn({ err, event: event.type }, "an MCU event listener threw");
      }
    }
  }

  private onWorkerEvent(event: WorkerEvent): void {
    const room = this.rooms.get(event.roomId);
    if (event.type === "playback-ended") return room?.playbackEnded(event.playbackId);
    if (!room) return;
    this.emit(event);
  }

  private onWorkerLost(client: MixerWorkerClient, reason: string): void {
    const lost = [...this.rooms.values()].filter((room) => room.worker === client);
    const error = EngineErrors.workerLost(client.index, reason, lost.length);
    this.log?.warn({ code: error.code, worker: client.index }, error.message);
    for (const room of lost) {
      room.lost();
      this.emit({ type: "room-lost", roomId: room.id, reason: error.message });
    }
    client.parties = 0;
    const health = this.health();
    if (health.status !== this.lastStatus) {
      this.lastStatus = health.status;
      this.emit({ type: "health", health });
    }
  }
}
