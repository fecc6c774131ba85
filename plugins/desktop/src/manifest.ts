/**
 * The desktop plugin's manifest and config: the desktop tokens (each scoped to the DNs its agent may
 * control) and the protocol's limits.
 */
import { DEFAULT_CALL_CONTROL, SDK_VERSION, type PluginManifest } from "@tandem/sdk";

/** One desktop token. */
export interface DesktopTokenConfig {
  /** Shown in logs and in EventServerConnected (never the secret). */
  name: string;
  /** The bearer secret. */
  token: string;
  /** DNs this token may register and control. */
  dns: string[];
  /** May send supervision requests (RequestMonitorNextCall …); the supervision plugin checks its teams too. */
  supervisor: boolean;
}

/** `plugins.desktop` after validation and defaults. */
export interface DesktopConfig {
  tokens: DesktopTokenConfig[];
  /** Largest request accepted, in bytes of UTF-8. */
  maxMessageBytes: number;
  /** A resume (`after`) may scan at most this many logged events. */
  maxReplayEvents: number;
  /** Name of the `core.call-control` implementation to use. */
  callControlProvider: string;
  /** WebSockets one token may hold open at once. */
  maxSocketsPerToken: number;
  /** Requests per second one token may send, over WebSocket and HTTP together (bursts up to the same number). */
  maxRequestsPerSecond: number;
}

export const DESKTOP_DEFAULTS: Omit<DesktopConfig, "tokens"> = {
  maxMessageBytes: 65_536,
  maxReplayEvents: 100_000,
  callControlProvider: DEFAULT_CALL_CONTROL,
  maxSocketsPerToken: 8,
  maxRequestsPerSecond: 20,
};

export const manifest: PluginManifest = {
  name: "desktop",
  version: "0.1.0",
  sdk: `^${SDK_VERSION}`,
  description: "Agent desktop API: T-Library-style requests and events over WebSocket and HTTP",
  configSchema: {
    type: "object",
    additionalProperties: false,
    properties: {
      tokens: {
        type: "array",
        default: [],
        description: "Desktop tokens, each scoped to the DNs its agent may control.",
        items: {
          type: "object",
          additionalProperties: false,
          required: ["name", "token", "dns"],
          properties: {
            name: { type: "string", minLength: 1, maxLength: 64 },
            token: { type: "string", minLength: 16, description: "Bearer secret (at least 16 characters)." },
            dns: { type: "array", items: { type: "string", minLength: 1 }, uniqueItems: true },
            supervisor: { type: "boolean", default: false, description: "May send supervision requests; the supervision plugin's teams decide whom it may monitor." },
          },
        },
      },
      maxMessageBytes: { type: "integer", minimum: 1024, maximum: 1_048_576, default: DESKTOP_DEFAULTS.maxMessageBytes },
      maxReplayEvents: { type: "integer", minimum: 1000, default: DESKTOP_DEFAULTS.maxReplayEvents },
      callControlProvider: { type: "string", minLength: 1, default: DESKTOP_DEFAULTS.callControlProvider },
      maxSocketsPerToken: {
        type: "integer",
        minimum: 1,
        default: DESKTOP_DEFAULTS.maxSocketsPerToken,
        description: "WebSockets one desktop token may hold open; the next is refused with TANDEM_ERR_DESKTOP_TOO_MANY_SOCKETS.",
      },
      maxRequestsPerSecond: {
        type: "integer",
        minimum: 1,
        default: DESKTOP_DEFAULTS.maxRequestsPerSecond,
        description: "Requests per second per desktop token (WebSocket and HTTP together); above it, TANDEM_ERR_DESKTOP_RATE_LIMITED.",
      },
    },
  },
};

/** The config with defaults filled in (the host applies them; unit tests and odd hosts may not). */
export function withDefaults(config: Partial<DesktopConfig>): DesktopConfig {
  return {
    ...DESKTOP_DEFAULTS,
    ...config,
    tokens: (config.tokens ?? []).map((t) => ({ ...t, supervisor: t.supervisor ?? false })),
  };
}
