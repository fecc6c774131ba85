/**
 * What the recording row says about a call, as the call events tell it (every call event carries ANI, DNIS, the
 * DNs and the user data): kept per ConnID from the first event on, until the call's last party is released.
 */
import type { EventBus, TandemEvent, Unsubscribe } from "@tandem/sdk";

export interface KnownCall {
  ani: string | null;
  dnis: string | null;
  /** The agent who answered last (EventEstablished's DN). */
  agentDn: string | null;
  /** The queue the call waited in (EventQueued), when it did. */
  queue: string | null;
  userData: Record<string, unknown>;
  /** For a consultation call: the held call it consults from (EventDialing's `heldConnId`). */
  consultOf: string | null;
}

const text = (value: unknown): string | null => (typeof value === "string" ? value : null);

export class CallFacts {
  private readonly calls = new Map<string, KnownCall>();

  get(connId: string): KnownCall | undefined {
    return this.calls.get(connId);
  }

  /** Follows the call events; returns the unsubscribe function. */
  watch(bus: EventBus): Unsubscribe {
    const stops = [
      bus.on("EventDialing", (e) => this.take(e, { consultOf: text(e.data["heldConnId"]) })),
      bus.on("EventQueued", (e) => this.take(e, { queue: text(e.data["queue"]) ?? e.dn ?? null })),
      bus.on("EventEstablished", (e) => this.take(e, { agentDn: e.dn ?? null })),
      bus.on("EventAttachedDataChanged", (e) => this.take(e, {})),
      bus.on("EventPartyAdded", (e) => this.take(e, {})),
      bus.on("EventReleased", (e) => {
        if (!e.connId) return;
        const dns = Array.isArray(e.data["dns"]) ? e.data["dns"] : [];
        const state = text(e.data["state"]);
        // The call is over once the model says so (its state is final) — a conference party leaving is not that.
        if (state === "Released" || state === "Abandoned" || state === "Rejected" || dns.length === 0) this.calls.delete(e.connId);
      }),
    ];
    return () => {
      for (const stop of stops) stop();
    };
  }

  private take(e: TandemEvent, extra: Partial<KnownCall>): void {
    if (!e.connId) return;
    const known = this.calls.get(e.connId) ?? { ani: null, dnis: null, agentDn: null, queue: null, userData: {}, consultOf: null };
    known.ani = text(e.data["ani"]) ?? known.ani;
    known.dnis = text(e.data["dnis"]) ?? known.dnis;
    const userData = e.data["userData"];
    if (userData && typeof userData === "object") known.userData = { ...(userData as Record<string, unknown>) };
    Object.assign(known, Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== null && v !== undefined)));
    this.calls.set(e.connId, known);
  }
}
