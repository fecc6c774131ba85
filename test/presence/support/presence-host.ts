/**
 * A test host with the presence plugin and SIP on loopback, pointed at a sipp notifier, plus small readers
 * for the agent API and the plugin's subscription API.
 */
import type { AgentSnapshot, DnInput, TandemEvent } from "@tandem/sdk";
import { createTestHost, type TestHost } from "@tandem/testing";
import presencePlugin from "../../../plugins/presence/src/index.js";

export interface PresenceHost extends TestHost {
  agentApi(dn: string): Promise<AgentSnapshot>;
  subscriptionsApi(): Promise<SubscriptionsBody>;
  /** Agent events for `dn` as `Name` or `Name(reason)`, in order. */
  agentEvents(dn: string): string[];
}

export interface SubscriptionRow {
  dn: string;
  state: string;
  notifier: string | null;
  expiresAt: string | null;
  lastNotifyAt: string | null;
  lastNotify: { subscriptionState: string; basic?: string; activities?: string[]; error?: string; requests: string[] } | null;
  failures: number;
  lastError: string | null;
  lastLoss: { at: string; why: string } | null;
  confirmed: boolean;
  unconfirmedSince: string | null;
  overdue: boolean;
}

export interface SubscriptionsBody {
  notifier: { dn: string; contacts: string[] } | null;
  notifierError: string | null;
  startup: {
    total: number;
    settled: number;
    active: number;
    failed: number;
    startedAt: string | null;
    completedAt: string | null;
    recoveredAt: string | null;
  };
  counts: Record<string, number>;
  queued: number;
  confirmation: { confirmed: number; unconfirmed: number; overdue: number };
  silence: { since: string; notifier: string | null } | null;
  subscriptions: SubscriptionRow[];
}

const AGENT_EVENTS = new Set(["EventAgentLogin", "EventAgentLogout", "EventAgentReady", "EventAgentNotReady"]);

export async function startPresenceHost(options: {
  contacts: string[];
  dns?: DnInput[];
  presence?: Record<string, unknown>;
  /** SQLite file, to restart a host on the state a previous one saved (default in memory). */
  storagePath?: string;
}): Promise<PresenceHost> {
  const [contact, ...backups] = options.contacts;
  const notifier: DnInput = {
    number: "cucm",
    type: "VoipService",
    options: { contact, ...(backups.length ? { "contact-backup": backups } : {}), "service-type": "softswitch" },
  };
  const host = await createTestHost({
    sip: true,
    plugins: [presencePlugin],
    dns: [notifier, ...(options.dns ?? [{ number: "1001", type: "Extension", options: { presence: true } }])],
    config: {
      plugins: { presence: { enabled: true, ...options.presence } },
      ...(options.storagePath ? { storage: { path: options.storagePath } } : {}),
    },
  });
  const agentApi = async (dn: string): Promise<AgentSnapshot> => {
    const res = await host.inject({ method: "GET", url: `/api/v1/agents/${dn}` });
    if (res.statusCode !== 200) throw new Error(`GET /agents/${dn}: ${res.statusCode} ${res.body}`);
    return res.json<AgentSnapshot>();
  };
  const subscriptionsApi = async (): Promise<SubscriptionsBody> => {
    const res = await host.inject({ method: "GET", url: "/api/v1/plugins/presence/subscriptions" });
    if (res.statusCode !== 200) throw new Error(`GET subscriptions: ${res.statusCode} ${res.body}`);
    return res.json<SubscriptionsBody>();
  };
  const agentEvents = (dn: string): string[] =>
    host
      .events()
      .filter((e: TandemEvent) => e.dn === dn && AGENT_EVENTS.has(e.name))
      .map((e) => {
        const reason = (e.data as { reasonCode?: unknown }).reasonCode;
        return typeof reason === "string" ? `${e.name}(${reason})` : e.name;
      });
  return Object.assign(Object.create(host) as TestHost, host, { agentApi, subscriptionsApi, agentEvents }) as PresenceHost;
}
