/**
 * SIP OPTIONS probes (RFC 3261 §11) of every media server endpoint, so a dead server is held down before a
 * caller's INVITE finds out, and a recovered one is used again as soon as it answers. Any final answer proves
 * the host is alive (a 404/405/481 comes from a SIP stack that reads our requests) except 503 and 408, which
 * say the server cannot take work; no answer in `probeTimeoutMs` and a transport error count as failed too.
 * Probes are staggered over the interval, and an endpoint has at most one probe out at a time.
 */
import { SipError, type SipVerbs } from "@tandem/sdk";
import type { Endpoint } from "./server-directory.js";

/** A probe's outcome: `result` is also the metric label (`200`, `503`, `timeout`, `transport`, `error`). */
export interface ProbeOutcome {
  readonly ok: boolean;
  readonly result: string;
  /** For the servers view and logs: `200 OK`, `503 Service Unavailable`, `timeout (no answer in 5000 ms)`. */
  readonly detail: string;
}

/** RFC 3261 §21.5.4 / §21.4.9: the server is there but cannot serve (overload, maintenance) or timed out inward. */
const FAILING_STATUSES = new Set([503, 408]);

export function judgeResponse(status: number, reason: string): ProbeOutcome {
  const detail = `${status}${reason ? ` ${reason}` : ""}`;
  return { ok: !FAILING_STATUSES.has(status), result: String(status), detail };
}

/** A rejection of `request`: the stack's 64·T1 time-out, a transport failure (RFC 3261 §8.1.3.1) or a bug. */
export function judgeError(error: unknown): ProbeOutcome {
  const text = error instanceof Error ? error.message : String(error);
  if (error instanceof SipError && error.origin === "timeout") return { ok: false, result: "timeout", detail: `timeout (${text})` };
  if (error instanceof SipError) return { ok: false, result: "transport", detail: `transport error (${error.reason || error.status})` };
  return { ok: false, result: "error", detail: text };
}

/**
 * Sends one OPTIONS to the endpoint's contact (the host, not the announcement service) and waits at most
 * `timeoutMs`. The SDK cannot bound a request, so a late answer is ignored here while the stack's transaction
 * runs out on its own (Timer F, 64·T1).
 */
export function probeOnce(sip: SipVerbs, endpoint: Endpoint, timeoutMs: number, onTimer: (t: NodeJS.Timeout | undefined) => void): Promise<ProbeOutcome> {
  return new Promise<ProbeOutcome>((resolve) => {
    let done = false;
    const settle = (outcome: ProbeOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      onTimer(undefined);
      resolve(outcome);
    };
    const timer = setTimeout(() => settle({ ok: false, result: "timeout", detail: `timeout (no answer in ${timeoutMs} ms)` }), timeoutMs);
    timer.unref?.();
    onTimer(timer);
    try {
      sip.request({ method: "OPTIONS", target: endpoint.uri }).then(
        (response) => settle(judgeResponse(response.status, response.reason)),
        (error: unknown) => settle(judgeError(error)),
      );
    } catch (error) {
      settle(judgeError(error));
    }
  });
}

export interface ProberOptions {
  readonly sip: SipVerbs;
  /** The endpoints to probe now (read again on every `sync`). */
  readonly endpoints: () => readonly Endpoint[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Every finished probe (not called after `stop`). */
  readonly onResult: (endpoint: Endpoint, outcome: ProbeOutcome) => void;
}

interface Schedule {
  endpoint: Endpoint;
  first: NodeJS.Timeout | undefined;
  every: NodeJS.Timeout | undefined;
  /** The time-out of the probe that is out, if one is. */
  waiting: NodeJS.Timeout | undefined;
  pending: boolean;
}

export class ServerProber {
  private readonly schedules = new Map<string, Schedule>();
  private running = false;

  constructor(private readonly options: ProberOptions) {}

  /** Starts probing (no-op when `intervalMs` is 0). */
  start(): void {
    if (this.options.intervalMs <= 0) return;
    this.running = true;
    this.sync();
  }

  /**
   * Matches the timers to the endpoints after a DN change: removed endpoints stop being probed, new ones get
   * a slot, those that remain keep their rhythm. Endpoint i of n is first probed at (i+1)/n of the interval,
   * so probes are spread evenly and none goes out at boot while the media servers may still be starting.
   */
  sync(): void {
    if (!this.running) return;
    const endpoints = this.options.endpoints();
    const wanted = new Set(endpoints.map((e) => e.uri));
    for (const [uri, schedule] of this.schedules) {
      if (!wanted.has(uri)) this.clear(uri, schedule);
    }
    endpoints.forEach((endpoint, i) => {
      const existing = this.schedules.get(endpoint.uri);
      if (existing) {
        existing.endpoint = endpoint;
        return;
      }
      const schedule: Schedule = { endpoint, first: undefined, every: undefined, waiting: undefined, pending: false };
      const interval = this.options.intervalMs;
      schedule.first = setTimeout(() => {
        schedule.first = undefined;
        schedule.every = setInterval(() => this.probe(schedule), interval);
        schedule.every.unref?.();
        this.probe(schedule);
      }, Math.round((interval * (i + 1)) / endpoints.length));
      schedule.first.unref?.();
      this.schedules.set(endpoint.uri, schedule);
    });
  }

  /** Stops every timer (plugin close); results of probes still out are dropped. */
  stop(): void {
    this.running = false;
    for (const [uri, schedule] of this.schedules) this.clear(uri, schedule);
  }

  /** Endpoints with a schedule (for tests and the servers view). */
  get scheduled(): number {
    return this.schedules.size;
  }

  private clear(uri: string, schedule: Schedule): void {
    clearTimeout(schedule.first);
    clearInterval(schedule.every);
    clearTimeout(schedule.waiting);
    this.schedules.delete(uri);
  }

  private probe(schedule: Schedule): void {
    // One probe per endpoint at a time: a slow server does not collect a pile of OPTIONS transactions.
    if (schedule.pending) return;
    schedule.pending = true;
    void probeOnce(this.options.sip, schedule.endpoint, this.options.timeoutMs, (t) => (schedule.waiting = t)).then((outcome) => {
      schedule.pending = false;
      if (this.schedules.get(schedule.endpoint.uri) !== schedule) return;
      this.options.onResult(schedule.endpoint, outcome);
    });
  }
}
