/** The event log over HTTP: pages as JSON, and a resumable live stream (SSE). */
import type { FastifyInstance } from "fastify";
import type { AdminDeps } from "../admin-deps.js";
import { errors, eventSchema } from "../schemas.js";
import { SseStream, streamStart } from "../sse-stream.js";

const seqQuery = { type: "integer", minimum: 0, description: "return events with seq greater than this" } as const;

export function eventRoutes(api: FastifyInstance, deps: AdminDeps, streams: Set<SseStream>): void {
  const tags = ["events"];

  api.get<{ Querystring: { after: number; limit: number } }>(
    "/events",
    {
      schema: {
        summary: "Events after a seq, oldest first (page with next = the last seq returned)",
        tags,
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { after: { ...seqQuery, default: 0 }, limit: { type: "integer", minimum: 1, maximum: 1000, default: 100 } },
        },
        response: {
          200: {
            type: "object",
            required: ["events", "next", "lastSeq"],
            properties: { events: { type: "array", items: eventSchema }, next: { type: "integer" }, lastSeq: { type: "integer" } },
          },
          ...errors(400),
        },
      },
    },
    async (req) => {
      const events = deps.bus.since(req.query.after, req.query.limit);
      return { events, next: events[events.length - 1]?.seq ?? req.query.after, lastSeq: deps.bus.lastSeq() };
    },
  );

  api.get<{ Querystring: { after?: number } }>(
    "/events/stream",
    {
      schema: {
        summary: "Live events as Server-Sent Events; resumes after ?after= or the Last-Event-ID header (default: new events only)",
        tags,
        querystring: { type: "object", additionalProperties: false, properties: { after: seqQuery } },
        headers: { type: "object", properties: { "last-event-id": { type: "string", pattern: "^\\s*\\d+\\s*$" } } },
        response: {
          200: { description: "text/event-stream: `id: <seq>` and `data: <event JSON>` per event", content: { "text/event-stream": { schema: { type: "string" } } } },
          ...errors(400),
        },
      },
    },
    (req, reply) => {
      const after = streamStart(req.headers["last-event-id"], req.query.after, deps.bus.lastSeq());
      reply.hijack();
      const stream = new SseStream(reply.raw, { bus: deps.bus, logger: deps.logger, after, heartbeatMs: deps.config.sseHeartbeatMs ?? 15_000 });
      streams.add(stream);
      reply.raw.on("close", () => streams.delete(stream));
    },
  );
}
