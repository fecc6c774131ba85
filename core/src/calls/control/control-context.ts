/**
 * What every call-control verb shares: finding the DN's call, checking the DN may act on it, one request at a
 * time per call, and stamping the request's `referenceId` on the events it causes.
 */
import type { CallDetachOptions, CallRequest, CallRequestBase } from "@tandem/sdk";
import type { Call } from "../call.js";
import type { CallEndings } from "../call-endings.js";
import { CallState } from "../call-types.js";
import type { Consult } from "./consult-state.js";
import { lendsLegs, type OwnedMedia } from "./owned-media.js";
import { CallControlErrors } from "./errors.js";

/** What the call model hands to call control. */
export interface ControlDeps {
  readonly ctx: CallEndings;
  /** The model's live calls by ConnID. */
  readonly calls: Map<string, Call>;
  /** Adds a call the control created (RequestMakeCall) to the model: live map + call record. */
  admit(call: Call): void;
}

export interface ControlContext extends ControlDeps {
  /** Consultation calls under way, by their own ConnID → the original (held) call (consult.ts). */
  readonly consults: Map<string, Call>;
}

/** Per-call control state kept beside the call (the model's own `Call` knows nothing of hold). */
export interface ControlState {
  held: boolean;
  /** The consultation call started from this call (RequestInitiateTransfer), until completed or ended. */
  consult: Consult | undefined;
  /** Name of the request under way; another request on the same call is refused meanwhile. */
  pending: string | undefined;
  /** Set while a plugin carries the call's media (a conference; call-parties.ts): the model's bridge is gone. */
  owned: OwnedMedia | undefined;
}

const states = new WeakMap<Call, ControlState>();

export function controlState(call: Call): ControlState {
  let state = states.get(call);
  if (!state) states.set(call, (state = { held: false, pending: undefined, consult: undefined, owned: undefined }));
  return state;
}

/** The live call `request.connId`, on which `request.dn` is the agent. */
export function callOf(cc: ControlContext, request: CallRequest, name: string): Call {
  const call = cc.calls.get(request.connId);
  if (!call || call.ended) throw CallControlErrors.unknownCall(request.connId);
  // In a conference every agent on it may act (release, drop a party), not only the call's first agent.
  const inConference = controlState(call).owned?.parties.some((p) => p.role === "agent" && p.dn === request.dn) ?? false;
  if (call.agentDn !== request.dn && !inConference) throw CallControlErrors.notParty(request.dn, request.connId);
  return call;
}

/** Like {@link callOf}, and the call must be answered and no other request under way on it. */
export function establishedCallOf(cc: ControlContext, request: CallRequest, name: string): Call {
  const call = callOf(cc, request, name);
  if (call.state !== CallState.Established) throw CallControlErrors.badState(name, call.connId, `the call is ${call.state}`);
  if (!call.customerLeg || !call.agentLeg) throw CallControlErrors.badState(name, call.connId, "the call has no SIP legs");
  const pending = controlState(call).pending;
  if (pending !== undefined) throw CallControlErrors.busy(call.connId, pending);
  // An owner that lends its legs (lent-media.ts) lets a two-party call be held and consulted as a plain one.
  const owned = controlState(call).owned;
  if (owned && !lendsLegs(owned, call.customerLeg, call.agentLeg)) {
    throw CallControlErrors.badState(name, call.connId, owned.parties.length > 2 ? "the call is a conference" : "a plugin carries the call's media and does not lend its legs");
  }
  return call;
}

/** Runs `fn` with the request's referenceId stamped on every event the model emits meanwhile (synchronously). */
export function asRequest<T>(call: Call, request: CallRequestBase, fn: () => T): T {
  const previous = call.request;
  call.request = { referenceId: request.referenceId, source: request.source ?? "desktop" };
  try {
    return fn();
  } finally {
    call.request = previous;
  }
}

/** Ends request `name` on `call` (before its last events, so a desktop reacting to them is not refused). */
export function finished(call: Call, name: string): void {
  const state = controlState(call);
  if (state.pending === name) state.pending = undefined;
}

/** Marks `name` under way on `call` until `work` settles. */
export async function exclusive<T>(call: Call, name: string, work: () => Promise<T>): Promise<T> {
  const state = controlState(call);
  if (state.pending !== undefined) throw CallControlErrors.busy(call.connId, state.pending);
  state.pending = name;
  try {
    return await work();
  } finally {
    state.pending = undefined;
  }
}

/** How the agent leaves a call it handled: the model's after-call setting (same rule as call-endings.ts). */
export function afterCallOptions(cc: ControlContext): CallDetachOptions {
  const { afterCall, afterCallReasonCode } = cc.ctx.config;
  if (afterCall === "base") return { source: "calls" };
  return { after: afterCall, source: "calls", ...(afterCallReasonCode ? { reasonCode: afterCallReasonCode } : {}) };
}

/** Error text of a failed SIP step. */
export function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
