/**
 * @tandem/plugin-routing — the built-in routing strategy (the URS/ORS stand-in) on the `routeCall` hook.
 * Other strategies can tap `routeCall` with a lower `order` and answer first; calls they leave (null) come here.
 */
import { definePlugin, routeCall } from "@tandem/sdk";
import { manifest } from "./manifest.js";
import { Router } from "./router.js";
import { withDefaults, type RoutingConfig } from "./routing-config.js";

export { manifest } from "./manifest.js";
export { Router, type QueueStats, type RouterDeps } from "./router.js";
export { CallQueue, compareEntries, type QueueEntry } from "./call-queue.js";
export { availableAgents, anyLoggedIn } from "./agent-selection.js";
export { withDefaults, ROUTING_CONFIG_SCHEMA, type RoutingConfig, type QueueConfig } from "./routing-config.js";
export { RoutingErrors } from "./errors.js";

export default definePlugin<RoutingConfig>({
  manifest,
  register(ctx) {
    const router = new Router({ dns: ctx.dns, bus: ctx.bus, log: ctx.log, config: withDefaults(ctx.config) });
    ctx.hooks.tap(routeCall, (request) => router.route(request), { order: 100 });
    ctx.http.route({
      method: "GET",
      path: "/queues",
      schema: {
        summary: "Waiting calls and Ready agents per queue",
        response: {
          200: {
            type: "object",
            properties: {
              queues: {
                type: "array",
                items: {
                  type: "object",
                  properties: {
                    name: { type: "string" },
                    waiting: { type: "integer" },
                    readyAgents: { type: "integer" },
                    oldestWaitMs: { type: "integer" },
                  },
                },
              },
            },
          },
        },
      },
      handler: () => ({ queues: router.stats() }),
    });
    ctx.metrics.gauge({
      name: "queue_waiting",
      help: "Calls waiting in each queue",
      labelNames: ["queue"],
      collect: () => router.stats().map((q) => ({ labels: { queue: q.name }, value: q.waiting })),
    });
    ctx.metrics.gauge({
      name: "queue_ready_agents",
      help: "Ready agents (with the queue's skills) per queue",
      labelNames: ["queue"],
      collect: () => router.stats().map((q) => ({ labels: { queue: q.name }, value: q.readyAgents })),
    });
    router.start();
    ctx.onClose(() => router.stop());
  },
});
