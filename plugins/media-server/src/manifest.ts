/**
 * The media-server plugin's manifest: its config schema (defaults applied by the host). Media servers are
 * VoipService DNs (Genesys' "VoIP Service" DN for a media server) with `contact` / `contact-backup`, and by
 * convention `service-type: media-server`; the core already declares all of those DN options, so the plugin
 * adds none.
 */
import { fileURLToPath } from "node:url";
import type { PluginManifest } from "@tandem/sdk";

/** The `media` plugin's default hold music (same path from src/ and dist/). */
export const DEFAULT_EMBEDDED_MUSIC = fileURLToPath(new URL("../../media/assets/hold-music.wav", import.meta.url));

/** How often a prompt is played: a count, or until the treatment is stopped (RFC 4240 §3 `repeat`). */
export type Repeat = number | "forever";

/** What a queue plays: an RFC 4240 prompt URL and how often. */
export interface TreatmentSpec {
  /** The prompt's URL (`http://…`, `file://…`), sent as the `play=` parameter. */
  play: string;
  /** Default `forever`: music on hold loops until an agent answers. */
  repeat?: Repeat;
}

/** Per-queue treatments; a queue mapped to `null` gets none (ringback), a queue not listed gets `default`. */
export interface TreatmentsConfig {
  default?: TreatmentSpec;
  queues?: Record<string, TreatmentSpec | null>;
}

/** `plugins.media-server` after validation and defaults. */
export interface MediaServerConfig {
  /**
   * VoipService DNs of the media servers, in order of preference. Default: every VoipService DN with
   * `service-type: media-server`, by number.
   */
  servers?: string[];
  treatments: TreatmentsConfig;
  /** A media server that gives no final answer within this time is CANCELled and the next one tried. */
  answerTimeoutMs: number;
  /** A media server that failed (time-out, transport error, 5xx, 408) is skipped this long for later calls. */
  holdDownMs: number;
  /** User part of the announcement service URI (RFC 4240 §3: `annc`; some servers let it be configured). */
  announcementUser: string;
  /** Every endpoint gets an OPTIONS probe this often (staggered); 0 turns probing off. */
  probeIntervalMs: number;
  /** A probe with no final answer in this time counts as failed (the stack's own limit is 64·T1 = 32 s). */
  probeTimeoutMs: number;
  /**
   * With no media server in service, queues (other than those set to `null`) hear this file through the `media`
   * plugin's rooms (the embedded engine), when that plugin is enabled; `false` keeps ringback then.
   */
  embeddedMusic: string | false;
}

export const MEDIA_SERVER_DEFAULTS: MediaServerConfig = {
  treatments: {},
  answerTimeoutMs: 2000,
  holdDownMs: 30_000,
  announcementUser: "annc",
  probeIntervalMs: 30_000,
  probeTimeoutMs: 5000,
  embeddedMusic: DEFAULT_EMBEDDED_MUSIC,
};

/** The `service-type` value that marks a VoipService DN as a media server when `servers` is not given. */
export const MEDIA_SERVER_SERVICE_TYPE = "media-server";

const treatmentSpecSchema = {
  type: "object",
  additionalProperties: false,
  required: ["play"],
  properties: {
    play: {
      type: "string",
      // A URL with a scheme (http:, https:, file:, …); it is escaped into the SIP URI, so any character is fine.
      pattern: "^[A-Za-z][A-Za-z0-9+.-]*:\\S+$",
      description: "Prompt URL played by the media server (RFC 4240 play=), e.g. http://media.example/music.wav",
    },
    repeat: {
      anyOf: [{ type: "integer", minimum: 1, maximum: 100_000 }, { const: "forever" }],
      description: "How often the prompt plays: a count or \"forever\" (default forever)",
    },
  },
} as const;

export const manifest: PluginManifest = {
  name: "media-server",
  version: "0.1.0",
  sdk: "^0.1.0",
  description: "Plays queue treatments (music, announcements) as early media from RFC 4240 media servers, with failover",
  configSchema: {
    type: "object",
    additionalProperties: false,
    properties: {
      servers: {
        type: "array",
        items: { type: "string", minLength: 1 },
        uniqueItems: true,
        description: "VoipService DNs of the media servers in order of preference (default: those with service-type media-server)",
      },
      treatments: {
        type: "object",
        additionalProperties: false,
        default: {},
        description: "What each queue plays: queues.<queue> (null = ringback), else default (none = ringback)",
        properties: {
          default: treatmentSpecSchema,
          queues: {
            type: "object",
            additionalProperties: { anyOf: [treatmentSpecSchema, { type: "null" }] },
          },
        },
      },
      answerTimeoutMs: { type: "integer", minimum: 100, maximum: 60_000, default: MEDIA_SERVER_DEFAULTS.answerTimeoutMs },
      holdDownMs: { type: "integer", minimum: 0, maximum: 86_400_000, default: MEDIA_SERVER_DEFAULTS.holdDownMs },
      announcementUser: {
        type: "string",
        pattern: "^[A-Za-z0-9._~-]+$",
        default: MEDIA_SERVER_DEFAULTS.announcementUser,
        description: "User part of the announcement service URI (RFC 4240: annc)",
      },
      probeIntervalMs: {
        anyOf: [{ const: 0 }, { type: "integer", minimum: 100, maximum: 3_600_000 }],
        default: MEDIA_SERVER_DEFAULTS.probeIntervalMs,
        description: "SIP OPTIONS probe of every media server endpoint this often, staggered (0 = no probing)",
      },
      probeTimeoutMs: {
        type: "integer",
        minimum: 100,
        maximum: 32_000,
        default: MEDIA_SERVER_DEFAULTS.probeTimeoutMs,
        description: "A probe without a final answer in this time counts as failed (at most 64*T1 = 32000)",
      },
      embeddedMusic: {
        anyOf: [{ type: "string", minLength: 1 }, { const: false }],
        description:
          "With no media server in service, queued callers hear this WAV through the media plugin's rooms (embedded engine); default the media plugin's assets/hold-music.wav, false = ringback",
      },
    },
  },
};

/** The config with defaults filled in (the host applies them; unit tests may not). */
export function withDefaults(config: Partial<MediaServerConfig>): MediaServerConfig {
  return { ...MEDIA_SERVER_DEFAULTS, ...config };
}
