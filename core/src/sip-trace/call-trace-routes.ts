/**
 * `GET /api/v1/calls/{connId}/trace`: what the dashboard's call detail shows — the call's legs, the SIP
 * messages of their Call-IDs from the trace (the ladder) and the call's events from the log (the timeline).
 * The SIP layer never learns of calls: the legs in the call records map the ConnID to its Call-IDs here.
 */
import type { FastifyInstance } from "fastify";
import type { CallRecord } from "../calls/index.js";
import { eventSchema } from "../admin/schemas.js";
import type { CallTimeline } from "./call-timeline.js";
import { TraceErrors } from "./errors.js";
import type { SipTraceStore } from "./sip-trace-store.js";

const str = { type: "string" } as const;
const int = { type: "integer" } as const;

const messageSchema = {
  type: "object",
  required: ["at", "atMs", "direction", "sipCallId", "peer", "label", "method", "text"],
  properties: {
    at: str, atMs: int, direction: { enum: ["in", "out"] }, sipCallId: str, peer: { ...str, description: "transport:address:port of the peer" },
    label: { ...str, description: "request method, or status code and reason of a response" }, method: str, status: int,
    text: { ...str, description: "the whole message as sent or received (headers only when sipTrace.includeBodies is false)" },
  },
} as const;

const callSchema = {
  type: "object",
  required: ["connId", "state", "dnis", "entryDn", "startedAt"],
  properties: {
    connId: str, state: str, outcome: str, ani: str, dnis: str, entryDn: str, agentDn: str, queue: str,
    startedAt: str, answeredAt: str, endedAt: str, queueWaitMs: int, releasedBy: str, rejectStatus: int,
  },
} as const;

const traceSchema = {
  type: "object",
  required: ["connId", "traceEnabled", "call", "legs", "messages", "droppedMessages", "events"],
  properties: {
    connId: str,
    traceEnabled: { type: "boolean" },
    call: callSchema,
    legs: {
      type: "array",
      items: { type: "object", required: ["role", "sipCallId", "direction"], properties: { role: str, dn: str, sipCallId: str, direction: str, status: int } },
    },
    messages: { type: "array", items: messageSchema },
    droppedMessages: { ...int, description: "messages past sipTrace.maxMessagesPerCall, not kept" },
    events: { type: "array", items: eventSchema },
  },
} as const;

export interface CallTraceDeps {
  /** The call (in progress or recorded) with its legs. */
  call(connId: string): CallRecord | undefined;
  store: SipTraceStore;
  timeline: CallTimeline;
  enabled: boolean;
}

export function registerCallTraceRoutes(app: FastifyInstance, deps: CallTraceDeps): void {
  app.get<{ Params: { connId: string } }>(
    "/api/v1/calls/:connId/trace",
    {
      schema: {
        tags: ["calls"],
        summary: "One call's legs, SIP messages (the SIP trace, bounded by the sipTrace section) and event timeline",
        params: { type: "object", required: ["connId"], properties: { connId: { type: "string", minLength: 1, maxLength: 128 } } },
        response: { 200: traceSchema },
      },
    },
    async (request) => {
      const { connId } = request.params;
      const call = deps.call(connId);
      if (call === undefined) throw TraceErrors.unknownCall(connId);
      const legs = call.legs.map((l) => ({ role: l.role, dn: l.dn, sipCallId: l.sipCallId, direction: l.direction, status: l.status }));
      const { messages, dropped } = deps.store.read(legs.map((l) => l.sipCallId));
      const events = deps.timeline.events(connId, call.startedAt, call.endedAt);
      const { legs: _legs, userData: _userData, ...facts } = call;
      return { connId, traceEnabled: deps.enabled, call: facts, legs, messages, droppedMessages: dropped, events };
    },
  );
}
