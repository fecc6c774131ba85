/** The conferencing plugin's manifest and config schema (defaults applied by the host). */
import { fileURLToPath } from "node:url";
import type { PluginManifest } from "@tandem/sdk";

/** The `media` plugin's default hold music (same path from src/ and dist/). */
export const DEFAULT_HOLD_MUSIC = fileURLToPath(new URL("../../media/assets/hold-music.wav", import.meta.url));

/** `plugins.conferencing.holdMusic`: what a held party hears. */
export interface HoldMusicConfig {
  /** Play music to held parties (RequestHoldCall, a consultation's hold); off: silence. */
  enabled: boolean;
  /** The default file (WAV). */
  file: string;
  /** Per agent DN: the file played to the parties that agent holds. */
  dns: Record<string, string>;
  /** Per queue: the file played to held callers who came through that queue (before the per-DN choice). */
  queues: Record<string, string>;
}

/** `plugins.conferencing` after validation and defaults. */
export interface ConferencingConfig {
  /**
   * When the last agent leaves a conference, the parties left (the customer and an outside party) go on talking
   * instead of being released.
   */
  keepWithoutAgent: boolean;
  /** How long RequestSingleStepConference waits for the added party to answer, ms. */
  singleStepAnswerMs: number;
  holdMusic: HoldMusicConfig;
}

export const CONFERENCING_DEFAULTS: ConferencingConfig = {
  keepWithoutAgent: false,
  singleStepAnswerMs: 60_000,
  holdMusic: { enabled: true, file: DEFAULT_HOLD_MUSIC, dns: {}, queues: {} },
};

const fileMap = {
  type: "object",
  additionalProperties: { type: "string", minLength: 1 },
  default: {},
} as const;

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
      holdMusic: {
        type: "object",
        additionalProperties: false,
        default: {},
        description: "Music on hold played to held parties through the media plane",
        properties: {
          enabled: { type: "boolean", default: true, description: "Play music to held parties (off: the hold is silent)" },
          file: { type: "string", minLength: 1, description: "Default music file (WAV); default: the media plugin's assets/hold-music.wav" },
          dns: { ...fileMap, description: "Music file per agent DN (the agent who holds)" },
          queues: { ...fileMap, description: "Music file per queue (checked before the per-DN files)" },
        },
      },
    },
  },
};

/** The config with defaults for anything missing (a host applies them already; tests may not). */
export function withDefaults(config: (Partial<Omit<ConferencingConfig, "holdMusic">> & { holdMusic?: Partial<HoldMusicConfig> }) | undefined): ConferencingConfig {
  return { ...CONFERENCING_DEFAULTS, ...(config ?? {}), holdMusic: { ...CONFERENCING_DEFAULTS.holdMusic, ...(config?.holdMusic ?? {}) } };
}
