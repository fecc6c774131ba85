/**
 * The supervision service on fakes: a recording event bus, agents whose state and calls a test sets, and a
 * joiner that records what the media side was asked (join, setMode, leave) and can be told to fail or end.
 */
import type { AgentSnapshot, DnRegistry, EventBus, EventInput, EventListener, EventName, Logger, MonitorMode, TandemEvent } from "@tandem/sdk";
import type { CallJoiner, SupervisorGone } from "../../../plugins/supervision/src/call-joiner.js";
import { withDefaults, type SupervisionConfig } from "../../../plugins/supervision/src/manifest.js";
import type { Monitoring } from "../../../plugins/supervision/src/monitorings.js";
import { SupervisionService } from "../../../plugins/supervision/src/supervision-service.js";
import { TeamScope } from "../../../plugins/supervision/src/team-scope.js";
import { SupervisionErrors } from "../../../plugins/supervision/src/errors.js";
import { watchAgentCalls } from "../../../plugins/supervision/src/call-watch.js";

export class RecordingBus implements EventBus {
  readonly events: TandemEvent[] = [];
  private readonly listeners = new Map<string, Set<EventListener>>();
  emit<D extends Record<string, unknown>>(name: EventName, input: EventInput<D> = {}): TandemEvent<D> {
    const event = { seq: this.events.length + 1, ts: new Date().toISOString(), name, ...input, data: (input.data ?? {}) as D } as TandemEvent<D>;
    this.events.push(event);
    for (const key of [name, "*"]) for (const l of this.listeners.get(key) ?? []) l(event);
    return event;
  }
  on(name: EventName | "*", listener: EventListener): () => void {
    const set = this.listeners.get(name) ?? new Set();
    set.add(listener);
    this.listeners.set(name, set);
    return () => set.delete(listener);
  }
  since(): TandemEvent[] {
    return [...this.events];
  }
  lastSeq(): number {
    return this.events.length;
  }
  /** `name@dn` of the events with `referenceId` (or all), in order. */
  names(referenceId?: string): string[] {
    return this.events.filter((e) => referenceId === undefined || e.referenceId === referenceId).map((e) => `${e.name}@${e.dn}`);
  }
}

export class FakeJoiner implements CallJoiner {
  readonly calls: string[] = [];
  readonly gone = new Map<string, (why: SupervisorGone) => void>();
  modes: MonitorMode[] = ["mute", "coach", "connect"];
  failJoin: Error | undefined;
  /** Joins wait for this before resolving (to see the ringing phase). */
  answer: Promise<void> = Promise.resolve();

  assertMode(name: string, mode: MonitorMode): void {
    if (!this.modes.includes(mode)) throw SupervisionErrors.modeUnsupported(name, mode, "whisper", "fake-mcu");
  }
  async join(m: Monitoring, connId: string, onGone: (why: SupervisorGone) => void): Promise<void> {
    this.calls.push(`join ${m.supervisorDn} ${connId} ${m.mode}`);
    await this.answer;
    if (this.failJoin) throw this.failJoin;
    this.gone.set(m.supervisorDn, onGone);
  }
  async setMode(m: Monitoring, mode: MonitorMode): Promise<void> {
    this.calls.push(`mode ${m.supervisorDn} ${mode}`);
  }
  async leave(m: Monitoring): Promise<void> {
    this.calls.push(`leave ${m.supervisorDn}`);
  }
}

export interface ServiceFixture {
  service: SupervisionService;
  bus: RecordingBus;
  joiner: FakeJoiner;
  /** Sets an agent's state and calls. */
  agent(dn: string, state: AgentSnapshot["state"], calls?: string[]): void;
}

const silent: Logger = { trace: () => {}, debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, fatal: () => {}, child: () => silent } as unknown as Logger;

export function serviceFixture(config: Partial<SupervisionConfig> = {}): ServiceFixture {
  const merged = withDefaults({
    teams: [
      { name: "blue", supervisors: ["2001", "2002"], agents: ["1001", "1002"], queues: [] },
      { name: "sales", supervisors: ["2003"], agents: [], queues: ["7000"] },
    ],
    ...config,
  });
  const agents = new Map<string, AgentSnapshot>();
  const dns = { agent: (dn: string) => agents.get(dn) } as unknown as DnRegistry;
  const bus = new RecordingBus();
  const joiner = new FakeJoiner();
  const service = new SupervisionService({ config: merged, scope: new TeamScope(merged.teams), dns, bus, joiner, log: silent });
  watchAgentCalls(bus, service);
  return {
    service,
    bus,
    joiner,
    agent: (dn, state, calls = []) => agents.set(dn, { dn, state, baseState: state === "Busy" ? "Ready" : state, since: new Date().toISOString(), calls }),
  };
}

export const SUPERVISOR = { source: "desktop", principal: "sup-token", supervisor: true } as const;
export const NOT_SUPERVISOR = { source: "desktop", principal: "agent-token", supervisor: false } as const;

/** Lets queued promise callbacks run. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
