/**
 * What the wallboard shows, kept current: snapshots from the admin API, refetched when an event says they
 * changed (coalesced, so a burst of events costs one request per collection), plus samples for the charts.
 */
import type { Api } from "./api.js";
import type { ActiveCall, Agent, CallRecord, Health, PluginStatus, Queue, TandemEvent, Trunk } from "./api-types.js";

export type Collection = "agents" | "queues" | "trunks" | "calls" | "plugins" | "health" | "history";
const ALL: Collection[] = ["agents", "queues", "trunks", "calls", "plugins", "health"];

const HOUR_MS = 3_600_000;
const SAMPLE_MS = 10_000;
/** One sample per beat for an hour, plus room for the samples taken at agent changes. */
const MAX_SAMPLES = (2 * HOUR_MS) / SAMPLE_MS;
export const AGENT_STATES = ["Ready", "NotReady", "Busy", "LoggedOut"] as const;

export interface Sample {
  at: number;
  agents: Record<(typeof AGENT_STATES)[number], number>;
}

export class LiveState {
  agents: Agent[] = [];
  queues: Queue[] | undefined;
  trunks: Trunk[] | undefined;
  calls: ActiveCall[] = [];
  plugins: PluginStatus[] = [];
  health: Health | undefined;
  /** Start times of calls seen in the last hour (history at load, then live), by ConnID. */
  readonly callStarts = new Map<string, number>();
  /** Queue wait of each finished call of the last hour (from the call records), by ConnID: [start, wait ms]. */
  readonly queueWaits = new Map<string, [number, number]>();
  readonly samples: Sample[] = [];
  lastError: string | undefined;
  private readonly dirty = new Set<Collection>();
  private timer: number | undefined;

  constructor(private readonly api: Api, private readonly changed: () => void) {}

  async load(): Promise<void> {
    await this.refresh(ALL);
    await this.loadHistory();
    this.sample();
    this.changed();
  }

  /** The last hour's call records: calls per minute and queue waits for the charts. */
  async loadHistory(): Promise<void> {
    const from = new Date(Date.now() - HOUR_MS).toISOString();
    const history = await this.api.get<{ calls: CallRecord[] }>("/calls/history", { from, limit: "1000" }).catch(() => ({ calls: [] }));
    for (const call of history.calls) {
      const start = Date.parse(call.startedAt);
      this.callStarts.set(call.connId, start);
      if (call.queueWaitMs !== undefined) this.queueWaits.set(call.connId, [start, call.queueWaitMs]);
    }
  }

  /** Which snapshots an event makes stale. */
  onEvent(event: TandemEvent): void {
    // Health carries the last seq, so it follows every event (coalesced with the rest).
    if (event.name.startsWith("EventAgent")) this.mark("agents", "queues", "health");
    else if (event.name === "EventDNOutOfService" || event.name === "EventDNBackInService") this.mark("trunks", "health");
    else if (event.connId !== undefined) this.mark("calls", "queues", "agents", "trunks", "health");
    // A call that ended now has its record (and its queue wait) in the history.
    if (event.name === "EventReleased" || event.name === "EventAbandoned") this.mark("history");
    else this.mark("health");
  }

  /** Everything, after the stream reconnects (what changed meanwhile is replayed too, but this is cheap). */
  stale(): void {
    this.mark(...ALL);
  }

  /** Queue waits and trunk probes move without events: polled on this slower beat, with a chart sample. */
  tick(): void {
    this.mark("queues", "trunks", "health");
    const last = this.samples[this.samples.length - 1];
    if (last === undefined || Date.now() - last.at >= SAMPLE_MS) this.sample();
  }

  private mark(...collections: Collection[]): void {
    for (const c of collections) this.dirty.add(c);
    this.timer ??= window.setTimeout(() => {
      this.timer = undefined;
      const due = [...this.dirty];
      this.dirty.clear();
      void this.refresh(due).then(() => {
        // Agent changes are sampled as they happen too, so a short NotReady shows on the chart.
        if (due.includes("agents")) this.sample();
        this.changed();
      });
    }, 150);
  }

  private async refresh(collections: Collection[]): Promise<void> {
    const jobs = collections.map(async (c) => {
      if (c === "agents") this.agents = await this.api.get<Agent[]>("/agents");
      if (c === "queues") this.queues = (await this.api.optional<{ queues: Queue[] }>("/plugins/routing/queues"))?.queues;
      if (c === "trunks") this.trunks = (await this.api.optional<{ trunks: Trunk[] }>("/trunks"))?.trunks;
      if (c === "calls") {
        this.calls = (await this.api.get<{ calls: ActiveCall[] }>("/calls")).calls;
        for (const call of this.calls) if (!this.callStarts.has(call.connId)) this.callStarts.set(call.connId, Date.parse(call.startedAt));
      }
      if (c === "plugins") this.plugins = await this.api.get<PluginStatus[]>("/plugins");
      if (c === "health") this.health = await this.api.get<Health>("/health");
      if (c === "history") await this.loadHistory();
    });
    const results = await Promise.allSettled(jobs);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    this.lastError = failed ? String((failed.reason as Error).message ?? failed.reason) : undefined;
  }

  /** Calls started in each of the last 60 minutes, oldest first. */
  callsPerMinute(now = Date.now()): number[] {
    const counts = new Array<number>(60).fill(0);
    for (const [connId, at] of this.callStarts) {
      const age = now - at;
      if (age > HOUR_MS) this.callStarts.delete(connId);
      else if (age >= 0) counts[59 - Math.floor(age / 60_000)]! += 1;
    }
    return counts;
  }

  /** The longest queue wait of the calls started in each of the last 60 minutes, seconds, oldest first. */
  queueWaitPerMinute(now = Date.now()): number[] {
    const waits = new Array<number>(60).fill(0);
    for (const [connId, [at, waitMs]] of this.queueWaits) {
      const age = now - at;
      if (age > HOUR_MS) this.queueWaits.delete(connId);
      else if (age >= 0) waits[59 - Math.floor(age / 60_000)] = Math.max(waits[59 - Math.floor(age / 60_000)] ?? 0, waitMs / 1000);
    }
    return waits;
  }

  private sample(): void {
    const agents = { Ready: 0, NotReady: 0, Busy: 0, LoggedOut: 0 };
    for (const a of this.agents) agents[a.state] += 1;
    const now = Date.now();
    this.samples.push({ at: now, agents });
    while (this.samples.length > MAX_SAMPLES || (this.samples[0] !== undefined && now - this.samples[0].at > HOUR_MS)) this.samples.shift();
  }
}
