/** Coded errors of the routing plugin (`## routing` in docs/errors.md). */
import { defineError } from "@tandem/sdk";

export const RoutingErrors = {
  unknownQueue: defineError("TANDEM_ERR_ROUTING_UNKNOWN_QUEUE", "routing point %s names queue %s, which plugins.routing.queues does not define"),
  queueTimeout: defineError("TANDEM_ERR_ROUTING_QUEUE_TIMEOUT", "call %s waited %s ms in queue %s without an agent", { sipStatus: 480 }),
  noAgents: defineError("TANDEM_ERR_ROUTING_NO_AGENTS", "no agent of queue %s is logged in; call %s refused", { sipStatus: 480 }),
  overflowLoop: defineError("TANDEM_ERR_ROUTING_OVERFLOW_LOOP", "call %s overflowed %s times; last queue %s", { sipStatus: 480 }),
  badQueueOption: defineError("TANDEM_ERR_ROUTING_BAD_QUEUE_OPTION", "DN %s has a queues option that is not a non-empty list of queue names"),
} as const;
