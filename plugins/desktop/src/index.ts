/**
 * @tandem/plugin-desktop — the agent desktop API: T-Library-style requests and events over a WebSocket
 * (and over HTTP for scripts), agent state through the registry's arbiter, call control through the
 * `core.call-control` extension point. See README.md and docs/desktop-protocol.md.
 */
import { definePlugin } from "@tandem/sdk";
import type { DesktopSession } from "./desktop-session.js";
import { EventFanout } from "./event-fanout.js";
import { registerHttp } from "./http-endpoint.js";
import { manifest, withDefaults, type DesktopConfig } from "./manifest.js";
import { RequestHandler } from "./request-handler.js";
import { RequestValidator } from "./request-validator.js";
import { TokenAuth } from "./token-auth.js";
import { TokenLimits } from "./token-limits.js";
import { registerWebSocket } from "./websocket-endpoint.js";

export { manifest, type DesktopConfig, type DesktopTokenConfig } from "./manifest.js";
export { DesktopErrors } from "./errors.js";
export { REQUESTS_SCHEMA_URL, EVENTS_SCHEMA_URL } from "./request-validator.js";
export { DESKTOP_SOURCE } from "./request-handler.js";
export type { DesktopRequest, OutgoingMessage, SessionMessage, WireEvent } from "./protocol.js";

/** RFC 6455 §7.4.1: 1001 = going away (server shutdown). */
const GOING_AWAY = 1001;

export default definePlugin<DesktopConfig>({
  manifest,
  register(ctx) {
    const config = withDefaults(ctx.config);
    const auth = new TokenAuth(config.tokens);
    const validator = new RequestValidator(config.maxMessageBytes);
    const fanout = new EventFanout(ctx.bus);
    const sessions = new Set<DesktopSession>();
    const requests = ctx.metrics.counter({
      name: "requests_total",
      help: "Desktop requests handled, by request name and outcome (ok, error)",
      labelNames: ["request", "outcome"],
    });
    const handler = new RequestHandler({
      dns: ctx.dns,
      bus: ctx.bus,
      extensions: ctx.extensions,
      fanout,
      log: ctx.log,
      requests,
      maxReplayEvents: config.maxReplayEvents,
      callControlProvider: config.callControlProvider,
    });
    const lastSeq = (): number => ctx.bus.lastSeq();
    const afterCommit = ctx.bus.afterCommit?.bind(ctx.bus);
    const limits = new TokenLimits(config.maxRequestsPerSecond, config.maxSocketsPerToken);
    registerWebSocket(ctx.http, { auth, validator, fanout, handler, log: ctx.log, lastSeq, sessions, limits, ...(afterCommit ? { afterCommit } : {}) });
    registerHttp(ctx.http, { auth, validator, handler, bus: ctx.bus, maxMessageBytes: config.maxMessageBytes, limits });
    ctx.onClose(() => {
      for (const session of [...sessions]) session.close(GOING_AWAY, "server shutting down");
      fanout.stop();
    });
  },
});
