/** The routing plugin's manifest. */
import type { PluginManifest } from "@tandem/sdk";
import { ROUTING_CONFIG_SCHEMA } from "./routing-config.js";

export const manifest: PluginManifest = {
  name: "routing",
  version: "0.1.0",
  sdk: "^0.1.0",
  description: "Queues at Routing Points, longest-idle agent selection, ring-no-answer requeue, queue time-out and overflow",
  configSchema: ROUTING_CONFIG_SCHEMA,
  // The `queues` DN option (a list of queue names; the first is used) is a core option, validated by the core.
  dnOptions: {
    skills: { type: "array", items: { type: "string", minLength: 1 }, description: "Skills of an agent DN, matched against a queue's `skills`" },
  },
};
