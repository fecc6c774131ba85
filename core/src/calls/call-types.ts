/**
 * Types of the call model: the states a contact-centre call goes through, its parties and legs, and the
 * shapes the admin API returns. A call is identified by its ConnID (T-Library's connection id).
 */

/** States of one call; transitions are checked by `Call` (see `call.ts`). */
export enum CallState {
  /** INVITE received, nothing decided yet. */
  Offered = "Offered",
  /** Waiting for the `routeCall` strategy (the caller hears 180). */
  Routing = "Routing",
  /** The strategy reported the call queued. */
  Queued = "Queued",
  /** An INVITE to the destination (agent) is out; the agent's phone rings. */
  Ringing = "Ringing",
  /** Both legs are up and bridged. */
  Established = "Established",
  /** Ended after being answered. */
  Released = "Released",
  /** The caller hung up before anyone answered. */
  Abandoned = "Abandoned",
  /** Refused with a final error to the caller (no route, unknown DN, busy agent …). */
  Rejected = "Rejected",
  /** Closed at start because it was active when the process stopped. */
  Lost = "Lost",
}

/** States in which a call is over. */
export const FINAL_STATES: ReadonlySet<CallState> = new Set([
  CallState.Released,
  CallState.Abandoned,
  CallState.Rejected,
  CallState.Lost,
]);

/** How a call ended, as stored in its record. */
export type CallOutcome = "answered" | "abandoned" | "rejected" | "failed" | "lost";

/** Role of a party in a call. */
export type PartyRole = "customer" | "routing-point" | "queue" | "agent" | "destination";

/** A DN or external party the call touched. */
export interface PartySnapshot {
  readonly role: PartyRole;
  /** DN number, or the ANI for the customer. */
  readonly dn: string;
  readonly since: string;
  readonly until?: string;
}

/** A call as `GET /api/v1/calls` shows it. */
export interface CallSnapshot {
  readonly connId: string;
  readonly state: CallState;
  readonly ani?: string;
  readonly dnis: string;
  /** DN the call arrived at (Routing Point or agent DID). */
  readonly entryDn: string;
  readonly agentDn?: string;
  readonly queue?: string;
  readonly startedAt: string;
  readonly answeredAt?: string;
  readonly parties: readonly PartySnapshot[];
  readonly userData: Readonly<Record<string, unknown>>;
}

/** One leg (SIP dialog) of a call as stored. */
export interface LegRecord {
  readonly role: "customer" | "agent" | "destination";
  readonly dn?: string;
  readonly sipCallId: string;
  readonly direction: "inbound" | "outbound";
  readonly startedAt: string;
  readonly answeredAt?: string;
  readonly endedAt?: string;
  /** Final SIP status of the INVITE (200, 486 …), when one came. */
  readonly status?: number;
  /** Who or what ended the leg (`local`, `remote`, `timeout`, `cancel`, `lost` …). */
  readonly endedBy?: string;
}

/** One call as `GET /api/v1/calls/history` shows it. */
export interface CallRecord {
  readonly connId: string;
  readonly state: CallState;
  readonly outcome?: CallOutcome;
  readonly ani?: string;
  readonly dnis: string;
  readonly entryDn: string;
  readonly agentDn?: string;
  readonly queue?: string;
  readonly startedAt: string;
  readonly answeredAt?: string;
  readonly endedAt?: string;
  /** Time between arrival and the agent's answer (or the end) spent waiting for routing, ms. */
  readonly queueWaitMs?: number;
  /** Who ended an answered call: `customer`, `agent`, `system`. */
  readonly releasedBy?: string;
  /** SIP status the caller got when the call was rejected. */
  readonly rejectStatus?: number;
  readonly userData: Readonly<Record<string, unknown>>;
  readonly legs: readonly LegRecord[];
}

/** Filters of `history()`; times are ISO strings compared to `startedAt`. */
export interface CallHistoryFilter {
  from?: string;
  to?: string;
  agentDn?: string;
  ani?: string;
  dnis?: string;
  entryDn?: string;
  outcome?: CallOutcome;
  limit?: number;
  offset?: number;
}
