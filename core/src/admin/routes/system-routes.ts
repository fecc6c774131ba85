/** Plugins and metrics. */
import type { FastifyInstance } from "fastify";
import type { AdminDeps } from "../admin-deps.js";
import { errors, pluginSchema } from "../schemas.js";

export function systemRoutes(api: FastifyInstance, deps: AdminDeps): void {
  api.get(
    "/plugins",
    { schema: { summary: "Enabled plugins and their status", tags: ["system"], response: { 200: { type: "array", items: pluginSchema }, ...errors() } } },
    async () => deps.plugins(),
  );

  api.get(
    "/metrics",
    {
      schema: {
        summary: "Prometheus text exposition",
        tags: ["system"],
        response: { 200: { description: "Prometheus text format", content: { "text/plain": { schema: { type: "string" } } } }, ...errors() },
      },
    },
    async (_req, reply) => reply.type(deps.metrics.contentType).send(await deps.metrics.render()),
  );
}
