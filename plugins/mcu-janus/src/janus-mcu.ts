/**
 * The Janus AudioBridge MCU adapter. Janus mixes; this side only holds the session, makes rooms and plain-RTP
 * participants through the AudioBridge API, and writes the SDP Janus does not. The session is kept alive and
 * watched: a failed keepalive or a lost socket makes the adapter `down` (every room reported `room-lost`, since
 * Janus ends a lost session's participants) until a new session is made.
 */
import { McuErrors, mcuMissing, type McuAdapter, type McuCapabilities, type McuEvent, type McuHealth, type McuRoom, type McuRoomRequest } from "@tandem/sdk";
import { AUDIOBRIDGE, JanusClient } from "./janus-client.js";
import { JanusRoom } from "./janus-room.js";
import { JanusErrors } from "./errors.js";
import type { JanusMcuConfig } from "./manifest.js";

/** Where the adapter tells of problems (the plugin's logger). */
export interface JanusLog {
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

export class JanusMcu implements McuAdapter {
  readonly capabilities: McuCapabilities;
  private client: JanusClient | undefined;
  /** The handle that makes and destroys rooms, mutes and records (participants have their own). */
  private controlHandle = 0;
  private readonly rooms = new Map<string, JanusRoom>();
  /** Rooms of a lost session: AudioBridge rooms outlive the session that made them, so the next one destroys them. */
  private readonly orphans = new Set<string>();
  private readonly listeners = new Set<(event: McuEvent) => void>();
  private downDetail: string | undefined = "not connected";
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closing = false;

  private constructor(
    readonly name: string,
    readonly config: JanusMcuConfig,
    private readonly log: JanusLog | undefined,
  ) {
    // What AudioBridge with plain-RTP participants can do, and no more: no per-listener mixes (whisper), only
    // .opus files to play (no WAV, no URL), one mono WAV mix per room that cannot pause, and nothing said of a
    // plain-RTP party's DTMF or of its media stopping. A plain-RTP participant's socket is connected to the
    // address given at its join and cannot be moved, so the adapter can neither join without the party's offer
    // nor make a fresh offer to a party that may answer with a new address.
    this.capabilities = {
      codecs: ["PCMU", "PCMA"],
      modes: ["speak-listen", "listen-only"],
      telephoneEvents: false,
      record: { layouts: ["mono"], pause: false, formats: ["wav"] },
      play: null,
      limits: { rooms: config.maxRooms, partiesPerRoom: config.maxPartiesPerRoom },
      offerlessJoin: false,
      freshOffer: false,
      inactivityReports: false,
    };
  }

  /** Connects to Janus and makes a session; rejects with `TANDEM_ERR_MCU_JANUS_CONNECT` when Janus cannot be reached. */
  static async start(name: string, config: JanusMcuConfig, log?: JanusLog): Promise<JanusMcu> {
    const adapter = new JanusMcu(name, config, log);
    try {
      await adapter.connect();
    } catch (error) {
      throw JanusErrors.connect(name, config.url, (error as Error).message);
    }
    return adapter;
  }

  health(): McuHealth {
    let parties = 0;
    for (const room of this.rooms.values()) parties += room.parties().length;
    const status = this.downDetail === undefined ? "up" : "down";
    return { status, ...(this.downDetail !== undefined ? { detail: this.downDetail } : {}), rooms: this.rooms.size, parties };
  }

  async createRoom(request: McuRoomRequest = {}): Promise<McuRoom> {
    const client = this.client;
    if (this.downDetail !== undefined || !client) throw McuErrors.down(this.name, this.downDetail ?? "not connected");
    const missing = request.needs ? mcuMissing(this.capabilities, request.needs) : [];
    if (missing.length > 0) throw McuErrors.unsupported(this.name, missing.join(", "));
    if (this.rooms.size >= this.config.maxRooms) throw McuErrors.limit(this.name, `${this.config.maxRooms} rooms`);
    const room = await JanusRoom.create({ adapter: this.name, client, controlHandle: this.controlHandle, config: this.config, label: request.label }, (r) => this.rooms.delete(r.id));
    this.rooms.set(room.id, room);
    return room;
  }

  onEvent(listener: (event: McuEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Ends every room and the session. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.keepaliveTimer);
    clearTimeout(this.reconnectTimer);
    await Promise.all([...this.rooms.values()].map((room) => room.close().catch(() => undefined)));
    await this.client?.close();
  }

  private async connect(): Promise<void> {
    const client = await JanusClient.connect(this.config.url, this.config.requestTimeoutMs);
    try {
      this.controlHandle = await client.attach(AUDIOBRIDGE);
    } catch (error) {
      await client.close();
      throw error;
    }
    this.client = client;
    for (const roomId of this.orphans) {
      this.orphans.delete(roomId);
      // A Janus that restarted has no such room any more: its refusal changes nothing.
      client.message(this.controlHandle, { request: "destroy", room: roomId }).catch(() => undefined);
    }
    client.onClose((reason) => this.lost(`Janus connection lost: ${reason}`));
    this.keepaliveTimer = setInterval(() => {
      client.keepalive().catch((error: Error) => this.lost(`Janus keepalive failed: ${error.message}`));
    }, this.config.keepaliveMs);
    this.keepaliveTimer.unref();
    this.setHealth(undefined);
  }

  /** The session is gone: its participants with it, so every room is lost; try again until Janus is back. */
  private lost(detail: string): void {
    if (this.closing || this.downDetail !== undefined) return;
    this.downDetail = detail;
    clearInterval(this.keepaliveTimer);
    const client = this.client;
    this.client = undefined;
    client?.abort(detail);
    for (const room of [...this.rooms.values()]) {
      room.abandon();
      this.orphans.add(room.id);
      this.emit({ type: "room-lost", roomId: room.id, reason: detail });
    }
    this.rooms.clear();
    this.log?.warn({ adapter: this.name, url: this.config.url, detail }, "Janus MCU down");
    this.setHealth(detail);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.reconnectTimer = setTimeout(() => {
      this.connect().then(
        () => this.log?.info({ adapter: this.name, url: this.config.url }, "Janus MCU up again"),
        () => (this.closing ? undefined : this.scheduleReconnect()),
      );
    }, this.config.reconnectMs);
    this.reconnectTimer.unref();
  }

  private setHealth(detail: string | undefined): void {
    this.downDetail = detail;
    this.emit({ type: "health", health: this.health() });
  }

  private emit(event: McuEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
