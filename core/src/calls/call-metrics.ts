/**
 * The call model's metrics (`tandem_calls_*`): calls by outcome, calls up now by state, queue wait and the
 * time from the INVITE to the agent's INVITE (the routing overhead the benchmark watches).
 */
import type { Counter, Histogram, Metrics } from "@tandem/sdk";
import type { Call } from "./call.js";
import type { CallOutcome } from "./call-types.js";

export interface CallMetrics {
  ended(outcome: CallOutcome, call: Call): void;
  /** An agent INVITE went out for `call`, `ms` after its INVITE arrived (first delivery only). */
  delivered(ms: number): void;
}

/** Metrics that record nothing (no registry given). */
export const NO_CALL_METRICS: CallMetrics = { ended: () => undefined, delivered: () => undefined };

export function createCallMetrics(metrics: Metrics, active: () => Iterable<Call>): CallMetrics {
  const total: Counter = metrics.counter({ name: "calls_total", help: "Contact-centre calls ended, by outcome", labelNames: ["outcome"] });
  const wait: Histogram = metrics.histogram({
    name: "calls_queue_wait_seconds",
    help: "Time calls waited in queue before ringing the agent who answered (or ending)",
    buckets: [1, 5, 10, 30, 60, 120, 300, 600],
  });
  const delivery: Histogram = metrics.histogram({
    name: "calls_delivery_seconds",
    help: "Time from a call's INVITE to its first agent INVITE, for calls routed without queueing",
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
  });
  metrics.gauge({
    name: "calls_active",
    help: "Contact-centre calls in progress, by state",
    labelNames: ["state"],
    collect: () => {
      const byState = new Map<string, number>();
      for (const call of active()) byState.set(call.state, (byState.get(call.state) ?? 0) + 1);
      return [...byState].map(([state, value]) => ({ labels: { state }, value }));
    },
  });
  return {
    ended(outcome, call) {
      total.inc({ outcome });
      if (call.queuedAtMs !== undefined) wait.observe((call.queueWaitMs ?? 0) / 1000);
    },
    delivered: (ms) => delivery.observe(ms / 1000),
  };
}
