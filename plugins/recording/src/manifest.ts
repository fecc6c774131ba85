/** The recording plugin's manifest and config schema (defaults applied by the host). */
import type { PluginManifest } from "@tandem/sdk";

/** A DN or queue whose calls are recorded from their start (Genesys full-time recording, `record=true`). */
export interface RecordFlag {
  /** Recorded to a local WAV file. */
  record?: boolean;
  /** Sent to the SIPREC recording server (`siprec.srs`). */
  siprec?: boolean;
}

/** The SIPREC recording servers Tandem sends recording sessions to (Tandem is the SRC, RFC 7866). */
export interface SiprecConfig {
  /**
   * The SRS, or SRSes in the order to try them: each a SIP URI (`sip:srs@10.0.0.9:5060`) or a VoipService DN
   * whose `contact`, then each `contact-backup`, are tried.
   */
  srs: string | string[];
  /** How long the SRS may take to answer, ms. */
  answerMs: number;
}

/** `plugins.recording` after validation and defaults. */
export interface RecordingConfig {
  /** Folder the WAV files are written to (created when missing). */
  folder: string;
  /** Recordings older than this many days are deleted by the sweep; 0 keeps them for ever. */
  retentionDays: number;
  /** How often the retention sweep runs, ms. */
  sweepIntervalMs: number;
  /** A recording is ended (failed, `TANDEM_ERR_RECORDING_DISK_FULL`) when the folder's disk has less free space than this, bytes. */
  minFreeBytes: number;
  /** How often free space and the growing file are checked while recording, ms. */
  diskCheckMs: number;
  /** Agent DNs whose calls are recorded (`{ "1001": { "record": true } }`). */
  dns: Record<string, RecordFlag>;
  /** Queues (routing points, the call's DNIS) whose calls are recorded. */
  queues: Record<string, RecordFlag>;
  /** Key of the call's user data (or of the routing answer's user data) that asks for a recording when true / "true". */
  userDataKey: string;
  /** Key of the call's user data that asks for a SIPREC session when true / "true". */
  siprecUserDataKey: string;
  /** The SIPREC recording server; without it SIPREC is off. */
  siprec?: SiprecConfig;
}

export const RECORDING_DEFAULTS: RecordingConfig = {
  folder: "data/recordings",
  retentionDays: 90,
  sweepIntervalMs: 3_600_000,
  minFreeBytes: 16 * 1024 * 1024,
  diskCheckMs: 1000,
  dns: {},
  queues: {},
  userDataKey: "record",
  siprecUserDataKey: "siprec",
};

const recordFlags = {
  type: "object",
  propertyNames: { minLength: 1, maxLength: 32, pattern: "^[0-9A-Za-z*#+._-]+$" },
  additionalProperties: {
    type: "object",
    additionalProperties: false,
    minProperties: 1,
    properties: { record: { type: "boolean", description: "Record to a local WAV file" }, siprec: { type: "boolean", description: "Send to the SIPREC recording server" } },
  },
  default: {},
};

export const manifest: PluginManifest = {
  name: "recording",
  version: "0.1.0",
  sdk: "^0.1.0",
  description: "Call recording (two-channel WAV through the MCU adapter): triggers per DN/queue, per call and from desktops; index, admin API, retention",
  configSchema: {
    type: "object",
    additionalProperties: false,
    properties: {
      folder: { type: "string", minLength: 1, default: RECORDING_DEFAULTS.folder, description: "Folder the WAV files are written to" },
      retentionDays: { type: "integer", minimum: 0, maximum: 36500, default: RECORDING_DEFAULTS.retentionDays, description: "Days a recording is kept (0: for ever)" },
      sweepIntervalMs: { type: "integer", minimum: 1000, default: RECORDING_DEFAULTS.sweepIntervalMs, description: "How often the retention sweep runs, ms" },
      minFreeBytes: { type: "integer", minimum: 0, default: RECORDING_DEFAULTS.minFreeBytes, description: "Free disk space under which a recording is ended as failed, bytes" },
      diskCheckMs: { type: "integer", minimum: 100, maximum: 60000, default: RECORDING_DEFAULTS.diskCheckMs, description: "How often free space is checked while recording, ms" },
      dns: { ...recordFlags, description: "Agent DNs whose calls are recorded" },
      queues: { ...recordFlags, description: "Queues (the call's DNIS) whose calls are recorded" },
      userDataKey: { type: "string", minLength: 1, maxLength: 64, default: RECORDING_DEFAULTS.userDataKey, description: "User-data key that asks for a recording of the call" },
      siprecUserDataKey: { type: "string", minLength: 1, maxLength: 64, default: RECORDING_DEFAULTS.siprecUserDataKey, description: "User-data key that asks for a SIPREC session of the call" },
      siprec: {
        type: "object",
        additionalProperties: false,
        required: ["srs"],
        description: "The SIPREC recording server (RFC 7866) Tandem sends recording sessions to",
        properties: {
          srs: {
            description: "The SRS, or SRSes in the order to try them: each a SIP URI or a VoipService DN (its contact, then each contact-backup)",
            oneOf: [
              { type: "string", minLength: 1 },
              { type: "array", minItems: 1, maxItems: 16, items: { type: "string", minLength: 1 } },
            ],
          },
          answerMs: { type: "integer", minimum: 500, maximum: 60000, default: 8000, description: "How long the SRS may take to answer, ms" },
        },
      },
    },
  },
};

/** The config with defaults for anything missing (a host applies them already; tests may not). */
export function withDefaults(config: Partial<RecordingConfig> | undefined): RecordingConfig {
  return { ...RECORDING_DEFAULTS, ...(config ?? {}) };
}
