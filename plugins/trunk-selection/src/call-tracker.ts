/**
 * Follows calls through trunks: answers `reportTrunkFailure` (counts the failure, takes the endpoint out of
 * service on a time-out or transport error, says whether to retry on the next trunk) and drops a call from
 * its trunks' "calls in progress" when the call model reports the call over (EventReleased / EventAbandoned
 * with its ConnID).
 */
import type { EventBus, TandemEvent, Unsubscribe } from "@tandem/sdk";
import { NEVER_FAILOVER, type TrunkSelectionConfig } from "./manifest.js";
import type { TrunkMetrics } from "./trunk-metrics.js";
import type { TrunkPool } from "./trunk-pool.js";
import type { TrunkFailureReport, TrunkFailureVerdict } from "./trunk-hooks.js";

const CALL_OVER = new Set(["EventReleased", "EventAbandoned"]);

export class CallTracker {
  constructor(
    private readonly pool: TrunkPool,
    private readonly config: TrunkSelectionConfig,
    private readonly metrics: TrunkMetrics,
  ) {}

  /** The verdict for one failed INVITE; side effects on the trunk's health and counters. */
  failed(report: TrunkFailureReport): TrunkFailureVerdict {
    const retry = !NEVER_FAILOVER.includes(report.status) && this.config.failoverCodes.includes(report.status);
    const trunk = this.pool.trunk(report.trunk);
    this.metrics.failedCalls.inc({ trunk: report.trunk, retry: String(retry) });
    if (!trunk) return { retry };
    trunk.counters.failedCalls += 1;
    if (report.connId !== undefined) trunk.calls.delete(report.connId);
    // A 503 from the far end may be one overloaded call; no answer or a broken connection is the node itself.
    if (this.config.oosOnCallFailure && report.origin !== "remote") trunk.callFailure(report.target);
    return { retry };
  }

  /** Listens for call ends on the bus. */
  watch(bus: EventBus): Unsubscribe {
    return bus.on("*", (event: TandemEvent) => {
      if (event.connId === undefined || !CALL_OVER.has(event.name)) return;
      for (const trunk of this.pool.trunks) trunk.calls.delete(event.connId);
    });
  }
}
