/** The plugin's configuration (`plugins.routing`) and the schema the host validates it with. */

/** Where a call goes when its queue times out (or has nobody logged in, with `whenNoAgents: "overflow"`). */
export interface OverflowTarget {
  /** Another queue of this plugin. */
  queue?: string;
  /** Any DN (agent, Routing Point, external number through the trunk). */
  dn?: string;
}

export interface QueueConfig {
  /** Agent DNs of the queue's group. */
  agents: string[];
  /** Skills an agent needs (all of them, from its DN's `skills` option) to take this queue's calls. */
  skills?: string[];
  /** Ring-no-answer time-out of a delivery from this queue, ms (default: the core's). */
  ringTimeoutMs?: number;
  /** Reason code of the agent's NotReady after a ring-no-answer (default: the core's). */
  noAnswerReason?: string;
  /** Longest a call waits in this queue, ms; 0 = no limit. */
  timeoutMs: number;
  overflow?: OverflowTarget;
  /** When no agent of the group is logged in at all: keep queueing, refuse (`rejectStatus`), or overflow now. */
  whenNoAgents: "queue" | "reject" | "overflow";
  /** SIP status for refused calls (queue time-out without overflow, `whenNoAgents: "reject"`). */
  rejectStatus: number;
}

export interface RoutingPointConfig {
  queue: string;
  priority?: number;
}

export interface RoutingConfig {
  queues: Record<string, QueueConfig>;
  /** Routing Point DN → queue; a Routing Point DN's own `queues` option does the same. */
  routingPoints: Record<string, RoutingPointConfig>;
  /** Period of the watchdog that redistributes waiting calls even when no event came, ms. */
  dispatchIntervalMs: number;
}

export const ROUTING_CONFIG_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    queues: {
      type: "object",
      default: {},
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        required: ["agents"],
        properties: {
          agents: { type: "array", items: { type: "string", minLength: 1 } },
          skills: { type: "array", items: { type: "string", minLength: 1 } },
          ringTimeoutMs: { type: "integer", minimum: 1000 },
          noAnswerReason: { type: "string", minLength: 1 },
          timeoutMs: { type: "integer", minimum: 0, default: 0 },
          overflow: {
            type: "object",
            additionalProperties: false,
            minProperties: 1,
            maxProperties: 1,
            properties: { queue: { type: "string" }, dn: { type: "string" } },
          },
          whenNoAgents: { enum: ["queue", "reject", "overflow"], default: "queue" },
          rejectStatus: { type: "integer", minimum: 400, maximum: 699, default: 480 },
        },
      },
    },
    routingPoints: {
      type: "object",
      default: {},
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        required: ["queue"],
        properties: { queue: { type: "string" }, priority: { type: "integer" } },
      },
    },
    dispatchIntervalMs: { type: "integer", minimum: 50, default: 1000 },
  },
} as const;

/** Fills the defaults ajv would apply, for callers that skip validation (unit tests). */
export function withDefaults(
  config: Partial<Omit<RoutingConfig, "queues">> & { queues?: Record<string, Partial<QueueConfig>> },
): RoutingConfig {
  const queues: Record<string, QueueConfig> = {};
  for (const [name, q] of Object.entries(config.queues ?? {})) {
    queues[name] = { agents: [], timeoutMs: 0, whenNoAgents: "queue", rejectStatus: 480, ...q };
  }
  return { routingPoints: config.routingPoints ?? {}, dispatchIntervalMs: config.dispatchIntervalMs ?? 1000, queues };
}
