/** Coded errors of the metrics registry (`docs/errors.md`, `## metrics`). */
import { defineError } from "@tandem/sdk";

export const MetricsErrors = {
  name: defineError("TANDEM_ERR_METRICS_NAME", "metric name %s is invalid: use [a-zA-Z_][a-zA-Z0-9_]*"),
  conflict: defineError("TANDEM_ERR_METRICS_CONFLICT", "metric %s is already registered as a %s"),
} as const;
