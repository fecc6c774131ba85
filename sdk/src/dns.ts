/**
 * The DN registry: every directory number Tandem knows (agent extensions, routing points, queues, trunks,
 * media services) and, for agent DNs, the agent state. The registry is the single arbiter of agent
 * state: presence, the desktop, the router and admins *request* changes and the registry applies the
 * spec's priority rule and emits the events.
 */
import type { TandemEvent, Unsubscribe } from "./events.js";

/** DN types, after the Genesys configuration layer. */
export type DnType = "Extension" | "ACDPosition" | "RoutingPoint" | "Queue" | "Trunk" | "TrunkGroup" | "VoipService";

/** All DN types, for schemas and validation. */
export const DN_TYPES: readonly DnType[] = [
  "Extension",
  "ACDPosition",
  "RoutingPoint",
  "Queue",
  "Trunk",
  "TrunkGroup",
  "VoipService",
];

/** DN types that an agent works on (they carry agent state). */
export const AGENT_DN_TYPES: readonly DnType[] = ["Extension", "ACDPosition"];

/** Type-specific options (`contact`, `contact-backup`, `presence`, `queues`, …) as given in config or the API. */
export type DnOptions = Record<string, unknown>;

/** One DN as stored. */
export interface DnRecord {
  readonly number: string;
  readonly type: DnType;
  readonly options: DnOptions;
  /** `config` DNs are re-applied from the config file at every start; `api` DNs live only in the database. */
  readonly origin: "config" | "api";
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What creating or updating a DN takes. */
export interface DnInput {
  number: string;
  type: DnType;
  options?: DnOptions;
}

/** A change to the registry, delivered to `onChange` listeners after it is stored. */
export interface DnChange {
  readonly kind: "added" | "updated" | "removed";
  readonly dn: DnRecord;
}

/** Agent states as the admin API shows them. `Busy` = on a contact-centre call that Tandem handles. */
export type AgentStateName = "LoggedOut" | "NotReady" | "Ready" | "Busy";

/** T-Library work modes (the `workmode` of RequestAgentNotReady / RequestAgentReady). */
export type WorkMode = "Unknown" | "ManualIn" | "AutoIn" | "AfterCallWork" | "AuxWork" | "NoCallDisconnect";

/** An agent DN's state at one moment. */
export interface AgentSnapshot {
  readonly dn: string;
  /** `Busy` while `calls` is not empty, else the base state. */
  readonly state: AgentStateName;
  /** The state the agent returns to when its calls end (Busy Ready / Busy NotReady in T-Library terms). */
  readonly baseState: Exclude<AgentStateName, "Busy">;
  readonly reasonCode?: string;
  readonly workMode?: WorkMode;
  /** ISO time the current `state` began. */
  readonly since: string;
  /** ConnIDs of the contact-centre calls the agent is on. */
  readonly calls: readonly string[];
  /** Interface that set the current base state (`presence`, `desktop`, `router`, `admin`, …). */
  readonly setBy?: string;
}

/** What an interface may ask of the arbiter. */
export type AgentRequestKind = "Login" | "Logout" | "Ready" | "NotReady";

/** A request to change an agent's state. */
export interface AgentStateRequest {
  dn: string;
  request: AgentRequestKind;
  /** The requesting interface; the priority rule compares sources. */
  source: string;
  reasonCode?: string;
  workMode?: WorkMode;
  /** Echoed on the events this request causes. */
  referenceId?: string;
  /** Admin override: apply even where the priority rule would refuse. */
  force?: boolean;
  /**
   * NotReady only: other sources whose Ready may also lift this NotReady. The call model uses it for
   * ring-no-answer, so the agent's desktop (a person) can make the agent Ready again while an automatic
   * source (a device observer) cannot put an absent agent back in rotation.
   */
  releasableBy?: readonly string[];
  /**
   * Ready only. A refused request changes nothing, so a person whose Ready is refused keeps the NotReady they
   * set. An observer whose own reason for a NotReady has gone (a phone idle again) sets this: its NotReady is
   * withdrawn even when another source's NotReady refuses the Ready, and the agent shows that other NotReady.
   */
  withdrawOwnNotReady?: boolean;
}

/** The arbiter's answer. */
export interface AgentStateResult {
  /**
   * False when the request changed nothing (a refusal changes nothing, except a refused Ready with
   * `withdrawOwnNotReady` that withdrew the requester's NotReady: `applied` true and `code` set).
   */
  readonly applied: boolean;
  readonly snapshot: AgentSnapshot;
  /** Events emitted because of this request, in order. */
  readonly events: readonly TandemEvent[];
  /** When refused: the coded reason (e.g. `TANDEM_ERR_AGENT_PRIORITY`). */
  readonly code?: string;
  readonly message?: string;
}

/** How an agent leaves a call (after-call work policy). */
export interface CallDetachOptions {
  /** Base state after the last call ends; default is the state before the call. */
  after?: "Ready" | "NotReady" | "AfterCallWork";
  reasonCode?: string;
  source?: string;
  /** With `after: "NotReady"`: other sources whose Ready may lift it (see `AgentStateRequest.releasableBy`). */
  releasableBy?: readonly string[];
}

/** The registry as plugins see it. */
export interface DnRegistry {
  get(number: string): DnRecord | undefined;
  list(filter?: { type?: DnType | readonly DnType[] }): DnRecord[];
  /** Creates or replaces a DN (origin `api`). Emits a change. */
  upsert(input: DnInput): DnRecord;
  /** Removes a DN; returns false when it did not exist. */
  remove(number: string): boolean;
  onChange(listener: (change: DnChange) => void): Unsubscribe;

  /** Agent state of an agent DN; undefined for unknown or non-agent DNs. */
  agent(number: string): AgentSnapshot | undefined;
  agents(): AgentSnapshot[];
  /** Asks the arbiter for a state change; applies the priority rule; emits the events. */
  requestAgentState(request: AgentStateRequest): AgentStateResult;
  /** Marks the agent Busy on a contact-centre call (ConnID). Idempotent. */
  attachCall(number: string, connId: string): AgentSnapshot | undefined;
  /** Ends the agent's part in a call; when no call is left the agent returns to its base state (or `after`). */
  detachCall(number: string, connId: string, options?: CallDetachOptions): AgentSnapshot | undefined;
}
