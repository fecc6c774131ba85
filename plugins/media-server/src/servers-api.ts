/**
 * `GET /api/v1/plugins/media-server/servers`: every media server endpoint in the order calls try them, with
 * whether it is held down (and until when), its last failure and OPTIONS probe, treatments running on its
 * server and counters.
 */
import type { PluginHttp } from "@tandem/sdk";
import type { ServerPool } from "./server-pool.js";

function iso(ms: number | undefined): string | null {
  return ms === undefined || ms === 0 ? null : new Date(ms).toISOString();
}

export function presentServers(pool: ServerPool): Record<string, unknown> {
  return {
    servers: pool.servers.map((server) => ({ server, active: pool.activeOn(server) })),
    endpoints: pool.endpoints.map((s) => ({
      server: s.endpoint.server,
      uri: s.endpoint.uri,
      role: s.endpoint.role,
      state: pool.isHeldDown(s) ? "held-down" : "available",
      heldDownUntil: pool.isHeldDown(s) ? iso(s.heldDownUntil) : null,
      lastFailure: s.lastFailure ? { at: iso(s.lastFailure.at), reason: s.lastFailure.reason } : null,
      lastSuccess: iso(s.lastSuccessAt),
      started: s.started,
      failed: s.failed,
      lastProbeAt: iso(s.lastProbe?.at),
      lastProbeResult: s.lastProbe?.result ?? null,
      probes: s.probes,
      probeFailures: s.probeFailures,
    })),
  };
}

export function registerServersApi(http: PluginHttp, pool: ServerPool): void {
  http.route({
    method: "GET",
    path: "/servers",
    schema: { summary: "Media servers in the order calls try them: hold-down state, last probe, treatments running, counters" },
    handler: () => presentServers(pool),
  });
}
