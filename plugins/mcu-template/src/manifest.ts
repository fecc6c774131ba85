/** The mcu-template plugin's manifest and config schema (defaults applied by the host). */
import type { PluginManifest } from "@tandem/sdk";

/** `plugins.mcu-template` after validation and defaults. */
export interface TemplateMcuConfig {
  /** Address the stand-in mixer's RTP sockets bind to and announce in SDP. */
  address: string;
  maxRooms: number;
  maxPartiesPerRoom: number;
  /** A party sending nothing this long is reported inactive (a join may ask for another value). */
  inactivityMs: number;
  /** How often the MCU is probed for health. */
  healthIntervalMs: number;
}

export const TEMPLATE_MCU_DEFAULTS: TemplateMcuConfig = { address: "127.0.0.1", maxRooms: 20, maxPartiesPerRoom: 8, inactivityMs: 30_000, healthIntervalMs: 5000 };

export const manifest: PluginManifest = {
  name: "mcu-template",
  version: "0.1.0",
  sdk: "^0.1.0",
  dependsOn: ["media"],
  description: "Template MCU adapter (PCMU, speak-listen and listen-only) around an in-process stand-in mixer",
  configSchema: {
    type: "object",
    additionalProperties: false,
    properties: {
      address: { type: "string", minLength: 2, default: TEMPLATE_MCU_DEFAULTS.address },
      maxRooms: { type: "integer", minimum: 1, maximum: 10_000, default: TEMPLATE_MCU_DEFAULTS.maxRooms },
      maxPartiesPerRoom: { type: "integer", minimum: 2, maximum: 1000, default: TEMPLATE_MCU_DEFAULTS.maxPartiesPerRoom },
      inactivityMs: { type: "integer", minimum: 100, maximum: 3_600_000, default: TEMPLATE_MCU_DEFAULTS.inactivityMs },
      healthIntervalMs: { type: "integer", minimum: 100, maximum: 60_000, default: TEMPLATE_MCU_DEFAULTS.healthIntervalMs },
    },
  },
};

export function withDefaults(config: Partial<TemplateMcuConfig>): TemplateMcuConfig {
  return { ...TEMPLATE_MCU_DEFAULTS, ...config };
}
