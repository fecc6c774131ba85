/** The mcu-janus plugin's manifest and config schema (defaults applied by the host). */
import type { PluginManifest } from "@tandem/sdk";

/** `plugins.mcu-janus` after validation and defaults. */
export interface JanusMcuConfig {
  /** Janus's WebSocket transport, e.g. `ws://127.0.0.1:8188`. */
  url: string;
  /** How long a Janus request may take before it counts as failed. */
  requestTimeoutMs: number;
  /** Keepalive interval of the Janus session; also how often health is checked. Below Janus's `session_timeout`. */
  keepaliveMs: number;
  /** After the connection is lost, how often to try again. */
  reconnectMs: number;
  maxRooms: number;
  maxPartiesPerRoom: number;
  /** Mixing rate of the rooms (AudioBridge `sampling_rate`); 8000 keeps G.711 rooms free of resampling. */
  samplingRate: 8000 | 12000 | 16000 | 24000 | 48000;
  /** RTP packets AudioBridge buffers per party before mixing it (AudioBridge `prebuffer`, 20 ms each). */
  prebufferPackets: number;
  /** AudioBridge `admin_key`, when Janus is configured with one (needed to create rooms). */
  adminKey?: string;
}

export const JANUS_MCU_DEFAULTS: JanusMcuConfig = {
  url: "ws://127.0.0.1:8188",
  requestTimeoutMs: 5000,
  keepaliveMs: 10_000,
  reconnectMs: 2000,
  maxRooms: 200,
  maxPartiesPerRoom: 32,
  samplingRate: 8000,
  prebufferPackets: 3,
};

export const manifest: PluginManifest = {
  name: "mcu-janus",
  version: "0.1.0",
  sdk: "^0.1.0",
  dependsOn: ["media"],
  description: "MCU adapter for Janus AudioBridge: G.711 rooms with plain-RTP participants over the Janus WebSocket API",
  configSchema: {
    type: "object",
    additionalProperties: false,
    properties: {
      url: { type: "string", pattern: "^wss?://", default: JANUS_MCU_DEFAULTS.url, description: "Janus WebSocket transport URL (subprotocol janus-protocol)" },
      requestTimeoutMs: { type: "integer", minimum: 100, maximum: 60_000, default: JANUS_MCU_DEFAULTS.requestTimeoutMs },
      keepaliveMs: { type: "integer", minimum: 100, maximum: 55_000, default: JANUS_MCU_DEFAULTS.keepaliveMs, description: "Session keepalive and health check interval (below Janus session_timeout)" },
      reconnectMs: { type: "integer", minimum: 100, maximum: 60_000, default: JANUS_MCU_DEFAULTS.reconnectMs },
      maxRooms: { type: "integer", minimum: 1, maximum: 100_000, default: JANUS_MCU_DEFAULTS.maxRooms },
      maxPartiesPerRoom: { type: "integer", minimum: 2, maximum: 1000, default: JANUS_MCU_DEFAULTS.maxPartiesPerRoom },
      samplingRate: { enum: [8000, 12000, 16000, 24000, 48000], default: JANUS_MCU_DEFAULTS.samplingRate },
      prebufferPackets: { type: "integer", minimum: 0, maximum: 50, default: JANUS_MCU_DEFAULTS.prebufferPackets },
      adminKey: { type: "string", minLength: 1, description: "AudioBridge admin_key, if Janus requires one to create rooms" },
    },
  },
};

/** The config with defaults filled in (the host applies them; direct users of the adapter may not). */
export function withDefaults(config: Partial<JanusMcuConfig>): JanusMcuConfig {
  return { ...JANUS_MCU_DEFAULTS, ...config };
}
