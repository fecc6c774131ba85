/**
 * Call events on the bus. Every event carries the ConnID, ANI, DNIS, the DNs the call touched and its user
 * data, so a desktop can show who is calling from any single event (domain.md §5, pain point 5).
 */
import type { CallEventName, EventBus, EventData, TandemError, TandemEvent } from "@tandem/sdk";
import type { Call } from "./call.js";

/** The `source` of events the call model emits. */
export const CALLS_SOURCE = "calls";

export class CallEvents {
  constructor(private readonly bus: EventBus) {}

  /** Emits `name` about `dn` for `call`; `extra` adds event-specific fields (queue, cause, otherDn …). */
  emit(name: CallEventName, call: Call, dn: string, extra: EventData = {}): TandemEvent {
    const data: EventData = {
      ani: call.ani ?? null,
      dnis: call.dnis,
      callType: call.callType,
      state: call.state,
      dns: call.dns(),
      userData: { ...call.userData },
      ...extra,
    };
    // A call-control request in progress (call.request) names itself on the events it causes.
    const request = call.request;
    if (request) return this.bus.emit(name, { dn, connId: call.connId, source: request.source, referenceId: request.referenceId, data });
    return this.bus.emit(name, { dn, connId: call.connId, source: CALLS_SOURCE, data });
  }

  /** EventError about `call` on `dn`: the coded error plus the call's identity, so a desktop can show what failed. */
  error(call: Call, dn: string | undefined, err: TandemError, extra: EventData = {}): TandemEvent {
    const data: EventData = { code: err.code, message: err.message, ani: call.ani ?? null, dnis: call.dnis, ...extra };
    return this.bus.emit("EventError", { ...(dn === undefined ? {} : { dn }), connId: call.connId, source: CALLS_SOURCE, data });
  }
}
