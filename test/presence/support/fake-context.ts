/**
 * Just enough of a plugin context to unit-test the presence manager without the core: a DN list with a toy
 * arbiter (Login → NotReady, Ready, NotReady, Logout; refusals injectable), SIP verbs that hand out
 * {@link FakeSubscription}s, and metrics that remember what was counted.
 */
import type {
  AgentSnapshot,
  AgentStateRequest,
  AgentStateResult,
  Counter,
  DnChange,
  DnInput,
  DnRecord,
  DnRegistry,
  Gauge,
  Histogram,
  Labels,
  Metrics,
  SipVerbs,
  SubscribeOptions,
} from "@tandem/sdk";
import { FakeSubscription, recordingLogger } from "./fake-subscription.js";

export class FakeRegistry implements DnRegistry {
  readonly records = new Map<string, DnRecord>();
  readonly agentsByDn = new Map<string, AgentSnapshot>();
  readonly requests: AgentStateRequest[] = [];
  /** Return a refusal code for a request, or undefined to apply it. */
  refuse: (request: AgentStateRequest) => string | undefined = () => undefined;
  private readonly listeners = new Set<(c: DnChange) => void>();

  constructor(inputs: readonly DnInput[]) {
    for (const input of inputs) this.put(input);
  }

  get(number: string): DnRecord | undefined {
    return this.records.get(number);
  }
  list(filter?: { type?: DnRecord["type"] | readonly DnRecord["type"][] }): DnRecord[] {
    const types = filter?.type === undefined ? undefined : ([] as string[]).concat(filter.type);
    return [...this.records.values()].filter((r) => types === undefined || types.includes(r.type));
  }
  upsert(input: DnInput): DnRecord {
    const existed = this.records.has(input.number);
    const record = this.put(input);
    for (const l of this.listeners) l({ kind: existed ? "updated" : "added", dn: record });
    return record;
  }
  remove(number: string): boolean {
    const record = this.records.get(number);
    if (!record) return false;
    this.records.delete(number);
    this.agentsByDn.delete(number);
    for (const l of this.listeners) l({ kind: "removed", dn: record });
    return true;
  }
  onChange(listener: (change: DnChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  agent(number: string): AgentSnapshot | undefined {
    return this.agentsByDn.get(number);
  }
  agents(): AgentSnapshot[] {
    return [...this.agentsByDn.values()];
  }
  requestAgentState(request: AgentStateRequest): AgentStateResult {
    this.requests.push(request);
    const before = this.agentsByDn.get(request.dn);
    if (!before) throw new Error(`unknown agent ${request.dn}`);
    const code = this.refuse(request);
    if (code) return { applied: false, snapshot: before, events: [], code };
    const login = request.workMode === "AutoIn" ? "Ready" : "NotReady";
    const baseState = { Login: login, Logout: "LoggedOut", Ready: "Ready", NotReady: "NotReady" }[request.request] as AgentSnapshot["baseState"];
    const { reasonCode: _r, ...rest } = before;
    const after: AgentSnapshot = {
      ...rest,
      baseState,
      state: before.calls.length > 0 ? "Busy" : baseState,
      setBy: request.source,
      ...(request.reasonCode ? { reasonCode: request.reasonCode } : {}),
    };
    this.agentsByDn.set(request.dn, after);
    return { applied: true, snapshot: after, events: [] };
  }
  attachCall(): AgentSnapshot | undefined {
    return undefined;
  }
  detachCall(): AgentSnapshot | undefined {
    return undefined;
  }

  private put(input: DnInput): DnRecord {
    const now = new Date(0).toISOString();
    const record: DnRecord = { number: input.number, type: input.type, options: input.options ?? {}, origin: "api", createdAt: now, updatedAt: now };
    this.records.set(input.number, record);
    if ((input.type === "Extension" || input.type === "ACDPosition") && !this.agentsByDn.has(input.number)) {
      this.agentsByDn.set(input.number, { dn: input.number, state: "LoggedOut", baseState: "LoggedOut", since: now, calls: [] });
    }
    return record;
  }
}

export class FakeSip implements SipVerbs {
  readonly subscriptions: Array<{ options: SubscribeOptions; sub: FakeSubscription }> = [];
  localUri(): string {
    return "sip:tandem@127.0.0.1:5060";
  }
  subscribe(options: SubscribeOptions): FakeSubscription {
    const sub = new FakeSubscription(options.target);
    this.subscriptions.push({ options, sub });
    return sub;
  }
  onInvite(): () => void {
    throw new Error("not used");
  }
  invite(): never {
    throw new Error("not used");
  }
  bridge(): never {
    throw new Error("not used");
  }
  request(): never {
    throw new Error("not used");
  }
  /** The last subscription sent for `dn`. */
  lastFor(dn: string): FakeSubscription {
    const found = this.subscriptions.filter((s) => s.options.target.startsWith(`sip:${dn}@`)).at(-1);
    if (!found) throw new Error(`no SUBSCRIBE for ${dn}`);
    return found.sub;
  }
}

export class FakeMetrics implements Metrics {
  readonly counts = new Map<string, number>();
  readonly gauges = new Map<string, () => number | Array<{ labels: Labels; value: number }>>();
  counter(spec: { name: string }): Counter {
    return { inc: (labels?: Labels, value = 1) => this.bump(spec.name, labels, value) };
  }
  gauge(spec: { name: string; collect?: () => number | Array<{ labels: Labels; value: number }> }): Gauge {
    if (spec.collect) this.gauges.set(spec.name, spec.collect);
    return { set: () => undefined, inc: () => undefined, dec: () => undefined };
  }
  histogram(spec: { name: string }): Histogram {
    return { observe: () => this.bump(spec.name, undefined, 1) };
  }
  count(name: string, labels?: Labels): number {
    return this.counts.get(key(name, labels)) ?? 0;
  }
  private bump(name: string, labels: Labels | undefined, value: number): void {
    const k = key(name, labels);
    this.counts.set(k, (this.counts.get(k) ?? 0) + value);
  }
}

function key(name: string, labels?: Labels): string {
  return labels ? `${name}${JSON.stringify(Object.entries(labels).sort())}` : name;
}

export function fakeContext(dns: readonly DnInput[]): {
  dns: FakeRegistry;
  sip: FakeSip;
  metrics: FakeMetrics;
  log: ReturnType<typeof recordingLogger>;
} {
  return { dns: new FakeRegistry(dns), sip: new FakeSip(), metrics: new FakeMetrics(), log: recordingLogger() };
}
