/**
 * The DN registry: DNs and agent states, cached in memory and written through to SQLite. It is the single arbiter
 * of agent state: every interface asks through {@link CoreDnRegistry.requestAgentState}, the pure arbiter
 * (`agent-arbiter.ts`) decides, this class persists and emits the T-Library events.
 */
import type Database from "better-sqlite3";
import {
  DN_TYPES,
  type AgentSnapshot,
  type AgentStateRequest,
  type AgentStateResult,
  type CallDetachOptions,
  type DnChange,
  type DnInput,
  type DnRecord,
  type DnRegistry,
  type DnType,
  type EventBus,
  type Logger,
  type TandemEvent,
  type Unsubscribe,
} from "@tandem/sdk";
import {
  afterCallWork,
  attach,
  decide,
  detach,
  initialAgentState,
  sameState,
  toSnapshot,
  type AgentState,
  type ArbiterOutcome,
} from "./agent-arbiter.js";
import { validateAgentRequest } from "./agent-request.js";
import { applyConfigDns } from "./config-sync.js";
import { CORE_DN_VALIDATOR, isAgentType, type DnValidator } from "./dn-validation.js";
import { RegistryErrors } from "./errors.js";
import { RegistryStore } from "./registry-store.js";

/** Source recorded for after-call work and returns from calls when the caller names none. */
export const CALL_MODEL_SOURCE = "call";
/** Source of events the registry causes itself (a DN removed under a logged-in agent). */
export const REGISTRY_SOURCE = "registry";

export class CoreDnRegistry implements DnRegistry {
  private readonly store: RegistryStore;
  private readonly dns = new Map<string, DnRecord>();
  private readonly states = new Map<string, AgentState>();
  private readonly listeners = new Set<(change: DnChange) => void>();
  private readonly now: () => Date;
  /** Judges every DN written here (config sync and upsert) with the enabled plugins' options known. */
  readonly validator: DnValidator;

  constructor(
    db: Database.Database,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    options: { now?: () => Date; validator?: DnValidator } = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.validator = options.validator ?? CORE_DN_VALIDATOR;
    this.store = new RegistryStore(db);
    for (const dn of this.store.loadDns()) this.dns.set(dn.number, dn);
    for (const state of this.store.loadAgents()) this.states.set(state.dn, this.dropStaleCalls(state));
  }

  /** Upserts config DNs (origin `config`), removes config DNs no longer in the file, keeps api DNs. */
  syncFromConfig(inputs: DnInput[]): void {
    const changes = applyConfigDns(inputs, this.dns, this.stampNow(), {
      put: (dn) => this.putDn(dn),
      remove: (number) => this.deleteDn(number),
      transaction: (fn) => this.store.transaction(fn),
    }, this.validator);
    if (changes.length > 0) this.logger.info({ changes: changes.length }, "config DNs synced");
    for (const change of changes) this.notify(change);
  }

  get(number: string): DnRecord | undefined {
    return this.dns.get(number);
  }

  list(filter: { type?: DnType | readonly DnType[] } = {}): DnRecord[] {
    const types = filter.type === undefined ? DN_TYPES : typeof filter.type === "string" ? [filter.type] : filter.type;
    return [...this.dns.values()].filter((dn) => types.includes(dn.type)).sort((a, b) => a.number.localeCompare(b.number));
  }

  upsert(input: DnInput): DnRecord {
    this.validator.assertValid(input);
    const existing = this.dns.get(input.number);
    if (existing?.origin === "config") throw RegistryErrors.configManaged(input.number);
    const now = this.stampNow();
    const record: DnRecord = {
      number: input.number,
      type: input.type,
      options: { ...(input.options ?? {}) },
      origin: "api",
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    this.store.transaction(() => this.putDn(record));
    this.notify({ kind: existing ? "updated" : "added", dn: record });
    return record;
  }

  remove(number: string): boolean {
    const existing = this.dns.get(number);
    if (!existing) return false;
    if (existing.origin === "config") throw RegistryErrors.configManaged(number);
    this.deleteDn(number);
    this.notify({ kind: "removed", dn: existing });
    return true;
  }

  onChange(listener: (change: DnChange) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  agent(number: string): AgentSnapshot | undefined {
    const state = this.states.get(number);
    return state && toSnapshot(state);
  }

  agents(): AgentSnapshot[] {
    return [...this.states.values()].sort((a, b) => a.dn.localeCompare(b.dn)).map(toSnapshot);
  }

  requestAgentState(request: AgentStateRequest): AgentStateResult {
    const state = this.agentStateOf(request.dn);
    validateAgentRequest(request);
    const outcome = decide(state, request, this.stampNow());
    const events = this.commit(state, outcome, request.source, request.referenceId);
    if (outcome.code) this.logger.debug({ dn: request.dn, code: outcome.code }, outcome.message ?? "agent request refused");
    return {
      applied: outcome.applied,
      snapshot: toSnapshot(outcome.state),
      events,
      ...(outcome.code === undefined ? {} : { code: outcome.code, message: outcome.message }),
    };
  }

  attachCall(number: string, connId: string): AgentSnapshot | undefined {
    const state = this.states.get(number);
    if (!state) return undefined;
    const next = attach(state, connId, this.stampNow());
    if (next !== state) this.save(next);
    return toSnapshot(next);
  }

  detachCall(number: string, connId: string, options: CallDetachOptions = {}): AgentSnapshot | undefined {
    const state = this.states.get(number);
    if (!state) return undefined;
    const now = this.stampNow();
    const detached = detach(state, connId, now);
    if (detached === state) return toSnapshot(state);
    if (detached.calls.length > 0 || options.after === undefined) {
      this.save(detached);
      return toSnapshot(detached);
    }
    const source = options.source ?? CALL_MODEL_SOURCE;
    const reason = options.reasonCode;
    const outcome =
      options.after === "AfterCallWork"
        ? afterCallWork(detached, source, reason, now)
        : decide(
            detached,
            {
              request: options.after,
              source,
              ...(reason === undefined ? {} : { reasonCode: reason }),
              ...(options.releasableBy === undefined ? {} : { releasableBy: options.releasableBy }),
            },
            now,
          );
    if (outcome.code) {
      // Refused (e.g. another interface holds NotReady): the agent keeps its base state, only the call is gone.
      this.save(outcome.state);
      return toSnapshot(outcome.state);
    }
    this.commit(state, outcome, source, undefined);
    return toSnapshot(outcome.state);
  }

  /** Persists an outcome when it changed anything and emits its events (in order). */
  private commit(before: AgentState, outcome: ArbiterOutcome, source: string, referenceId: string | undefined): TandemEvent[] {
    if (!sameState(before, outcome.state)) this.save(outcome.state);
    return outcome.events.map((ev) =>
      this.bus.emit(ev.name, {
        dn: outcome.state.dn,
        source,
        data: ev.data,
        ...(referenceId === undefined ? {} : { referenceId }),
      }),
    );
  }

  private agentStateOf(number: string): AgentState {
    const dn = this.dns.get(number);
    if (!dn) throw RegistryErrors.notFound(number);
    const state = this.states.get(number);
    if (!state) throw RegistryErrors.notAgent(number, dn.type);
    return state;
  }

  private save(state: AgentState): void {
    this.store.putAgent(state);
    this.states.set(state.dn, state);
  }

  /** Writes a DN and creates/drops its agent state when its type gains/loses agent state. Call inside a transaction. */
  private putDn(record: DnRecord): void {
    this.store.putDn(record);
    this.dns.set(record.number, record);
    if (isAgentType(record.type) && !this.states.has(record.number)) {
      this.save(initialAgentState(record.number, record.updatedAt));
    } else if (!isAgentType(record.type) && this.states.has(record.number)) {
      this.store.deleteAgent(record.number);
      this.dropAgent(record.number, "DN is no longer an agent DN");
    }
  }

  private deleteDn(number: string): void {
    this.store.deleteDn(number);
    this.dns.delete(number);
    this.dropAgent(number, "DN removed");
  }

  /** Forgets an agent's state; a logged-in agent is logged out so desktops and routers see it leave. */
  private dropAgent(number: string, reason: string): void {
    const state = this.states.get(number);
    this.states.delete(number);
    if (!state || state.base === "LoggedOut") return;
    this.bus.emit("EventAgentLogout", {
      dn: number,
      source: REGISTRY_SOURCE,
      data: { state: "LoggedOut", baseState: "LoggedOut", previousState: state.base, reason },
    });
  }

  /**
   * SIP dialogs do not survive a restart, so calls attached before it can never be detached; keeping them would
   * leave the agent stuck Busy (the stuck-agent pain point, domain.md §5 #1).
   */
  private dropStaleCalls(state: AgentState): AgentState {
    if (state.calls.length === 0) return state;
    this.logger.warn({ dn: state.dn, calls: state.calls }, "dropping calls attached before the restart");
    const next: AgentState = { ...state, calls: [], since: this.stampNow() };
    this.store.putAgent(next);
    return next;
  }

  private notify(change: DnChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        this.logger.error({ err, dn: change.dn.number }, "DN change listener threw");
      }
    }
  }

  private stampNow(): string {
    return this.now().toISOString();
  }
}
