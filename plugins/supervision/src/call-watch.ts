/**
 * The agents' calls as the bus reports them: an agent's EventEstablished starts a waiting monitoring's join (the
 * next routed call; the queue is the call's DNIS, the routing point it came through), the agent's EventReleased
 * ends a supervisor's stay with scope `agent`, and EventAgentLogout of either DN cancels the monitoring.
 */
import type { EventBus, TandemEvent, Unsubscribe } from "@tandem/sdk";
import type { SupervisionService } from "./supervision-service.js";

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

export function watchAgentCalls(bus: EventBus, service: SupervisionService): Unsubscribe {
  const established = (e: TandemEvent): void => {
    if (!e.dn || !e.connId || service.monitorings.ofAgent(e.dn).length === 0) return;
    const dnsOnCall = Array.isArray(e.data["dns"]) ? e.data["dns"].filter((d): d is string => typeof d === "string") : [];
    service.agentCallEstablished(e.dn, e.connId, text(e.data["dnis"]), dnsOnCall);
  };
  const released = (e: TandemEvent): void => {
    if (e.dn && e.connId) service.agentLeftCall(e.dn, e.connId);
  };
  const logout = (e: TandemEvent): void => {
    if (e.dn) service.loggedOut(e.dn);
  };
  const stops = [bus.on("EventEstablished", established), bus.on("EventReleased", released), bus.on("EventAgentLogout", logout)];
  return () => {
    for (const stop of stops) stop();
  };
}
