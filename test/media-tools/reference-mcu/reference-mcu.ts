/**
 * A deliberately small MCU adapter for testing the conformance kit itself: a G.711 mixer in the test process
 * on 127.0.0.1. Its capabilities are chosen per test, and knobs make it wrong on purpose (a listen-only party
 * still heard, a slow mode change, a port kept after leave, no inactivity reports, a fresh offer's answer
 * ignored) so the tests can show the
 * kit catches each.
 */
import { mcuMissing, McuErrors, type McuAdapter, type McuCapabilities, type McuEvent, type McuHealth, type McuPartyMode, type McuRoom, type McuRoomRequest } from "@tandem/sdk";
import type { ReferenceParty } from "./reference-party.js";
import { ReferenceRoom } from "./reference-room.js";

const NAME = "reference";

export const FULL_CAPABILITIES: McuCapabilities = {
  codecs: ["PCMU", "PCMA"],
  modes: ["speak-listen", "listen-only", "whisper"],
  telephoneEvents: true,
  record: { layouts: ["mono", "two-channel"], pause: true, formats: ["wav"] },
  play: { schemes: ["file"], formats: ["wav"], loop: true },
  limits: { rooms: 4, partiesPerRoom: 4 },
  offerlessJoin: true,
  freshOffer: true,
  inactivityReports: true,
};

export interface ReferenceMcuOptions {
  capabilities?: McuCapabilities;
  leakListenOnly?: boolean;
  modeSwitchDelayMs?: number;
  leakPortOnLeave?: boolean;
  /** Never reports a party inactive. */
  noInactivityReports?: boolean;
  /** Keeps sending to a party's old address after its answer to a fresh offer moved it. */
  ignoreFreshAnswer?: boolean;
  /** Its parties have no offer(), whatever the capabilities say. */
  omitOffer?: boolean;
}

export class ReferenceMcu implements McuAdapter {
  readonly name = NAME;
  readonly capabilities: McuCapabilities;
  private readonly rooms = new Set<ReferenceRoom>();
  /** Parties whose sockets `leakPortOnLeave` kept open, closed on dispose. */
  readonly leaked: ReferenceParty[] = [];
  private readonly timer: NodeJS.Timeout;
  private ticks = 0;
  private readonly startedAt = performance.now();

  constructor(readonly options: ReferenceMcuOptions = {}) {
    this.capabilities = options.capabilities ?? FULL_CAPABILITIES;
    // Runs every mix step that fell due, so the output keeps real time when the event loop was busy.
    this.timer = setInterval(() => {
      while (this.ticks < Math.floor((performance.now() - this.startedAt) / 20)) {
        this.ticks++;
        for (const room of this.rooms) room.tick();
      }
    }, 5);
  }

  health(): McuHealth {
    const parties = [...this.rooms].reduce((n, r) => n + r.members.size, 0);
    return { status: "up", rooms: this.rooms.size, parties };
  }

  async createRoom(request: McuRoomRequest = {}): Promise<McuRoom> {
    const missing = request.needs ? mcuMissing(this.capabilities, request.needs) : [];
    if (missing.length > 0) throw McuErrors.unsupported(NAME, missing.join(", "));
    if (this.rooms.size >= this.capabilities.limits.rooms) throw McuErrors.limit(NAME, `${this.capabilities.limits.rooms} rooms`);
    const room = new ReferenceRoom(this);
    this.rooms.add(room);
    return room;
  }

  private readonly listeners = new Set<(event: McuEvent) => void>();

  onEvent(listener: (event: McuEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  report(event: McuEvent): void {
    if (event.type === "party-inactive" && this.options.noInactivityReports) return;
    for (const listener of this.listeners) listener(event);
  }

  checkMode(mode: McuPartyMode): void {
    if (!this.capabilities.modes.includes(mode.mode)) throw McuErrors.unsupported(NAME, `mode ${mode.mode}`);
  }

  forget(room: ReferenceRoom): void {
    this.rooms.delete(room);
  }

  async dispose(): Promise<void> {
    for (const room of [...this.rooms]) await room.close();
    clearInterval(this.timer);
    await Promise.all(this.leaked.map((p) => p.close()));
  }
}
