/**
 * The supervision requests for tools, under `/api/v1/plugins/supervision` (admin token): the same rules as from a
 * desktop (teams, one supervisor per agent, mode switches), the admin token standing for a supervisor.
 *
 * - `GET /monitorings`: every monitoring.
 * - `POST /monitorings`: RequestMonitorNextCall `{ supervisorDn, agentDn, monitorType?, mode?, scope? }`.
 * - `DELETE /monitorings/:supervisorDn`: RequestCancelMonitoring.
 * - `POST /monitorings/:supervisorDn/mute-on`, `…/mute-off` `{ mode?: "coach" }`: RequestSetMuteOn / RequestSetMuteOff.
 */
import { randomUUID } from "node:crypto";
import type { PluginHttp, PluginHttpRequest, SupervisionControl, SupervisionRequester } from "@tandem/sdk";

const dn = { type: "string", minLength: 1, maxLength: 32, pattern: "^[0-9A-Za-z*#+._-]+$" };
const modeSchema = { enum: ["mute", "coach", "connect"] };
const monitoringSchema = {
  type: "object",
  required: ["supervisorDn", "agentDn", "monitorType", "scope", "mode", "state", "since"],
  properties: {
    supervisorDn: { type: "string" },
    agentDn: { type: "string" },
    monitorType: { enum: ["one-call", "all-calls"] },
    scope: { enum: ["call", "agent"] },
    mode: modeSchema,
    state: { enum: ["waiting", "active"] },
    connId: { type: "string" },
    since: { type: "string" },
  },
};
const supervisorParams = { type: "object", required: ["supervisorDn"], properties: { supervisorDn: dn } };
const muteBody = { type: "object", additionalProperties: false, properties: { mode: { const: "coach" }, referenceId: { type: "string", maxLength: 128 } } };

interface MonitorBody {
  supervisorDn: string;
  agentDn: string;
  monitorType?: "one-call" | "all-calls";
  mode?: "mute" | "coach" | "connect";
  scope?: "call" | "agent";
  referenceId?: string;
}

function requesterOf(request: PluginHttpRequest): SupervisionRequester {
  return { source: "admin", supervisor: true, ...(request.principal ? { principal: request.principal } : {}) };
}

export function registerSupervisionApi(http: PluginHttp, control: SupervisionControl): void {
  http.route({
    method: "GET",
    path: "/monitorings",
    schema: { summary: "Every monitoring: waiting for the agent's next call, or active on a call", response: { 200: { type: "object", properties: { monitorings: { type: "array", items: monitoringSchema } } } } },
    handler: () => ({ monitorings: control.list() }),
  });
  http.route({
    method: "POST",
    path: "/monitorings",
    schema: {
      summary: "RequestMonitorNextCall: the supervisor's phone joins the agent's call in progress (intrusion) or its next call",
      body: {
        type: "object",
        additionalProperties: false,
        required: ["supervisorDn", "agentDn"],
        properties: { supervisorDn: dn, agentDn: dn, monitorType: { enum: ["one-call", "all-calls"] }, mode: modeSchema, scope: { enum: ["call", "agent"] }, referenceId: { type: "string", maxLength: 128 } },
      },
      response: { 200: monitoringSchema },
    },
    handler: async (request) => {
      const body = request.body as MonitorBody;
      return control.monitorNextCall({
        dn: body.supervisorDn,
        agentDn: body.agentDn,
        referenceId: body.referenceId ?? randomUUID(),
        requester: requesterOf(request),
        ...(body.monitorType ? { monitorType: body.monitorType } : {}),
        ...(body.mode ? { mode: body.mode } : {}),
        ...(body.scope ? { scope: body.scope } : {}),
      });
    },
  });
  http.route({
    method: "DELETE",
    path: "/monitorings/:supervisorDn",
    schema: { summary: "RequestCancelMonitoring: the supervisor leaves the call it is on and stops monitoring", params: supervisorParams, response: { 204: { type: "null" } } },
    handler: async (request) => {
      const { supervisorDn } = request.params as { supervisorDn: string };
      await control.cancelMonitoring({ dn: supervisorDn, referenceId: randomUUID(), requester: requesterOf(request) });
      return { status: 204 };
    },
  });
  for (const [suffix, verb] of [["mute-on", "setMuteOn"], ["mute-off", "setMuteOff"]] as const) {
    http.route({
      method: "POST",
      path: `/monitorings/:supervisorDn/${suffix}`,
      schema: {
        summary: `${verb === "setMuteOn" ? "RequestSetMuteOn: to mute (or from connect to coach with mode coach)" : "RequestSetMuteOff: to connect (or from mute to coach with mode coach)"}`,
        params: supervisorParams,
        body: muteBody,
        response: { 200: monitoringSchema },
      },
      handler: async (request) => {
        const { supervisorDn } = request.params as { supervisorDn: string };
        const body = (request.body ?? {}) as { mode?: "coach"; referenceId?: string };
        return control[verb]({ dn: supervisorDn, referenceId: body.referenceId ?? randomUUID(), requester: requesterOf(request), ...(body.mode ? { mode: body.mode } : {}) });
      },
    });
  }
}
