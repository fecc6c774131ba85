/**
 * The plugin's Prometheus metrics (`tandem_presence_…`): subscriptions by state, NOTIFYs by outcome,
 * parse failures by code, SUBSCRIBE failures, arbiter requests by result, and NOTIFY handling time.
 */
import type { Counter, Histogram, Metrics } from "@tandem/sdk";
import { SUBSCRIPTION_STATES, type SubscriptionStateName } from "./subscription-machine.js";

export interface PresenceMetrics {
  readonly notifies: Counter;
  readonly parseFailures: Counter;
  readonly subscribeFailures: Counter;
  readonly requests: Counter;
  readonly handlingSeconds: Histogram;
}

export function createPresenceMetrics(
  metrics: Metrics,
  countByState: () => Record<SubscriptionStateName, number>,
): PresenceMetrics {
  metrics.gauge({
    name: "subscriptions",
    help: "Presence subscriptions by state",
    labelNames: ["state"],
    collect: () => {
      const counts = countByState();
      return SUBSCRIPTION_STATES.map((state) => ({ labels: { state }, value: counts[state] }));
    },
  });
  return {
    notifies: metrics.counter({ name: "notifies_total", help: "NOTIFYs received, by outcome", labelNames: ["result"] }),
    parseFailures: metrics.counter({
      name: "parse_failures_total",
      help: "NOTIFY bodies that could not be read, by error code",
      labelNames: ["code"],
    }),
    subscribeFailures: metrics.counter({
      name: "subscribe_failures_total",
      help: "SUBSCRIBE attempts that failed or subscriptions that were lost",
      labelNames: ["kind"],
    }),
    requests: metrics.counter({
      name: "state_requests_total",
      help: "Agent-state requests sent to the arbiter, by request and result",
      labelNames: ["request", "result"],
    }),
    handlingSeconds: metrics.histogram({
      name: "notify_handling_seconds",
      help: "Time from NOTIFY delivery to the end of its agent-state requests",
      buckets: [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05],
    }),
  };
}
