/**
 * Follows calls through trunks: answers `reportTrunkFailure` (counts the failure, takes the endpoint out of
 * service on no response or a transport error — see trunk-state.ts — and says whether to retry on the next
 * trunk), resets an endpoint's failures when a call through it is set up (EventEstablished), remembers which
 * Request-URIs failed for each call (so a retry can go to another node of the same trunk) and forgets a call
 * when the call model reports it over (EventReleased / EventAbandoned with its ConnID).
 */
import type { EventBus, TandemEvent, TrunkFailureReport, TrunkFailureVerdict, Unsubscribe } from "@tandem/sdk";
import { NEVER_FAILOVER, type TrunkSelectionConfig } from "./manifest.js";
import type { TrunkMetrics } from "./trunk-metrics.js";
import type { TrunkPool } from "./trunk-pool.js";
import type { CallFailurePolicy } from "./trunk-state.js";

const CALL_OVER = new Set(["EventReleased", "EventAbandoned"]);
/** A call set up proves the endpoint its INVITE went through alive. */
const CALL_UP = "EventEstablished";

const NONE: ReadonlySet<string> = new Set();

/** Calls remembered at most: a call whose end event never came must not grow the map for ever. */
const MAX_TRACKED_CALLS = 10_000;

export class CallTracker {
  /** ConnID → Request-URIs whose INVITE failed for that call. */
  private readonly failedTargets = new Map<string, Set<string>>();
  private readonly policy: CallFailurePolicy;

  constructor(
    private readonly pool: TrunkPool,
    private readonly config: TrunkSelectionConfig,
    private readonly metrics: TrunkMetrics,
  ) {
    this.policy = { failuresBeforeOos: config.failuresBeforeOos, holdDownMs: config.failureHoldDownSeconds * 1000 };
  }

  /**
   * The verdict for one failed INVITE; side effects on the trunk's health and counters. A time-out counts as
   * 408 and a transport error as 503 (the statuses the SIP stack gives them), so `failoverCodes` covers both.
   */
  failed(report: TrunkFailureReport): TrunkFailureVerdict {
    const retry = !NEVER_FAILOVER.includes(report.status) && this.config.failoverCodes.includes(report.status);
    const trunk = this.pool.trunk(report.trunk);
    this.metrics.failedCalls.inc({ trunk: report.trunk, retry: String(retry) });
    if (report.connId !== undefined) this.remember(report.connId, report.target);
    if (!trunk) return { retry };
    trunk.counters.failedCalls += 1;
    if (report.connId !== undefined) trunk.calls.delete(report.connId);
    // A 503 from the far end may be one overloaded call, and any answer proves the node alive; no answer or a
    // broken connection is the node itself.
    if (report.origin === "remote") trunk.callAnswered(report.target);
    else if (this.config.oosOnCallFailure) trunk.callFailure(report.target, this.policy);
    return { retry };
  }

  /** Request-URIs that already failed for `connId`. */
  failedFor(connId: string | undefined): ReadonlySet<string> {
    return (connId === undefined ? undefined : this.failedTargets.get(connId)) ?? NONE;
  }

  /** Listens for call ends on the bus. */
  watch(bus: EventBus): Unsubscribe {
    return bus.on("*", (event: TandemEvent) => {
      if (event.connId === undefined) return;
      if (event.name === CALL_UP) return this.answered(event.connId);
      if (!CALL_OVER.has(event.name)) return;
      this.failedTargets.delete(event.connId);
      for (const trunk of this.pool.trunks) trunk.calls.delete(event.connId);
    });
  }

  private answered(connId: string): void {
    for (const trunk of this.pool.trunks) {
      const endpoint = trunk.calls.get(connId);
      if (endpoint !== undefined) trunk.callAnswered(endpoint);
    }
  }

  private remember(connId: string, target: string): void {
    let targets = this.failedTargets.get(connId);
    if (!targets) {
      targets = new Set();
      this.failedTargets.set(connId, targets);
      // Maps keep insertion order: the first key is the oldest call.
      if (this.failedTargets.size > MAX_TRACKED_CALLS) this.failedTargets.delete(this.failedTargets.keys().next().value ?? connId);
    }
    targets.add(target);
  }
}
