/**
 * `GET /api/v1/calls` (active calls) and `GET /api/v1/calls/history` (records, newest first, with filters), added
 * through the SDK's route registration as a plugin adds its own (root routes under `/calls`): the admin server
 * mounts them behind its auth, validates the query, and feeds the schemas to the OpenAPI document.
 */
import type { PluginHttp, PluginHttpRequest } from "@tandem/sdk";
import type { CallHistoryFilter, CallRecord, CallSnapshot } from "./call-types.js";
import { CallState } from "./call-types.js";
import { CallErrors } from "./errors.js";

const OUTCOMES = ["answered", "abandoned", "rejected", "failed", "lost"] as const;
const STATES = Object.values(CallState);
const str = { type: "string" } as const;
const int = { type: "integer" } as const;
const userData = { type: "object", additionalProperties: true } as const;

const partySchema = {
  type: "object",
  required: ["role", "dn", "since"],
  properties: { role: str, dn: str, since: str, until: str },
} as const;

const snapshotSchema = {
  type: "object",
  required: ["connId", "state", "dnis", "entryDn", "startedAt", "parties", "userData"],
  properties: {
    connId: str, state: { enum: STATES }, ani: str, dnis: str, entryDn: str, agentDn: str, queue: str,
    startedAt: str, answeredAt: str, parties: { type: "array", items: partySchema }, userData,
  },
} as const;

const legSchema = {
  type: "object",
  required: ["role", "sipCallId", "direction", "startedAt"],
  properties: {
    role: str, dn: str, sipCallId: str, direction: str, startedAt: str, answeredAt: str, endedAt: str,
    status: int, endedBy: str,
  },
} as const;

const recordSchema = {
  type: "object",
  required: ["connId", "state", "dnis", "entryDn", "startedAt", "userData", "legs"],
  properties: {
    connId: str, state: { enum: [...STATES] }, outcome: { enum: OUTCOMES }, ani: str, dnis: str, entryDn: str,
    agentDn: str, queue: str, startedAt: str, answeredAt: str, endedAt: str, queueWaitMs: int, releasedBy: str,
    rejectStatus: int, userData, legs: { type: "array", items: legSchema },
  },
} as const;

const historyQuery = {
  type: "object",
  additionalProperties: false,
  properties: {
    from: { type: "string", description: "ISO time; calls that started at or after it" },
    to: { type: "string", description: "ISO time; calls that started before it" },
    agentDn: str, ani: str, dnis: str, entryDn: str,
    outcome: { enum: OUTCOMES },
    limit: { type: "integer", minimum: 1, maximum: 1000, default: 100 },
    offset: { type: "integer", minimum: 0, default: 0 },
  },
} as const;


export interface CallQueries {
  active(): CallSnapshot[];
  history(filter: CallHistoryFilter): CallRecord[];
}

/** Where the routes below mount (`manifest.apiPaths` of a plugin). */
export const CALL_API_PATHS = ["/calls"] as const;

export function registerCallRoutes(http: PluginHttp, calls: CallQueries): void {
  http.route({
    method: "GET",
    path: "/calls",
    root: true,
    schema: {
      summary: "Calls in progress",
      response: { 200: { type: "object", required: ["calls"], properties: { calls: { type: "array", items: snapshotSchema } } } },
    },
    handler: () => ({ calls: calls.active() }),
  });
  http.route({
    method: "GET",
    path: "/calls/history",
    root: true,
    schema: {
      summary: "Call records, newest first",
      querystring: historyQuery,
      response: {
        200: { type: "object", required: ["calls"], properties: { calls: { type: "array", items: recordSchema } } },
      },
    },
    handler: (request) => ({ calls: calls.history(historyFilter(request as PluginHttpRequest<unknown, CallHistoryFilter>)) }),
  });
}

/** The validated query as a filter, its times made ISO UTC (thrown errors take the admin server's one error format). */
function historyFilter(request: PluginHttpRequest<unknown, CallHistoryFilter>): CallHistoryFilter {
  for (const key of ["from", "to"] as const) {
    const value = request.query[key];
    if (value !== undefined && Number.isNaN(Date.parse(value))) throw CallErrors.badFilter(`${key} is not an ISO time: ${value}`);
  }
  const filter: CallHistoryFilter = { ...request.query };
  for (const key of ["from", "to"] as const) {
    const value = filter[key];
    if (value !== undefined) filter[key] = new Date(value).toISOString();
  }
  return filter;
}
