/**
 * The end of a consultation call (consult.ts): RequestCompleteTransfer bridges the customer to the target and
 * only then releases the transferring agent's phone leg; RequestReconnectCall drops the target and takes the
 * original call off hold; `closeConsult` ends it for any other reason (target gone, customer gone). On a call
 * whose media owner lent its legs (lent-media.ts) both end by handing the legs back to the owner's room.
 */
import type { CallControlResult, CallRequestBase, SipLeg, TwoCallRequest } from "@tandem/sdk";
import type { Call } from "../call.js";
import { CallState } from "../call-types.js";
import { withDirection } from "@tandem/sdk";
import { pinOffers, rebridge, watchBridge } from "./bridge-watch.js";
import { afterCallOptions, asRequest, controlState, exclusive, reasonOf, type ControlContext } from "./control-context.js";
import type { Consult } from "./consult-state.js";
import { CallControlErrors } from "./errors.js";
import { stopHoldMedia, unholdCustomer } from "./hold-media.js";
import { rejoinCustomerAndAgent, rejoinOwner } from "./lent-media.js";
import { forgetLeg, recordDialogs } from "../lost-calls.js";

/** The original call and its consult named by a two-call request (`connId` = consult, `heldConnId` = original). */
export function consultOf(cc: ControlContext, request: TwoCallRequest, name: string): { call: Call; consult: Consult } {
  const call = cc.consults.get(request.connId);
  const consult = call ? controlState(call).consult : undefined;
  if (!call || !consult || consult.over || consult.call.connId !== request.connId) throw CallControlErrors.unknownCall(request.connId);
  if (call.connId !== request.heldConnId) throw CallControlErrors.badState(name, request.connId, `it was started from ${call.connId}, not ${request.heldConnId}`);
  if (call.agentDn !== request.dn) throw CallControlErrors.notParty(request.dn, request.connId);
  return { call, consult };
}

/** Ends the consult: CANCEL or BYE towards the target, EventReleased on its DNs, the target's reservation freed. */
export async function closeConsult(cc: ControlContext, call: Call, consult: Consult, request: CallRequestBase | undefined, cause: string): Promise<void> {
  if (consult.over) return;
  consult.over = true;
  consult.abort.abort();
  const state = controlState(call);
  if (state.consult === consult) state.consult = undefined;
  cc.consults.delete(consult.call.connId);
  if (consult.row !== undefined) cc.ctx.store.updateLeg(consult.row, { endedAt: new Date().toISOString(), endedBy: cause });
  endConsultState(consult, cause);
  const emit = (): void => {
    for (const dn of consult.call.activeDns()) {
      consult.call.endParty(dn);
      cc.ctx.events.emit("EventReleased", consult.call, dn, { cause, heldConnId: call.connId });
    }
  };
  if (request) asRequest(consult.call, request, emit);
  else emit();
  if (consult.toAgent) cc.ctx.reservations.release(consult.target, call.connId, { source: "calls" });
  if (consult.leg) forgetLeg(cc.ctx, call, consult.leg);
  await consult.leg?.bye().catch(() => undefined);
}

/** Causes of a consult's end before the target answered in which the agent (its caller) gave up. */
const AGENT_GAVE_UP: ReadonlySet<string> = new Set(["reconnected", "call-ended"]);

/**
 * The consult's final state, before its EventReleased: Released once it was established; before that
 * Abandoned when the agent gave up (reconnected, the original call ended) and Rejected when the target refused.
 */
export function endConsultState(consult: Consult, cause: string): void {
  const call = consult.call;
  if (call.ended) return;
  if (call.state === CallState.Established) call.to(CallState.Released);
  else call.to(AGENT_GAVE_UP.has(cause) ? CallState.Abandoned : CallState.Rejected);
}

/** Points the agent's phone back at the customer (`inactive` = still held, `sendrecv` = talking again). */
export async function restorePhone(cc: ControlContext, call: Call, direction: "inactive" | "sendrecv"): Promise<void> {
  const phone = call.agentLeg;
  const customer = call.customerLeg;
  if (!phone || !customer || phone.state === "terminated" || call.ended) return;
  await phone.reinvite({ sdp: withDirection(customer.remoteSdp, direction) }).catch((err: unknown) => {
    cc.ctx.logger.warn({ err: reasonOf(err), connId: call.connId }, "re-pointing the agent's phone at the customer failed");
  });
}

export async function completeTransfer(cc: ControlContext, request: TwoCallRequest): Promise<CallControlResult> {
  const name = "RequestCompleteTransfer";
  const { call, consult } = consultOf(cc, request, name);
  const target = consult.leg;
  if (!target) throw CallControlErrors.badState(name, request.connId, "the consultation target has not answered");
  const customer = call.customerLeg as SipLeg;
  const phone = call.agentLeg as SipLeg;
  const owned = controlState(call).owned;
  await exclusive(call, name, async () => {
    consult.over = true;
    const old = call.bridge;
    call.bridge = undefined;
    old?.unbridge();
    try {
      if (owned) {
        // A lent call: the customer and the target go into the owner's room (the target where agent 1 was heard).
        const customerParty = owned.parties.find((p) => p.leg === customer) ?? { dn: call.farParty ?? "", role: "customer" as const, leg: customer, row: call.customerLegRow };
        await rejoinOwner(cc, call, [customerParty, { dn: consult.target, role: consult.toAgent ? "agent" : "destination", leg: target, row: consult.row }]);
        return;
      }
      // The customer gets the target's SDP; the target, which was INVITEd with the phone's SDP, then gets the
      // customer's answer so both ends send to each other (RFC 3725 §5: each side learns the other's media).
      const { sdp } = await customer.reinvite({ sdp: target.remoteSdp ?? "" });
      await target.reinvite({ sdp: sdp ?? customer.remoteSdp ?? "" });
    } catch (err) {
      // The customer (or the owner's room) refused: back to where we were (consult still up, customer held with the agent).
      consult.over = false;
      if (!owned) {
        call.bridge = cc.ctx.sip.bridge(customer, phone);
        watchBridge(cc, call, call.bridge);
      }
      pinOffers(call);
      throw CallControlErrors.sipFailed(name, call.connId, reasonOf(err));
    }
  });
  await handOver(cc, call, consult, request, target);
  return { connId: call.connId };
}

/** After the customer ↔ target re-INVITEs: the target becomes the call's agent leg, agent 1 leaves. */
async function handOver(cc: ControlContext, call: Call, consult: Consult, request: TwoCallRequest, target: SipLeg): Promise<void> {
  const customer = call.customerLeg as SipLeg;
  const phone = call.agentLeg as SipLeg;
  const state = controlState(call);
  state.consult = undefined;
  state.held = false;
  cc.consults.delete(consult.call.connId);
  const previous = { dn: request.dn, row: call.agentLegRow };
  call.agentLeg = target;
  call.agentLegRow = consult.row;
  call.agentDn = consult.toAgent ? consult.target : undefined;
  // A lent call is in its owner's room again (or bridged directly, its owner gone); a plain one is the model's to bridge.
  if (!state.owned && !call.bridge) {
    call.bridge = cc.ctx.sip.bridge(customer, target);
    watchBridge(cc, call, call.bridge);
  }
  void stopHoldMedia(cc, call); // the customer now talks to the target
  recordDialogs(cc.ctx, call); // the target's dialog replaces agent 1's (and leaves its consult row) for crash recovery
  const now = new Date().toISOString();
  if (previous.row !== undefined) cc.ctx.store.updateLeg(previous.row, { endedAt: now, endedBy: "transferred" });
  cc.ctx.store.updateCall(call.connId, consult.toAgent ? { agentDn: consult.target } : {});
  endConsultState(consult, "transferred");
  asRequest(consult.call, request, () => {
    consult.call.endParty(request.dn);
    cc.ctx.events.emit("EventReleased", consult.call, request.dn, { cause: "transferred", heldConnId: call.connId });
  });
  asRequest(call, request, () => {
    call.endParty(request.dn);
    call.addParty(consult.toAgent ? "agent" : "destination", consult.target);
    cc.ctx.events.emit("EventReleased", call, request.dn, { cause: "transferred", thirdDn: consult.target, releasedBy: "agent" });
    cc.ctx.events.emit("EventPartyChanged", call, consult.target, { thisDn: consult.target, previousConnId: consult.call.connId, transferredBy: request.dn });
  });
  cc.ctx.reservations.release(request.dn, call.connId, afterCallOptions(cc));
  await phone.bye().catch((err: unknown) => cc.ctx.logger.warn({ err, connId: call.connId }, "BYE to the transferring agent failed"));
}

export async function reconnectCall(cc: ControlContext, request: TwoCallRequest): Promise<CallControlResult> {
  const name = "RequestReconnectCall";
  const { call, consult } = consultOf(cc, request, name);
  const answered = consult.leg !== undefined;
  const alternated = consult.held;
  await closeConsult(cc, call, consult, request, "reconnected");
  if (controlState(call).owned) return reconnectLent(cc, call, request, alternated);
  // After RequestAlternateCall the agent already talks to the customer: only the consult had to go.
  if (alternated) {
    rebridge(cc, call);
    return { connId: call.connId };
  }
  const customer = call.customerLeg as SipLeg;
  try {
    // The phone was talking to the target: point it back at the customer, then take the customer off hold.
    if (answered) await (call.agentLeg as SipLeg).reinvite({ sdp: withDirection(customer.remoteSdp, "sendrecv") });
    else await (call.agentLeg as SipLeg).unhold();
    await unholdCustomer(cc, call);
  } catch (err) {
    throw CallControlErrors.sipFailed(name, call.connId, reasonOf(err));
  }
  rebridge(cc, call);
  controlState(call).held = false;
  asRequest(call, request, () => cc.ctx.events.emit("EventRetrieved", call, request.dn, { thisDn: request.dn, otherDn: call.farParty ?? null }));
  return { connId: call.connId };
}

/** RequestReconnectCall on a lent call (lent-media.ts): customer and agent back in the owner's room. */
async function reconnectLent(cc: ControlContext, call: Call, request: TwoCallRequest, alternated: boolean): Promise<CallControlResult> {
  try {
    await rejoinCustomerAndAgent(cc, call);
  } catch (err) {
    throw CallControlErrors.sipFailed("RequestReconnectCall", call.connId, reasonOf(err));
  }
  await stopHoldMedia(cc, call);
  const state = controlState(call);
  // After RequestAlternateCall the agent was already retrieved: no second EventRetrieved.
  if (alternated || !state.held) return { connId: call.connId };
  state.held = false;
  asRequest(call, request, () => cc.ctx.events.emit("EventRetrieved", call, request.dn, { thisDn: request.dn, otherDn: call.farParty ?? null }));
  return { connId: call.connId };
}
