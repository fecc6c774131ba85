/**
 * The plugin's Prometheus metrics (`tandem_trunk_selection_…`): trunk state and calls in progress (read at
 * scrape time), selections, failed selections, failed calls by retry decision, probes by result and probe
 * latency.
 */
import type { Counter, Histogram, Metrics } from "@tandem/sdk";
import type { TrunkPool } from "./trunk-pool.js";

export interface TrunkMetrics {
  readonly selections: Counter;
  readonly noTrunk: Counter;
  readonly failedCalls: Counter;
  readonly probes: Counter;
  readonly probeLatency: Histogram;
}

export function createTrunkMetrics(metrics: Metrics, pool: TrunkPool): TrunkMetrics {
  metrics.gauge({
    name: "trunk_in_service",
    help: "1 when the trunk is in service, 0 when it is out of service",
    labelNames: ["trunk"],
    collect: () => pool.trunks.map((t) => ({ labels: { trunk: t.number }, value: t.inService ? 1 : 0 })),
  });
  metrics.gauge({
    name: "calls_in_progress",
    help: "Calls set up through the trunk and not yet ended",
    labelNames: ["trunk"],
    collect: () => pool.trunks.map((t) => ({ labels: { trunk: t.number }, value: t.calls.size })),
  });
  return {
    selections: metrics.counter({ name: "selections_total", help: "Trunks chosen for outbound legs", labelNames: ["trunk", "group"] }),
    noTrunk: metrics.counter({ name: "no_trunk_total", help: "Selections that found no trunk in service", labelNames: ["group"] }),
    failedCalls: metrics.counter({
      name: "failed_calls_total",
      help: "INVITEs through a trunk that failed, by whether the call was retried on another trunk",
      labelNames: ["trunk", "retry"],
    }),
    probes: metrics.counter({ name: "probes_total", help: "OPTIONS probes by result", labelNames: ["trunk", "result"] }),
    probeLatency: metrics.histogram({
      name: "probe_latency_seconds",
      help: "Time from OPTIONS to its answer",
      labelNames: ["trunk"],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2],
    }),
  };
}
