/**
 * The plugin's Prometheus metrics (`tandem_media_server_…`): treatments started and failed per server, the
 * treatments running now (read at scrape time), whether each endpoint is held down, and OPTIONS probes.
 */
import type { Counter, Metrics } from "@tandem/sdk";
import type { ServerPool } from "./server-pool.js";

export interface MediaMetrics {
  readonly started: Counter;
  readonly failed: Counter;
  /** Requests that ended without a treatment (ringback), by why. */
  readonly notApplied: Counter;
  /** OPTIONS probes by server and result (status code, `timeout`, `transport`, `error`). */
  readonly probes: Counter;
}

export function createMediaMetrics(metrics: Metrics, pool: ServerPool): MediaMetrics {
  metrics.gauge({
    name: "treatments_active",
    help: "Treatments running now (dialogs with a media server)",
    labelNames: ["server"],
    collect: () => pool.servers.map((server) => ({ labels: { server }, value: pool.activeOn(server) })),
  });
  metrics.gauge({
    name: "endpoint_held_down",
    help: "1 while a media server endpoint is skipped after a failure",
    labelNames: ["server", "uri"],
    collect: () => pool.endpoints.map((s) => ({ labels: { server: s.endpoint.server, uri: s.endpoint.uri }, value: pool.isHeldDown(s) ? 1 : 0 })),
  });
  return {
    started: metrics.counter({ name: "treatments_started_total", help: "Treatments a media server answered", labelNames: ["server"] }),
    failed: metrics.counter({
      name: "treatments_failed_total",
      help: "INVITEs to a media server that failed, by reason (timeout, transport, server-error, no-sdp, refused, error)",
      labelNames: ["server", "reason"],
    }),
    notApplied: metrics.counter({
      name: "treatments_not_applied_total",
      help: "Treatment requests that ended without a treatment, by why (no-treatment, no-server, all-failed, refused, aborted, no-offer)",
      labelNames: ["why"],
    }),
    probes: metrics.counter({
      name: "probes_total",
      help: "SIP OPTIONS probes of media server endpoints, by server and result (status code, timeout, transport, error)",
      labelNames: ["server", "result"],
    }),
  };
}
