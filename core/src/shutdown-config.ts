/** The `shutdown` section: how long a graceful stop (SIGTERM, SIGINT) may take before what is left is cut short. */

export interface ShutdownConfig {
  /** Whole graceful stop, in ms; the CLI exits 1 if the process is still stopping shortly after it. */
  deadlineMs: number;
}

export const SHUTDOWN_DEFAULTS: Readonly<ShutdownConfig> = { deadlineMs: 15_000 };

export const SHUTDOWN_CONFIG_SCHEMA = {
  type: "object",
  description: "Graceful shutdown (SIGTERM, SIGINT).",
  default: {},
  properties: {
    deadlineMs: {
      type: "integer",
      minimum: 1000,
      maximum: 600_000,
      default: SHUTDOWN_DEFAULTS.deadlineMs,
      description:
        "How long a graceful stop may take. Answered calls get their BYEs within the first half; whatever is still pending at its step's share is logged and cut short, so the process exits in time.",
    },
  },
  additionalProperties: false,
} as const;
