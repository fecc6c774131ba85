/**
 * One contact-centre call: its identity (ConnID, ANI, DNIS), its parties and SIP legs, and the state machine
 * every flow goes through. Flows (`route-flow.ts`, `agent-delivery.ts`) drive it; only `to()` changes state.
 */
import { randomBytes } from "node:crypto";
import { getEventListeners } from "node:events";
import type { Bridge, InboundInvite, OutboundCall, RouteAttempt, SipLeg } from "@tandem/sdk";
import { CallErrors } from "./errors.js";
import type { TreatmentState } from "./queue-treatment.js";
import { CallState, FINAL_STATES, type CallSnapshot, type PartyRole, type PartySnapshot } from "./call-types.js";

const TRANSITIONS: Readonly<Record<CallState, readonly CallState[]>> = {
  [CallState.Offered]: [CallState.Routing, CallState.Ringing, CallState.Rejected, CallState.Abandoned],
  [CallState.Routing]: [CallState.Routing, CallState.Queued, CallState.Ringing, CallState.Rejected, CallState.Abandoned],
  [CallState.Queued]: [CallState.Routing, CallState.Queued, CallState.Ringing, CallState.Rejected, CallState.Abandoned],
  [CallState.Ringing]: [CallState.Established, CallState.Routing, CallState.Rejected, CallState.Abandoned],
  [CallState.Established]: [CallState.Released],
  [CallState.Released]: [],
  [CallState.Abandoned]: [],
  [CallState.Rejected]: [],
  [CallState.Lost]: [],
};

/** A ConnID: 16 hex digits, like T-Library's 64-bit connection ids, random so they never repeat across restarts. */
export function newConnId(): string {
  return randomBytes(8).toString("hex");
}

/** Times in ms since epoch: a number costs less than an ISO string kept for the call's life (snapshot() formats). */
interface MutableParty {
  role: PartyRole;
  dn: string;
  sinceMs: number;
  untilMs: number | undefined;
}

export interface CallInit {
  invite: InboundInvite;
  entryDn: string;
  /** `routed` for a Routing Point or Queue DN, `direct` for an agent's DID. */
  kind: "routed" | "direct";
  now: Date;
  /**
   * `Outbound` for a call an agent places (RequestMakeCall, a consultation): the INVITE stand-in's From is the
   * agent (ANI, the calling party) and its dialled DN the destination (DNIS, the called party), which is also the
   * far party. Default `Inbound`: the caller is the far party.
   */
  callType?: "Inbound" | "Outbound";
}

export class Call {
  readonly connId = newConnId();
  readonly invite: InboundInvite;
  readonly kind: "routed" | "direct";
  readonly entryDn: string;
  readonly ani: string | undefined;
  readonly dnis: string;
  readonly startedAt: string;
  readonly startedMs: number;
  /** Monotonic arrival time, for latency figures. */
  readonly startedPerf = performance.now();
  readonly userData: Record<string, unknown> = {};
  readonly attempts: RouteAttempt[] = [];

  state = CallState.Offered;
  stateSince: number;
  /** The Routing Point the strategy is asked about (changes when a decision sends the call to another RP). */
  routingPoint: string;
  /** Queue the strategy reported, and when the call first entered a queue. */
  queue: string | undefined;
  queuedAtMs: number | undefined;
  /** Pending `{ kind: "queue" }` decision, handed to the next `routeCall`. */
  queueRequest: { queue: string; priority?: number } | undefined;
  /** Agent DN reserved for (or talking on) this call. */
  agentDn: string | undefined;
  answeredAt: string | undefined;
  queueWaitMs: number | undefined;
  customerLeg: SipLeg | undefined;
  agentLeg: SipLeg | undefined;
  outbound: OutboundCall | undefined;
  bridge: Bridge | undefined;
  /** Row ids of the legs in the call store. */
  customerLegRow = 0;
  agentLegRow: number | undefined;
  lastProbeMs: number;
  /** When the current delivery's ring time-out passes (ms since epoch). */
  ringDeadlineMs = 0;
  /** Queue treatment (early media from a media server), once one was asked for (queue-treatment.ts). */
  treatment: TreatmentState | undefined;
  /**
   * The SDP answer the caller already got in a 183 (a treatment's or a ringing party's): the 200 must repeat it
   * (RFC 3261 §13.2.1) and a re-INVITE then moves the media (early-answer.ts).
   */
  earlySdp: string | undefined;
  /** Set once a party answered and the caller is being answered: no early media may start after that. */
  answering = false;
  /** Set by the CANCEL listener; checked after every await. */
  callerGone = false;
  /** `Inbound` for calls that reached us; `Outbound` for a desktop's RequestMakeCall or consultation (control/). */
  readonly callType: "Inbound" | "Outbound";
  /**
   * Call control (control/*) sets this while it emits the effects of a desktop request, so every event the
   * model emits meanwhile carries the request's `referenceId` and `source` (call-events.ts reads it).
   */
  request: { readonly referenceId: string; readonly source: string } | undefined;

  private readonly parties: MutableParty[] = [];
  private abortController: AbortController | undefined;

  constructor(init: CallInit) {
    this.invite = init.invite;
    this.kind = init.kind;
    this.entryDn = init.entryDn;
    this.routingPoint = init.entryDn;
    const from = init.invite.request.from;
    this.callType = init.callType ?? "Inbound";
    this.ani = from.user;
    this.dnis = init.invite.dn ?? init.entryDn;
    this.startedAt = init.now.toISOString();
    this.startedMs = init.now.getTime();
    this.stateSince = this.startedMs;
    this.lastProbeMs = this.startedMs;
    this.addParty("customer", this.farParty ?? from.uri, init.now);
  }

  /**
   * The number at the other end from the agent, for `otherDn` and the From of legs placed for it: the caller
   * (ANI) of an inbound call, the destination (DNIS) of an outbound one.
   */
  get farParty(): string | undefined {
    return this.callType === "Outbound" ? this.dnis : this.ani;
  }

  /**
   * Aborted when the caller hangs up or the call ends: strategies and deliveries drop the call then. Created on
   * first use, and let go once the call is Established with no listener left (see `to`): an answered call
   * needs none until something (a consult, its end) asks again, and the signal costs ~0.7 KB per active call.
   */
  get abort(): AbortController {
    return (this.abortController ??= new AbortController());
  }

  get ended(): boolean {
    return FINAL_STATES.has(this.state);
  }

  /** Moves the state machine; a transition the table does not allow is a bug and throws. */
  to(next: CallState, now = Date.now()): void {
    if (!TRANSITIONS[this.state].includes(next)) throw CallErrors.badTransition(this.connId, this.state, next);
    this.state = next;
    this.stateSince = now;
    // After the listeners of EventEstablished (emitted synchronously after this) had their say, e.g. the
    // router dropping its abort listener.
    if (next === CallState.Established) queueMicrotask(() => this.releaseIdleAbort());
  }

  /** Drops the AbortController if nothing listens to it; a later `abort` read creates a fresh one. */
  releaseIdleAbort(): void {
    const controller = this.abortController;
    if (!controller || controller.signal.aborted || this.ended) return;
    if (getEventListeners(controller.signal, "abort").length === 0) this.abortController = undefined;
  }

  addParty(role: PartyRole, dn: string, now = new Date()): void {
    // `untilMs` is in the literal so it stays an in-object field when endParty sets it (no property array).
    this.parties.push({ role, dn, sinceMs: now.getTime(), untilMs: undefined });
  }

  /** Marks the current party of `dn` (if any) as gone. */
  endParty(dn: string, now = new Date()): void {
    for (const party of this.parties) if (party.dn === dn && party.untilMs === undefined) party.untilMs = now.getTime();
  }

  /** DNs (not the customer) the call touched, in order, without repeats. */
  dns(): string[] {
    const out: string[] = [];
    for (const party of this.parties) if (party.role !== "customer" && !out.includes(party.dn)) out.push(party.dn);
    return out;
  }

  /** DNs still on the call (party not ended). */
  activeDns(): string[] {
    return this.parties.filter((p) => p.role !== "customer" && p.untilMs === undefined).map((p) => p.dn);
  }

  snapshot(): CallSnapshot {
    return {
      connId: this.connId,
      state: this.state,
      dnis: this.dnis,
      entryDn: this.entryDn,
      startedAt: this.startedAt,
      parties: this.parties.map(
        (p): PartySnapshot => ({
          role: p.role,
          dn: p.dn,
          since: new Date(p.sinceMs).toISOString(),
          ...(p.untilMs === undefined ? {} : { until: new Date(p.untilMs).toISOString() }),
        }),
      ),
      userData: { ...this.userData },
      ...(this.ani === undefined ? {} : { ani: this.ani }),
      ...(this.agentDn === undefined ? {} : { agentDn: this.agentDn }),
      ...(this.queue === undefined ? {} : { queue: this.queue }),
      ...(this.answeredAt === undefined ? {} : { answeredAt: this.answeredAt }),
    };
  }
}
