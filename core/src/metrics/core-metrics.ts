/**
 * Gauges the core exposes about itself, read at scrape time from the registry and the bus (no bookkeeping on the
 * hot path): agents by state, DNs by type, the last event seq.
 */
import type { DnRegistry, EventBus, Metrics } from "@tandem/sdk";
import { CoreEventBus } from "../bus/event-bus.js";

export function registerCoreMetrics(metrics: Metrics, sources: { registry: DnRegistry; bus: EventBus }): void {
  metrics.gauge({
    name: "agents",
    help: "Agent DNs by visible state",
    labelNames: ["state"],
    collect: () => {
      const counts: Record<string, number> = { LoggedOut: 0, NotReady: 0, Ready: 0, Busy: 0 };
      for (const agent of sources.registry.agents()) counts[agent.state] = (counts[agent.state] ?? 0) + 1;
      return Object.entries(counts).map(([state, value]) => ({ labels: { state }, value }));
    },
  });
  metrics.gauge({
    name: "dns",
    help: "DNs by type",
    labelNames: ["type"],
    collect: () => {
      const counts = new Map<string, number>();
      for (const dn of sources.registry.list()) counts.set(dn.type, (counts.get(dn.type) ?? 0) + 1);
      return [...counts].map(([type, value]) => ({ labels: { type }, value }));
    },
  });
  metrics.gauge({ name: "events_last_seq", help: "Highest event seq emitted", collect: () => sources.bus.lastSeq() });
  const { bus } = sources;
  if (!(bus instanceof CoreEventBus)) return;
  // A growing queue or failed batches mean the database is not keeping up or refuses writes.
  metrics.gauge({ name: "event_log_pending", help: "Events emitted but not yet written to SQLite", collect: () => bus.logStats().pending });
  metrics.gauge({ name: "event_log_failed_batches", help: "Event-log transactions that failed since start", collect: () => bus.logStats().failedBatches });
  metrics.gauge({ name: "event_log_batches", help: "Event-log transactions committed since start", collect: () => bus.logStats().batches });
}
