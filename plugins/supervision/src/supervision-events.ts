/**
 * The events of supervision, each to the supervisor's DN and the agent's DN (the customer is never told):
 * EventMonitoringNextCall, EventMonitoringCancelled, EventPartyAdded / EventPartyDeleted when the supervisor
 * joins or leaves a call, and EventPrivateInfo `privateEventId` 4024 with `MonitorMode` on a mode switch (as
 * Genesys SIP Server reports it).
 */
import { MONITOR_MODE_PRIVATE_EVENT, type EventBus, type EventData, type EventName } from "@tandem/sdk";
import type { Monitoring } from "./monitorings.js";

export type CancelCause = "request" | "logout" | "call-ended" | "agent-left" | "supervisor-left" | "join-failed";

export class SupervisionEvents {
  constructor(private readonly bus: EventBus) {}

  monitoringNextCall(m: Monitoring, referenceId?: string): void {
    this.both("EventMonitoringNextCall", m, referenceId, {});
  }

  cancelled(m: Monitoring, cause: CancelCause, referenceId?: string): void {
    this.both("EventMonitoringCancelled", m, referenceId, { cause });
  }

  partyAdded(m: Monitoring, connId: string, referenceId?: string): void {
    this.both("EventPartyAdded", m, referenceId, { otherDn: m.supervisorDn, addedBy: m.supervisorDn }, connId);
  }

  partyDeleted(m: Monitoring, connId: string, cause: CancelCause, referenceId?: string): void {
    this.both("EventPartyDeleted", m, referenceId, { otherDn: m.supervisorDn, cause }, connId);
  }

  modeChanged(m: Monitoring, previous: string, referenceId: string): void {
    this.both("EventPrivateInfo", m, referenceId, { privateEventId: MONITOR_MODE_PRIVATE_EVENT, MonitorMode: m.mode, previousMode: previous });
  }

  private both(name: EventName, m: Monitoring, referenceId: string | undefined, extra: EventData, connId = m.connId): void {
    for (const dn of [m.supervisorDn, m.agentDn]) {
      this.bus.emit(name, {
        dn,
        ...(connId ? { connId } : {}),
        source: m.source,
        ...(referenceId ? { referenceId } : {}),
        data: {
          thisDn: dn,
          supervisorDn: m.supervisorDn,
          agentDn: m.agentDn,
          monitorType: m.monitorType,
          MonitorScope: m.scope,
          MonitorMode: m.mode,
          ...extra,
        },
      });
    }
  }
}
