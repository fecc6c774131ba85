/**
 * The template MCU adapter: the contract's side of an adapter — declared capabilities, refusals with the
 * contract's coded errors, limits, health and reports — around a {@link MixerBackend} that does the mixing.
 * Declared: PCMU, speak-listen and listen-only, no recording, no playing, no telephone-events. Asking for more
 * is refused with `TANDEM_ERR_MCU_UNSUPPORTED`, never quietly downgraded.
 */
import { randomUUID } from "node:crypto";
import { McuErrors, mcuMissing, type McuAdapter, type McuCapabilities, type McuEvent, type McuHealth, type McuRoom, type McuRoomRequest } from "@tandem/sdk";
import type { TemplateMcuConfig } from "./manifest.js";
import type { MixerBackend } from "./mixer-backend.js";
import { TemplateRoom } from "./template-room.js";

/** How often parties are checked for stopped media. */
const INACTIVITY_CHECK_MS = 100;

export class TemplateMcu implements McuAdapter {
  readonly capabilities: McuCapabilities;
  private readonly rooms = new Map<string, TemplateRoom>();
  private readonly listeners = new Set<(event: McuEvent) => void>();
  private downDetail: string | undefined;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    readonly name: string,
    private readonly backend: MixerBackend,
    private readonly config: TemplateMcuConfig,
  ) {
    this.capabilities = {
      codecs: ["PCMU"],
      modes: ["speak-listen", "listen-only"],
      telephoneEvents: false,
      record: null,
      play: null,
      limits: { rooms: config.maxRooms, partiesPerRoom: config.maxPartiesPerRoom },
      offerlessJoin: true,
      freshOffer: true,
      inactivityReports: true,
    };
    this.timers.push(setInterval(() => this.checkInactivity(), INACTIVITY_CHECK_MS), setInterval(() => this.checkHealth(), config.healthIntervalMs));
    for (const timer of this.timers) timer.unref();
  }

  health(): McuHealth {
    let parties = 0;
    for (const room of this.rooms.values()) parties += room.members.size;
    return { status: this.downDetail === undefined ? "up" : "down", ...(this.downDetail !== undefined ? { detail: this.downDetail } : {}), rooms: this.rooms.size, parties };
  }

  async createRoom(request: McuRoomRequest = {}): Promise<McuRoom> {
    if (this.downDetail !== undefined) throw McuErrors.down(this.name, this.downDetail);
    const missing = request.needs ? mcuMissing(this.capabilities, request.needs) : [];
    if (missing.length > 0) throw McuErrors.unsupported(this.name, missing.join(", "));
    if (this.rooms.size >= this.config.maxRooms) throw McuErrors.limit(this.name, `${this.config.maxRooms} rooms`);
    const id = randomUUID();
    await this.backend.createRoom(id);
    const room = new TemplateRoom(id, this.name, this.backend, this.config, (r) => this.rooms.delete(r.id));
    this.rooms.set(id, room);
    return room;
  }

  onEvent(listener: (event: McuEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await Promise.all([...this.rooms.values()].map((room) => room.close()));
    await this.backend.close();
  }

  /** One `party-inactive` per silence: reported after `inactivityMs` without RTP, again only after media came back. */
  private checkInactivity(): void {
    const now = Date.now();
    for (const room of this.rooms.values()) {
      for (const party of room.members.values()) {
        if (party.inactivityMs === undefined) continue;
        const last = this.backend.lastMediaAt(room.id, party.id) ?? party.joinedAt;
        const silentMs = now - last;
        if (silentMs < party.inactivityMs) party.inactiveReported = false;
        else if (!party.inactiveReported) {
          party.inactiveReported = true;
          this.emit({ type: "party-inactive", roomId: room.id, partyId: party.id, inactiveMs: silentMs });
        }
      }
    }
  }

  /** Probes the backend; a change of status is reported as a `health` event. */
  private checkHealth(): void {
    this.backend.probe().then(
      () => this.setDown(undefined),
      (error: Error) => this.setDown(`the MCU does not answer: ${error.message}`),
    );
  }

  private setDown(detail: string | undefined): void {
    if (detail === this.downDetail) return;
    this.downDetail = detail;
    this.emit({ type: "health", health: this.health() });
  }

  private emit(event: McuEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
