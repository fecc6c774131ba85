/** The admin API's abuse limits (`admin.limits`): message size, sockets and requests per token, failed-auth back-off. */

export interface AdminLimits {
  /** Largest WebSocket message in bytes; a bigger frame closes the socket with 1009 before it is buffered. */
  wsMaxMessageBytes: number;
  /** WebSockets one admin token may hold open at once. */
  socketsPerToken: number;
  /** Requests per second one admin token may make (bursts up to the same number). */
  requestsPerSecond: number;
  /** Wrong tokens one source address may send within `failedAuthWindowSeconds` before it gets 429. */
  failedAuthAttempts: number;
  failedAuthWindowSeconds: number;
}

export const ADMIN_LIMIT_DEFAULTS: Readonly<AdminLimits> = {
  wsMaxMessageBytes: 1_048_576,
  socketsPerToken: 16,
  requestsPerSecond: 100,
  failedAuthAttempts: 10,
  failedAuthWindowSeconds: 60,
};

/** The config schema of `admin.limits` (defaults as above). */
export const ADMIN_LIMITS_SCHEMA = {
  type: "object",
  description: "Abuse limits of the admin API and the WebSockets it hosts.",
  default: {},
  properties: {
    wsMaxMessageBytes: {
      type: "integer",
      minimum: 1024,
      maximum: 16_777_216,
      default: ADMIN_LIMIT_DEFAULTS.wsMaxMessageBytes,
      description: "Largest WebSocket message (bytes); a bigger frame closes the socket with 1009.",
    },
    socketsPerToken: { type: "integer", minimum: 1, default: ADMIN_LIMIT_DEFAULTS.socketsPerToken, description: "WebSockets one admin token may hold open." },
    requestsPerSecond: { type: "integer", minimum: 1, default: ADMIN_LIMIT_DEFAULTS.requestsPerSecond, description: "Requests per second per admin token (429 above)." },
    failedAuthAttempts: {
      type: "integer",
      minimum: 1,
      default: ADMIN_LIMIT_DEFAULTS.failedAuthAttempts,
      description: "Wrong tokens (admin or plugin) a source address may send per window before it gets 429 with Retry-After.",
    },
    failedAuthWindowSeconds: { type: "integer", minimum: 1, default: ADMIN_LIMIT_DEFAULTS.failedAuthWindowSeconds, description: "The failed-auth window." },
  },
  additionalProperties: false,
} as const;
