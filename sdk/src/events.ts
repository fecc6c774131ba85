/**
 * Events are facts that already happened. Names are the T-Library event names (see
 * `shared/reference/domain.md` §1.4), so desktop developers meet the vocabulary they know.
 * The core gives every event a `seq` (monotonic across restarts) and appends it to a durable log,
 * so a client that reconnects resumes from the last `seq` it saw.
 */

/** Agent-state events (owned by the DN registry's arbiter). */
export type AgentEventName =
  | "EventAgentLogin"
  | "EventAgentLogout"
  | "EventAgentReady"
  | "EventAgentNotReady"
  | "EventAgentAfterCallWork";

/** Call events (owned by the call model). */
export type CallEventName =
  | "EventRouteRequest"
  | "EventRouteUsed"
  | "EventQueued"
  | "EventDiverted"
  | "EventAbandoned"
  | "EventRinging"
  | "EventDialing"
  | "EventNetworkReached"
  | "EventDestinationBusy"
  | "EventEstablished"
  | "EventReleased"
  | "EventHeld"
  | "EventRetrieved"
  | "EventPartyChanged"
  | "EventPartyAdded"
  | "EventPartyDeleted"
  | "EventAttachedDataChanged"
  | "EventDTMFSent"
  | "EventTreatmentApplied"
  | "EventTreatmentNotApplied"
  | "EventTreatmentEnd";

/** DN and link events. */
export type DnEventName =
  | "EventDNOutOfService"
  | "EventDNBackInService"
  | "EventRegistered"
  | "EventUnregistered"
  | "EventLinkConnected"
  | "EventLinkDisconnected";

/** Supervision, private-service and error events. */
export type OtherEventName =
  | "EventMonitoringNextCall"
  | "EventMonitoringCancelled"
  | "EventMuteOn"
  | "EventMuteOff"
  | "EventPrivateInfo"
  | "EventUserEvent"
  | "EventError";

/** Every event name the platform itself emits. Plugins may emit other `Event*` names of their own. */
export type KnownEventName = AgentEventName | CallEventName | DnEventName | OtherEventName;

/** An event name: a known T-Library name or a plugin's own `Event<Name>`. */
export type EventName = KnownEventName | `Event${string}`;

/** JSON-safe payload of an event. */
export type EventData = Record<string, unknown>;

/** A fact as stored in the event log and delivered to subscribers. */
export interface TandemEvent<D extends EventData = EventData> {
  /** Position in the durable log; strictly increasing, never reused, survives restart. */
  readonly seq: number;
  /** ISO-8601 time the event was emitted. */
  readonly ts: string;
  readonly name: EventName;
  /** The DN the event is about (agent DN, routing point, trunk …). */
  readonly dn?: string;
  /** The call's ConnID, on call events. */
  readonly connId?: string;
  /** Who caused it: `presence`, `desktop`, `router`, `admin`, a plugin id … */
  readonly source?: string;
  /** The `referenceId` of the request that caused the event, echoed to the requesting client. */
  readonly referenceId?: string;
  readonly data: D;
}

/** What an emitter supplies; the bus adds `seq` and `ts`. */
export interface EventInput<D extends EventData = EventData> {
  dn?: string;
  connId?: string;
  source?: string;
  referenceId?: string;
  data?: D;
}

/** Call to stop listening. */
export type Unsubscribe = () => void;

/** Listener for events; errors it throws are logged and never reach the emitter. */
export type EventListener = (event: TandemEvent) => void;

/**
 * The event bus. Emitting is synchronous and cheap: the event gets its `seq` at once and is written to
 * the log in batched transactions off the SIP hot path.
 */
export interface EventBus {
  /** Emits an event and returns it as stored (with `seq` and `ts`). */
  emit<D extends EventData>(name: EventName, input?: EventInput<D>): TandemEvent<D>;
  /**
   * Listens to one event name, or to every event with `"*"`. Listeners run synchronously at `emit`, before
   * the event is committed: a listener that shows the event outside the process (a socket, a reply) must
   * call `lastSeq()` first and hold back events above it, so a crash cannot take back a seq a client saw.
   */
  on(name: EventName | "*", listener: EventListener): Unsubscribe;
  /**
   * Events with `seq > after`, oldest first, at most `limit` (default 1000), from the durable log. Commits
   * what is queued first, so everything returned survives a crash.
   */
  since(after: number, limit?: number): TandemEvent[];
  /**
   * The highest committed `seq` (0 when none). Commits what is queued first; lower only than the seq of
   * an event just emitted while the database refuses writes.
   */
  lastSeq(): number;
  /**
   * Calls `callback` with the highest committed `seq` once every event up to `seq` is committed, asking the log
   * to write its queue soon without making the caller wait for the disk (as `lastSeq` does): for a listener that
   * holds events back on every turn it has some to show. Absent on buses that only offer `lastSeq`.
   */
  afterCommit?(seq: number, callback: (committed: number) => void): void;
}
