/**
 * @tandem/plugin-trunk-selection — picks the trunk of every outbound leg (round-robin or primary/backup per
 * trunk group), probes every trunk endpoint with SIP OPTIONS after Genesys's `oos-check` / `oos-force`, and
 * tells the call model whether a failed INVITE should be retried on the next trunk. See README.md.
 */
import { definePlugin, reportTrunkFailure, selectTrunk, type PluginContext } from "@tandem/sdk";
import { CallTracker } from "./call-tracker.js";
import { TrunkErrors } from "./errors.js";
import { manifest, withDefaults, type TrunkSelectionConfig } from "./manifest.js";
import { createTrunkMetrics, type TrunkMetrics } from "./trunk-metrics.js";
import { ALL_TRUNKS } from "./trunk-directory.js";
import type { ProbeObserver } from "./trunk-prober.js";
import { TrunkPool } from "./trunk-pool.js";
import { TrunkSelector } from "./trunk-selector.js";
import { registerTrunksApi } from "./trunks-api.js";

export { manifest, NEVER_FAILOVER, TRUNK_SELECTION_DEFAULTS, type TrunkSelectionConfig, type StrategyName } from "./manifest.js";
export { HealthMachine, type HealthOptions, type HealthState, type ProbeOutcome } from "./health-machine.js";
export { pickRoundRobin, pickPrimaryBackup, type MemberView, type RoundRobinCursor } from "./strategies.js";
export { readDirectory, targetThrough, endpointUri } from "./trunk-directory.js";
export { TrunkErrors } from "./errors.js";

/**
 * Answers `selectTrunk`; when nothing is in service (TANDEM_ERR_TRUNK_NONE_IN_SERVICE) or every trunk in service
 * already failed for the call (TANDEM_ERR_TRUNK_ALL_FAILED), logs, counts and emits EventError with that reason and
 * answers `null`, which the call model turns into 503 for the caller.
 */
function tapSelection(ctx: PluginContext<TrunkSelectionConfig>, selector: TrunkSelector, tracker: CallTracker, metrics: TrunkMetrics): void {
  ctx.hooks.tap(selectTrunk, (request) => {
    const { group, choice, reason } = selector.select(request, tracker.failedFor(request.connId));
    if (choice) {
      metrics.selections.inc({ trunk: choice.trunk, group });
      return choice;
    }
    metrics.noTrunk.inc({ group });
    const error = reason === "all-tried" ? TrunkErrors.allTried : TrunkErrors.noneInService;
    const e = error(group, request.destination, request.exclude.join(",") || "none");
    ctx.log.warn({ code: e.code, connId: request.connId }, e.message);
    ctx.bus.emit("EventError", {
      dn: request.routingPoint ?? (group === ALL_TRUNKS ? undefined : group),
      ...(request.connId !== undefined ? { connId: request.connId } : {}),
      source: ctx.id,
      data: { code: e.code, message: e.message, group, destination: request.destination, tried: [...request.exclude] },
    });
    return null;
  });
}

/** Probe results into counters and metrics (metrics are created after the pool, which they read). */
function probeObserver(config: TrunkSelectionConfig, metrics: () => TrunkMetrics | undefined): ProbeObserver {
  return (trunk, _endpoint, outcome) => {
    if (outcome.kind !== "answer" || config.oosCodes.includes(outcome.status)) trunk.counters.probeFailures += 1;
    const m = metrics();
    m?.probes.inc({ trunk: trunk.number, result: outcome.kind === "answer" ? String(outcome.status) : outcome.kind });
    if (outcome.kind === "answer") m?.probeLatency.observe(outcome.latencyMs / 1000, { trunk: trunk.number });
  };
}

export default definePlugin<TrunkSelectionConfig>({
  manifest,
  register(ctx) {
    const config = withDefaults(ctx.config);
    let metrics: TrunkMetrics | undefined;
    const { sip, dns, bus, log } = ctx;
    const pool = new TrunkPool({ sip, dns, bus, log, config, source: ctx.id, observe: probeObserver(config, () => metrics) });
    metrics = createTrunkMetrics(ctx.metrics, pool);
    const tracker = new CallTracker(pool, config, metrics);
    tapSelection(ctx, new TrunkSelector(pool, dns, config, log), tracker, metrics);
    ctx.hooks.tap(reportTrunkFailure, (report) => tracker.failed(report));
    registerTrunksApi(ctx.http, pool);

    const unwatch = tracker.watch(bus);
    const unChange = dns.onChange((change) => {
      if (change.dn.type === "Trunk" || change.dn.type === "TrunkGroup") pool.reload();
    });
    // Probes need the SIP listeners, which are up only once every plugin has registered.
    ctx.onReady(() => pool.start());
    ctx.onClose(() => {
      unChange();
      unwatch();
      pool.stop();
    });
  },
});
