/**
 * Per-token limits: requests per second (WebSocket and HTTP share one budget per token) and open sockets,
 * so one leaked or misbehaving desktop token cannot flood the durable event log or hold hundreds of sockets.
 */
import { RateLimiter, type TandemError } from "@tandem/sdk";
import { DesktopErrors } from "./errors.js";

export interface Refusal {
  readonly error: TandemError;
  /** Seconds until the token may send again (for `Retry-After`). */
  readonly retryAfter: number;
}

export class TokenLimits {
  private readonly rates: RateLimiter;

  constructor(
    private readonly requestsPerSecond: number,
    private readonly socketsPerToken: number,
  ) {
    this.rates = new RateLimiter(requestsPerSecond);
  }

  /** Spends one request of `token`; a refusal when it is over its rate. */
  takeRequest(token: string): Refusal | undefined {
    const waitMs = this.rates.take(token);
    if (waitMs === 0) return undefined;
    const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
    return { error: DesktopErrors.rateLimited(token, this.requestsPerSecond, retryAfter), retryAfter };
  }

  /** The refusal for one more socket of `token`, which holds `open` already; undefined when allowed. */
  socketRefusal(token: string, open: number): TandemError | undefined {
    return open >= this.socketsPerToken ? DesktopErrors.tooManySockets(token, open) : undefined;
  }
}
