/**
 * Supervision requests: mapped one to one onto {@link SupervisionControl}, found through the `supervision.control`
 * extension point at request time (as conference requests find `conferencing.control`). The desktop says who
 * asks — whether the token is marked `supervisor: true` — and the supervision plugin decides the rest (teams,
 * one supervisor per agent, mode rules). Without a provider the requests are answered with
 * TANDEM_ERR_DESKTOP_NOT_IMPLEMENTED.
 */
import type { MonitoringInfo, SupervisionControl, SupervisionRequester } from "@tandem/sdk";
import { DesktopErrors } from "./errors.js";
import type { DnRequest, SupervisionRequestName } from "./protocol.js";
import type { DesktopPrincipal } from "./token-auth.js";

/** Calls the verb that `request` names; resolves with the monitoring it leaves (none after a cancel). */
export async function dispatchSupervision(
  control: SupervisionControl,
  name: SupervisionRequestName,
  request: DnRequest,
  principal: DesktopPrincipal,
): Promise<MonitoringInfo | undefined> {
  const requester: SupervisionRequester = { source: "desktop", principal: principal.name, supervisor: principal.supervisor };
  const base = { dn: request.dn, referenceId: request.referenceId, requester };
  const coach = request.monitorMode === "coach" ? { mode: "coach" as const } : {};
  switch (name) {
    case "RequestMonitorNextCall": {
      if (typeof request.otherDn !== "string") throw DesktopErrors.requestInvalid(name, "must have required property 'otherDn'");
      return control.monitorNextCall({
        ...base,
        agentDn: request.otherDn,
        ...(request.monitorType ? { monitorType: request.monitorType } : {}),
        ...(request.monitorMode ? { mode: request.monitorMode } : {}),
        ...(request.monitorScope ? { scope: request.monitorScope } : {}),
      });
    }
    case "RequestCancelMonitoring":
      await control.cancelMonitoring(base);
      return undefined;
    case "RequestSetMuteOn":
      return control.setMuteOn({ ...base, ...coach });
    case "RequestSetMuteOff":
      return control.setMuteOff({ ...base, ...coach });
  }
}
