/**
 * The health of one trunk endpoint (one URI: a trunk's `contact` or one of its `contact-backup`s), after
 * Genesys's `oos-check` / `oos-force` and Kamailio's probing thresholds (domain.md §1.2, §3.4):
 *
 * - in service → out of service when no answer came for `oos-force` (a timer re-armed by every good answer),
 *   at once on an answer whose code is in `oosCodes` (503, 408 by default), on a transport error, and on a
 *   failed INVITE the call model reports (no response or transport error; see trunk-state.ts for when);
 * - out of service → in service after `upAfter` consecutive good answers; any other reply (404 and 405
 *   included) is a good answer, because a node that answers at all is alive. An endpoint nobody probes comes
 *   back after a hold-down instead.
 *
 * Time comes from `Date.now` and `setTimeout`, so the machine runs under `node:test` fake timers.
 */

export type HealthState = "in-service" | "out-of-service";

export interface HealthOptions {
  /** No answer for this long takes the endpoint out of service. */
  readonly oosForceMs: number;
  /** Consecutive good answers needed to come back. */
  readonly upAfter: number;
  /** Answer codes that mean out of service. */
  readonly oosCodes: readonly number[];
  readonly oosOnTransportError: boolean;
}

/** What one OPTIONS probe (or one failed INVITE) produced. */
export type ProbeOutcome =
  | { readonly kind: "answer"; readonly status: number; readonly latencyMs: number }
  | { readonly kind: "timeout" }
  | { readonly kind: "transport"; readonly reason?: string };

export interface HealthTransition {
  readonly from: HealthState;
  readonly to: HealthState;
  /** Why, for the event and the log: `no-answer`, `status-503`, `transport`, `call-failure`, `recovered`. */
  readonly reason: string;
}

/** The last probe, for the API. */
export interface LastProbe {
  readonly at: number;
  readonly result: "answer" | "timeout" | "transport";
  readonly status?: number;
  readonly latencyMs?: number;
}

export class HealthMachine {
  private current: HealthState = "in-service";
  private streak = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Brings an unprobed endpoint back after its hold-down (see `callFailure`). */
  private restore: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  /** When the endpoint last came into service; 0 = in service from the start (no hold-down applies). */
  private since = 0;
  private last: LastProbe | undefined;

  constructor(
    private readonly options: HealthOptions,
    private readonly onChange: (transition: HealthTransition) => void,
  ) {}

  get state(): HealthState {
    return this.current;
  }

  /** Time the endpoint last came back into service (ms since epoch), 0 when it never left. */
  get inServiceSince(): number {
    return this.since;
  }

  get lastProbe(): LastProbe | undefined {
    return this.last;
  }

  /** Good answers in a row so far while out of service. */
  get goodStreak(): number {
    return this.streak;
  }

  /** Starts watching: from now on `oos-force` without an answer takes the endpoint out. */
  start(): void {
    this.running = true;
    this.arm();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.restore !== undefined) clearTimeout(this.restore);
    this.restore = undefined;
  }

  /** Feeds one probe result. */
  probe(outcome: ProbeOutcome): void {
    const at = Date.now();
    if (outcome.kind === "answer") {
      this.last = { at, result: "answer", status: outcome.status, latencyMs: outcome.latencyMs };
      if (this.options.oosCodes.includes(outcome.status)) return this.bad(`status-${outcome.status}`);
      return this.good();
    }
    this.last = { at, result: outcome.kind };
    if (outcome.kind === "transport" && this.options.oosOnTransportError) return this.bad("transport");
    // A transaction time-out is the same as the stack's 408.
    if (outcome.kind === "timeout" && this.options.oosCodes.includes(408)) return this.bad("timeout");
    this.streak = 0;
  }

  /**
   * A failed INVITE through this endpoint (no response or transport error): out of service until probes bring it
   * back, or — for an endpoint nobody probes — until `restoreAfterMs` has passed (reason `hold-down-over`).
   */
  callFailure(restoreAfterMs?: number): void {
    const wasIn = this.current === "in-service";
    this.bad("call-failure");
    if (!wasIn || restoreAfterMs === undefined) return;
    this.restore = setTimeout(() => {
      this.restore = undefined;
      if (this.current !== "out-of-service") return;
      this.streak = 0;
      this.since = Date.now();
      this.move("in-service", "hold-down-over");
    }, restoreAfterMs);
    this.restore.unref?.();
  }

  private good(): void {
    if (this.current === "in-service") {
      this.arm();
      return;
    }
    this.streak += 1;
    if (this.streak < this.options.upAfter) return;
    this.streak = 0;
    this.since = Date.now();
    if (this.restore !== undefined) clearTimeout(this.restore);
    this.restore = undefined;
    this.move("in-service", "recovered");
    this.arm();
  }

  private bad(reason: string): void {
    this.streak = 0;
    if (this.current === "out-of-service") return;
    this.disarm();
    this.move("out-of-service", reason);
  }

  private move(to: HealthState, reason: string): void {
    const from = this.current;
    this.current = to;
    this.onChange({ from, to, reason });
  }

  private arm(): void {
    if (!this.running) return;
    this.disarm();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.current === "in-service") this.bad("no-answer");
    }, this.options.oosForceMs);
    // A health timer must never keep the process alive on its own.
    this.timer.unref?.();
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
