/**
 * The admin API's abuse limits at request time: failed-auth back-off by source address (before any route
 * runs, so a throttled source cannot even try a token), requests per second and open WebSockets per admin
 * token. Refusals are 429 with `Retry-After` (RFC 9110 §10.2.3) in the API's error format.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { RateLimiter, type TandemError } from "@tandem/sdk";
import { ADMIN_LIMIT_DEFAULTS, type AdminLimits } from "./admin-limits.js";
import { errorBody } from "./error-format.js";
import { AdminErrors } from "./errors.js";
import { FailedAuthThrottle } from "./failed-auth-throttle.js";

export class RequestGuard {
  readonly limits: AdminLimits;
  private readonly throttle: FailedAuthThrottle;
  private readonly rates: RateLimiter;
  private readonly sockets = new Map<string, number>();

  constructor(limits: Partial<AdminLimits> = {}, now: () => number = Date.now) {
    this.limits = { ...ADMIN_LIMIT_DEFAULTS, ...limits };
    this.throttle = new FailedAuthThrottle(this.limits.failedAuthAttempts, this.limits.failedAuthWindowSeconds * 1000, now);
    this.rates = new RateLimiter(this.limits.requestsPerSecond, this.limits.requestsPerSecond, now);
  }

  /** Refuses every request from a source in back-off, except routes whose config says `backoff: false`. */
  install(app: FastifyInstance): void {
    app.addHook("onRequest", async (request, reply) => {
      const config = request.routeOptions.config as { backoff?: boolean } | undefined;
      if (config?.backoff === false) return;
      const wait = this.throttle.retryAfterMs(request.ip);
      if (wait > 0) return refuse(reply, AdminErrors.authThrottled(request.ip, seconds(wait)), wait);
    });
    // A refused WebSocket upgrade owns a raw socket the HTTP server no longer tracks: end it with the reply
    // (@fastify/websocket only does so for requests its own hook has marked, which runs after this one).
    app.addHook("onResponse", async (request) => {
      if (isUpgrade(request) && !request.raw.socket.destroyed) request.raw.socket.destroy();
    });
  }

  /** Counts a wrong token against the request's source address. */
  authFailed(request: FastifyRequest): void {
    this.throttle.failed(request.ip);
  }

  /** Applies the per-token limits to a request that carried admin token `name`; replies 429 when over. */
  admit(request: FastifyRequest, reply: FastifyReply, name: string): FastifyReply | undefined {
    const wait = this.rates.take(name);
    if (wait > 0) return refuse(reply, AdminErrors.rateLimited(name, this.limits.requestsPerSecond, seconds(wait)), wait);
    if (!isUpgrade(request)) return undefined;
    const open = this.sockets.get(name) ?? 0;
    if (open >= this.limits.socketsPerToken) return refuse(reply, AdminErrors.tooManySockets(name, open), 1000);
    // Reserved now and released when the connection closes, so upgrades racing each other cannot pass the cap.
    this.sockets.set(name, open + 1);
    request.raw.socket.once("close", () => {
      const left = (this.sockets.get(name) ?? 1) - 1;
      if (left > 0) this.sockets.set(name, left);
      else this.sockets.delete(name);
    });
    return undefined;
  }
}

function isUpgrade(request: FastifyRequest): boolean {
  return (request.headers.upgrade ?? "").toLowerCase() === "websocket";
}

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

function refuse(reply: FastifyReply, err: TandemError, waitMs: number): FastifyReply {
  return reply
    .code(429)
    .header("retry-after", String(seconds(waitMs)))
    .send(errorBody(err.code, err.message));
}
