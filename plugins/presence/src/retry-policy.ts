/**
 * The small pieces of the subscription machine's retry policy: how a failure is read, how long to back
 * off, and a one-shot timer slot (each machine holds three: refresh/backoff, NOTIFY watchdog, answer bound).
 */

/** A failed SUBSCRIBE as the machine reads it (duck-typed `SipError`: the class may come from another SDK copy). */
export interface SipFailure {
  status: number;
  /** `timeout` / `transport`: nobody answered, so another contact may; `remote`: the notifier answered. */
  origin?: string;
  retryAfter?: number;
  message: string;
}

export function asSipFailure(err: unknown): SipFailure {
  const e = err as Partial<SipFailure> | undefined;
  if (e && typeof e.status === "number") return e as SipFailure;
  return { status: 0, origin: "local", message: err instanceof Error ? err.message : String(err) };
}

/** Our own verdict on a request the stack never settled. */
export function noAnswer(seconds: number): SipFailure {
  return { status: 408, origin: "timeout", message: `no answer within ${seconds} s` };
}

/** True when nobody answered (so the next notifier contact is worth a try). */
export function isNoAnswer(failure: SipFailure): boolean {
  return failure.origin === "timeout" || failure.origin === "transport";
}

/**
 * Delay before re-subscribing after `failures` consecutive failures: the notifier's Retry-After when given
 * (RFC 6665 §4.1.3 / RFC 3261 §20.33), else `min·2^(failures-1)` capped at `max`, jittered into its upper
 * half so that thousands of DNs that failed together do not come back together.
 */
export function backoffDelay(
  failures: number,
  bounds: { backoffMinMs: number; backoffMaxMs: number },
  retryAfterSeconds: number | undefined,
  random: () => number,
): number {
  if (retryAfterSeconds !== undefined) return retryAfterSeconds * 1000;
  const exponential = Math.min(bounds.backoffMaxMs, bounds.backoffMinMs * 2 ** Math.min(30, Math.max(0, failures - 1)));
  return Math.max(bounds.backoffMinMs, exponential / 2 + random() * (exponential / 2));
}

/** One pending timeout at most; setting it again replaces the old one. */
export class TimerSlot {
  private handle: NodeJS.Timeout | undefined;

  set(ms: number, fn: () => void): void {
    this.clear();
    this.handle = setTimeout(() => {
      this.handle = undefined;
      fn();
    }, ms);
  }

  clear(): void {
    if (this.handle) clearTimeout(this.handle);
    this.handle = undefined;
  }
}
