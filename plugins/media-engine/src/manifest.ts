/** The media-engine plugin's manifest and config schema (defaults applied by the host). */
import type { PluginManifest } from "@tandem/sdk";

/** `plugins.media-engine` after validation and defaults. */
export interface MediaEngineConfig {
  /** Address the RTP/RTCP sockets bind to. */
  address: string;
  /** Address written in SDP (`c=`); default `address`. Needed when `address` is a wildcard. */
  announceAddress?: string;
  /** Lowest and highest port of the RTP/RTCP range: each party takes an even port and the next one. */
  portMin: number;
  portMax: number;
  /** Mixer worker threads; rooms are spread over them. */
  workers: number;
  maxRooms: number;
  maxPartiesPerRoom: number;
  /** A party that should send media and sent none this long is reported inactive (per join it may be changed). */
  inactivityMs: number;
  /** Audio gathered per party before it plays (jitter buffer depth). */
  jitterMs: number;
  /** A party's buffer past this drops its oldest audio. */
  jitterMaxMs: number;
  /** Mean interval of RTCP sender reports (RFC 3550 §6.2). */
  rtcpIntervalMs: number;
}

export const MEDIA_ENGINE_DEFAULTS: MediaEngineConfig = {
  address: "127.0.0.1",
  portMin: 20000,
  portMax: 21999,
  workers: 1,
  maxRooms: 500,
  maxPartiesPerRoom: 32,
  inactivityMs: 30_000,
  jitterMs: 40,
  jitterMaxMs: 200,
  rtcpIntervalMs: 5000,
};

const port = { type: "integer", minimum: 1024, maximum: 65535 } as const;

export const manifest: PluginManifest = {
  name: "media-engine",
  version: "0.1.0",
  sdk: "^0.1.0",
  dependsOn: ["media"],
  description: "Embedded MCU adapter: mixes G.711 RTP rooms in worker threads, plays and records WAV",
  configSchema: {
    type: "object",
    additionalProperties: false,
    properties: {
      address: { type: "string", minLength: 2, default: MEDIA_ENGINE_DEFAULTS.address, description: "IP address the RTP/RTCP sockets bind to" },
      announceAddress: { type: "string", minLength: 2, description: "IP address written in SDP c= lines (default: address; required when address is 0.0.0.0 or ::)" },
      portMin: { ...port, default: MEDIA_ENGINE_DEFAULTS.portMin, description: "Lowest port of the RTP/RTCP range (two ports per party)" },
      portMax: { ...port, default: MEDIA_ENGINE_DEFAULTS.portMax, description: "Highest port of the RTP/RTCP range" },
      workers: { type: "integer", minimum: 1, maximum: 64, default: MEDIA_ENGINE_DEFAULTS.workers, description: "Mixer worker threads (rooms are spread over them)" },
      maxRooms: { type: "integer", minimum: 1, maximum: 100_000, default: MEDIA_ENGINE_DEFAULTS.maxRooms },
      maxPartiesPerRoom: { type: "integer", minimum: 2, maximum: 1000, default: MEDIA_ENGINE_DEFAULTS.maxPartiesPerRoom },
      inactivityMs: { type: "integer", minimum: 1000, maximum: 3_600_000, default: MEDIA_ENGINE_DEFAULTS.inactivityMs, description: "Report a party inactive after this long without RTP" },
      jitterMs: { type: "integer", minimum: 20, maximum: 500, default: MEDIA_ENGINE_DEFAULTS.jitterMs, description: "Jitter buffer depth per party" },
      jitterMaxMs: { type: "integer", minimum: 40, maximum: 2000, default: MEDIA_ENGINE_DEFAULTS.jitterMaxMs, description: "Jitter buffer size past which the oldest audio is dropped" },
      rtcpIntervalMs: { type: "integer", minimum: 1000, maximum: 60_000, default: MEDIA_ENGINE_DEFAULTS.rtcpIntervalMs },
    },
  },
};

/** The config with defaults filled in (the host applies them; direct users of the engine may not). */
export function withDefaults(config: Partial<MediaEngineConfig>): MediaEngineConfig {
  return { ...MEDIA_ENGINE_DEFAULTS, ...config };
}
