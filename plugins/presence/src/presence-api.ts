/**
 * `GET /api/v1/plugins/presence/subscriptions` (every watched DN plus start-up progress and counts) and
 * `GET /api/v1/plugins/presence/subscriptions/:dn` (one DN).
 */
import type { PluginHttp } from "@tandem/sdk";
import { PresenceErrors } from "./errors.js";
import type { SubscriptionManager } from "./subscription-manager.js";

type Row = NonNullable<ReturnType<SubscriptionManager["get"]>>;

function present(row: Row): Record<string, unknown> {
  return {
    dn: row.dn,
    state: row.state,
    notifier: row.notifier ?? null,
    expiresAt: row.expiresAt !== undefined ? new Date(row.expiresAt).toISOString() : null,
    lastNotifyAt: row.lastNotifyAt !== undefined ? new Date(row.lastNotifyAt).toISOString() : null,
    lastNotify: row.lastNotify ?? null,
    failures: row.failures,
    lastError: row.lastError ?? null,
    lastLoss: row.lastLoss ? { at: new Date(row.lastLoss.at).toISOString(), why: row.lastLoss.why } : null,
    confirmed: row.confirmed,
    unconfirmedSince: row.unconfirmedSince !== undefined ? new Date(row.unconfirmedSince).toISOString() : null,
    overdue: row.overdue,
  };
}

export function registerPresenceApi(http: PluginHttp, manager: SubscriptionManager): void {
  http.route({
    method: "GET",
    path: "/subscriptions",
    schema: {
      summary: "Presence subscriptions per DN, start-up progress and counts by state",
      description: "With `summary=true` the per-DN rows are left out (cheap to poll with thousands of DNs).",
      querystring: { type: "object", properties: { summary: { type: "boolean", default: false } } },
    },
    handler: (request) => {
      const { notifier, notifierError, startup, counts, queued, confirmation, silence } = manager.snapshot();
      const summaryOnly = (request.query as { summary?: boolean }).summary === true;
      return {
        notifier: notifier ?? null,
        notifierError: notifierError ?? null,
        startup,
        counts,
        queued,
        confirmation,
        silence: silence ?? null,
        ...(summaryOnly ? {} : { subscriptions: manager.list().map(present) }),
      };
    },
  });
  http.route({
    method: "GET",
    path: "/subscriptions/:dn",
    schema: {
      summary: "One DN's presence subscription",
      params: { type: "object", properties: { dn: { type: "string" } }, required: ["dn"] },
    },
    handler: (request) => {
      const dn = String((request.params as Record<string, string>).dn);
      const row = manager.get(dn);
      if (!row) throw PresenceErrors.unknownDn(dn);
      return present(row);
    },
  });
}
