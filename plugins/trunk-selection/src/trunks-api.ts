/**
 * `GET /api/v1/plugins/trunk-selection/trunks` (every trunk and group) and `…/trunks/:dn` (one trunk):
 * state, each endpoint's state and last probe (time, status, latency), calls in progress and counters.
 */
import type { PluginHttp } from "@tandem/sdk";
import { TrunkErrors } from "./errors.js";
import type { TrunkPool } from "./trunk-pool.js";
import type { TrunkState } from "./trunk-state.js";

function iso(ms: number | undefined): string | null {
  return ms === undefined || ms === 0 ? null : new Date(ms).toISOString();
}

export function presentTrunk(trunk: TrunkState): Record<string, unknown> {
  const active = trunk.activeEndpoint();
  return {
    number: trunk.number,
    state: trunk.state,
    inServiceSince: iso(trunk.inServiceSince),
    activeEndpoint: active?.uri ?? null,
    oosCheckSeconds: trunk.definition.oosCheckMs / 1000,
    oosForceSeconds: trunk.definition.oosForceMs / 1000,
    callsInProgress: trunk.calls.size,
    counters: { ...trunk.counters },
    endpoints: trunk.endpoints.map((e) => {
      const probe = e.machine.lastProbe;
      return {
        uri: e.uri,
        state: e.machine.state,
        goodStreak: e.machine.goodStreak,
        callFailures: e.callFailures,
        lastProbe: probe
          ? { at: iso(probe.at), result: probe.result, status: probe.status ?? null, latencyMs: probe.latencyMs ?? null }
          : null,
      };
    }),
  };
}

export function registerTrunksApi(http: PluginHttp, pool: TrunkPool): void {
  // The same two routes under the plugin's prefix and at /api/v1/trunks (`root`, declared in `apiPaths`).
  for (const root of [false, true]) {
    http.route({
      method: "GET",
      path: "/trunks",
      root,
      schema: { summary: "Every trunk with its health, last probe, calls in progress and counters, and every trunk group" },
      handler: () => ({
        trunks: pool.trunks.map(presentTrunk),
        groups: [...pool.groups.values()].map((g) => ({ number: g.number, strategy: g.strategy, members: g.members, holdDownSeconds: g.holdDownMs / 1000 })),
      }),
    });
    http.route({
      method: "GET",
      path: "/trunks/:dn",
      root,
      schema: {
        summary: "One trunk's health, last probe, calls in progress and counters",
        params: { type: "object", properties: { dn: { type: "string" } }, required: ["dn"] },
      },
      handler: (request) => {
        const dn = String((request.params as Record<string, string>).dn);
        const trunk = pool.trunk(dn);
        if (!trunk) throw TrunkErrors.unknownTrunk(dn);
        return presentTrunk(trunk);
      },
    });
  }
}
