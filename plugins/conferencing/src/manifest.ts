/** The conferencing plugin's manifest and config schema (defaults applied by the host). */
import type { PluginManifest } from "@tandem/sdk";

/** `plugins.conferencing` after validation and defaults. */
export interface ConferencingConfig {
  /**
   * When the last agent leaves a conference, the parties left (the customer and an outside party) go on talking
   * instead of being released.
   */
  keepWithoutAgent: boolean;
  /** How long RequestSingleStepConference waits for the added party to answer, ms. */
  singleStepAnswerMs: number;
}

export const CONFERENCING_DEFAULTS: ConferencingConfig = { keepWithoutAgent: false, singleStepAnswerMs: 60_000 };

export const manifest: PluginManifest = {
  name: "conferencing",
  version: "0.1.0",
  sdk: "^0.1.0",
  description: "T-Library conference requests (initiate, complete, single-step, delete, merge) on rooms of the media plugin",
  dependsOn: ["media"],
  configSchema: {
    type: "object",
    additionalProperties: false,
    properties: {
      keepWithoutAgent: {
        type: "boolean",
        default: CONFERENCING_DEFAULTS.keepWithoutAgent,
        description: "Keep the remaining parties connected when the last agent leaves a conference (default: release them)",
      },
      singleStepAnswerMs: {
        type: "integer",
        minimum: 1000,
        maximum: 600000,
        default: CONFERENCING_DEFAULTS.singleStepAnswerMs,
        description: "How long RequestSingleStepConference waits for the added party to answer, ms",
      },
    },
  },
};

/** The config with defaults for anything missing (a host applies them already; tests may not). */
export function withDefaults(config: Partial<ConferencingConfig> | undefined): ConferencingConfig {
  return { ...CONFERENCING_DEFAULTS, ...(config ?? {}) };
}
