/**
 * RequestAlternateCall between a consult and its original call (consult.ts): the phone dialog is shared, so
 * alternating holds one far end (`sendonly`), re-INVITEs the phone with the other's SDP and takes that one
 * off hold. `connId` is the call to hold, `heldConnId` the one to retrieve (in either order). The customer is
 * held as by RequestHoldCall: on the `provideHoldMedia` media (music on hold) when a plugin gives one, else
 * `sendonly` (RFC 3264 §8.4); the consulted party is always held `sendonly`. On a call whose media owner lent its
 * legs (lent-media.ts), going back to the customer hands the customer and the phone back to the owner's room.
 */
import type { CallControlResult, SipLeg, TwoCallRequest } from "@tandem/sdk";
import type { Call } from "../call.js";
import { withDirection } from "@tandem/sdk";
import { asRequest, controlState, exclusive, reasonOf, type ControlContext } from "./control-context.js";
import type { Consult } from "./consult-state.js";
import { CallControlErrors } from "./errors.js";
import { pinOffers } from "./bridge-watch.js";
import { askHoldMedia, holdCustomer, stopHoldMedia, unholdCustomer } from "./hold-media.js";
import { lendLegs, rejoinCustomerAndAgent } from "./lent-media.js";

const NAME = "RequestAlternateCall";

function pair(cc: ControlContext, request: TwoCallRequest): { call: Call; consult: Consult; toCustomer: boolean } {
  const original = cc.consults.get(request.connId) ?? cc.consults.get(request.heldConnId);
  const consult = original ? controlState(original).consult : undefined;
  if (!original || !consult || consult.over) throw CallControlErrors.unknownCall(`${request.connId}/${request.heldConnId}`);
  const ids = [request.connId, request.heldConnId].sort().join();
  if (ids !== [original.connId, consult.call.connId].sort().join()) {
    throw CallControlErrors.badState(NAME, request.connId, "the two ConnIDs are not a consultation call and its original");
  }
  if (original.agentDn !== request.dn) throw CallControlErrors.notParty(request.dn, request.connId);
  if (!consult.leg) throw CallControlErrors.badState(NAME, request.connId, "the consultation target has not answered");
  const toCustomer = request.connId === consult.call.connId;
  if (toCustomer === consult.held) throw CallControlErrors.badState(NAME, request.connId, "that call is already held");
  return { call: original, consult, toCustomer };
}

export async function alternateCall(cc: ControlContext, request: TwoCallRequest): Promise<CallControlResult> {
  const { call, consult, toCustomer } = pair(cc, request);
  const customer = call.customerLeg as SipLeg;
  const target = consult.leg as SipLeg;
  const phone = call.agentLeg as SipLeg;
  const [away, back] = toCustomer ? [target, customer] : [customer, target];
  await exclusive(call, NAME, async () => {
    try {
      const lent = controlState(call).owned !== undefined;
      // A lent call (lent-media.ts): away from the customer the legs are lent again, offers pinned.
      if (lent && away === customer) await lendLegs(cc, call);
      await (away === customer ? holdCustomer(cc, call, customer, await askHoldMedia(cc, call)) : away.hold("sendonly"));
      if (lent) {
        // Back to the customer is back in the owner's room.
        if (back === customer) return await backToOwner(cc, call);
        pinOffers(call);
      }
      await phone.reinvite({ sdp: withDirection(back.remoteSdp, "sendrecv") });
      await (back === customer ? unholdCustomer(cc, call) : back.unhold());
      // The customer's offers answered with its own SDP again, not by hold media that has stopped.
      if (back === customer) pinOffers(call);
    } catch (err) {
      throw CallControlErrors.sipFailed(NAME, request.connId, reasonOf(err));
    }
  });
  consult.held = toCustomer;
  controlState(call).held = !toCustomer;
  const [heldCall, retrievedCall] = toCustomer ? [consult.call, call] : [call, consult.call];
  asRequest(heldCall, request, () => cc.ctx.events.emit("EventHeld", heldCall, request.dn, { thisDn: request.dn }));
  asRequest(retrievedCall, request, () => cc.ctx.events.emit("EventRetrieved", retrievedCall, request.dn, { thisDn: request.dn }));
  return { connId: request.heldConnId };
}

/** The agent and the customer of a lent call talk in its owner's room again (recorded, supervised), off hold media. */
async function backToOwner(cc: ControlContext, call: Call): Promise<void> {
  await rejoinCustomerAndAgent(cc, call);
  await stopHoldMedia(cc, call);
  // Bridged directly instead (the owner gave the media back): the consultation's offers stay pinned, as for a plain call.
  if (!controlState(call).owned) pinOffers(call);
}
