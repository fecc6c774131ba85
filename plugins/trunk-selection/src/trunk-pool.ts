/**
 * Every trunk at run time: built from the DN registry at start and rebuilt when a Trunk or TrunkGroup DN
 * changes (a trunk whose definition did not change keeps its health and counters). Emits
 * EventDNOutOfService / EventDNBackInService on the trunk DN when a trunk's state changes.
 */
import type { DnRegistry, EventBus, Logger, SipVerbs } from "@tandem/sdk";
import type { TrunkSelectionConfig } from "./manifest.js";
import { readDirectory, type GroupDefinition, type TrunkDefinition } from "./trunk-directory.js";
import { startProbing, type ProbeObserver } from "./trunk-prober.js";
import { TrunkState, type TrunkTransition } from "./trunk-state.js";

export interface TrunkPoolDeps {
  readonly sip: SipVerbs;
  readonly dns: DnRegistry;
  readonly bus: EventBus;
  readonly log: Logger;
  readonly config: TrunkSelectionConfig;
  readonly source: string;
  readonly observe: ProbeObserver;
}

interface Running {
  readonly state: TrunkState;
  readonly stopProbing: () => void;
}

function sameDefinition(a: TrunkDefinition, b: TrunkDefinition): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class TrunkPool {
  private readonly running = new Map<string, Running>();
  private groupMap: ReadonlyMap<string, GroupDefinition> = new Map();
  private started = false;

  constructor(private readonly deps: TrunkPoolDeps) {}

  get trunks(): TrunkState[] {
    return [...this.running.values()].map((r) => r.state);
  }

  trunk(number: string): TrunkState | undefined {
    return this.running.get(number)?.state;
  }

  get groups(): ReadonlyMap<string, GroupDefinition> {
    return this.groupMap;
  }

  /** Reads the registry and starts probing. */
  start(): void {
    this.started = true;
    this.reload();
  }

  stop(): void {
    this.started = false;
    for (const r of this.running.values()) this.halt(r);
    this.running.clear();
  }

  /** Rebuilds from the registry: new trunks start, removed ones stop, changed ones restart. */
  reload(): void {
    if (!this.started) return;
    const directory = readDirectory(this.deps.dns, this.deps.config);
    for (const problem of directory.problems) this.deps.log.warn({ code: problem.code }, problem.message);
    for (const [number, r] of this.running) {
      const next = directory.trunks.get(number);
      if (next && sameDefinition(next, r.state.definition)) continue;
      this.halt(r);
      this.running.delete(number);
    }
    for (const definition of directory.trunks.values()) {
      if (!this.running.has(definition.number)) this.launch(definition);
    }
    this.groupMap = directory.groups;
  }

  private launch(definition: TrunkDefinition): void {
    const { config } = this.deps;
    const health = { upAfter: config.upAfter, oosCodes: config.oosCodes, oosOnTransportError: config.oosOnTransportError };
    const state = new TrunkState(definition, health, (t) => this.transition(t));
    state.start();
    const stopProbing = startProbing(this.deps.sip, state, this.deps.observe);
    this.running.set(definition.number, { state, stopProbing });
  }

  private halt(r: Running): void {
    r.stopProbing();
    r.state.stop();
  }

  private transition(t: TrunkTransition): void {
    // A probe that was on its way when the pool stopped must not emit anything.
    if (!this.started || !this.running.has(t.trunk)) return;
    const name = t.to === "out-of-service" ? "EventDNOutOfService" : "EventDNBackInService";
    const log = t.to === "out-of-service" ? this.deps.log.warn.bind(this.deps.log) : this.deps.log.info.bind(this.deps.log);
    log({ trunk: t.trunk, endpoint: t.endpoint, reason: t.reason }, `trunk ${t.trunk} is ${t.to}`);
    this.deps.bus.emit(name, { dn: t.trunk, source: this.deps.source, data: { reason: t.reason, endpoint: t.endpoint } });
  }
}
