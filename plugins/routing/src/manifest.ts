/** The routing plugin's manifest: its config schema and the DN options it owns and reads (`queues`, `skills`). */
import { dnOption, dnOptionSchemas, type PluginManifest } from "@tandem/sdk";
import { ROUTING_CONFIG_SCHEMA } from "./routing-config.js";

/** RoutingPoint DN option: the queues its calls wait in (the first is used; `routingPoints` in config wins). */
export const DN_OPTION_QUEUES = dnOption.list("queues", "RoutingPoint: queue names its calls wait in (the first is used).");
/** Agent DN option: skills matched against a queue's `skills`. */
export const DN_OPTION_SKILLS = dnOption.list("skills", "Skills of an agent DN, matched against a queue's `skills`");

export const manifest: PluginManifest = {
  name: "routing",
  version: "0.1.0",
  sdk: "^0.1.0",
  description: "Queues at Routing Points, longest-idle agent selection, ring-no-answer requeue, queue time-out and overflow",
  configSchema: ROUTING_CONFIG_SCHEMA,
  dnOptions: dnOptionSchemas([DN_OPTION_QUEUES, DN_OPTION_SKILLS]),
};
