/**
 * The call model's side of calls whose media a plugin carries (SDK `CALL_PARTIES`, provided as `core`):
 * RequestCompleteConference's bookkeeping (the consultation's target joins the held call), and the call's end
 * reaching every party. The model stops its customer ↔ agent bridge and hands the legs to the owner; it never
 * learns where their media goes (RFC 3725 third-party control is the owner's business). Parties leaving and
 * the return to a plain two-leg call are in party-leaving.ts.
 */
import {
  SipError,
  TandemError,
  type CallControlResult,
  type CallMediaOwner,
  type CallParties,
  type CallPartyLeg,
  type SipLeg,
  type TwoCallRequest,
} from "@tandem/sdk";
import type { Call } from "../call.js";
import { pinOffers, watchBridge } from "./bridge-watch.js";
import { consultOf, endConsultState } from "./consult-end.js";
import type { Consult } from "./consult-state.js";
import { asRequest, controlState, exclusive, reasonOf, type ControlContext } from "./control-context.js";
import { CallControlErrors } from "./errors.js";
import { stopHoldMedia } from "./hold-media.js";
import { rejoinOwner } from "./lent-media.js";
import { ownMedia } from "./media-ownership.js";
import { partyLegs } from "./owned-media.js";
import { dropParty, rebridgeOwned } from "./party-leaving.js";
import { recordParty } from "../lost-calls.js";

const NAME = "RequestCompleteConference";

export function createCallParties(cc: ControlContext): CallParties {
  return {
    joinConsult: (request, owner) => joinConsult(cc, request, owner),
    parties: (connId) => {
      const call = cc.calls.get(connId);
      const owned = call ? controlState(call).owned : undefined;
      return owned ? partyLegs(owned.parties) : [];
    },
    dropParty: (request) => dropParty(cc, request),
    rebridge: (connId) => rebridgeOwned(cc, connId),
  };
}

async function joinConsult(cc: ControlContext, request: TwoCallRequest, owner: CallMediaOwner): Promise<CallControlResult> {
  const { call, consult } = consultOf(cc, request, NAME);
  const target = consult.leg;
  if (!target) throw CallControlErrors.badState(NAME, request.connId, "the consultation target has not answered");
  const customer = call.customerLeg as SipLeg;
  const phone = call.agentLeg as SipLeg;
  const state = controlState(call);
  if (state.owned) return joinLent(cc, call, consult, request);
  await exclusive(call, NAME, async () => {
    consult.over = true;
    const old = call.bridge;
    call.bridge = undefined;
    old?.unbridge();
    // What each leg had before the owner moved it, to put back a leg moved before a later one failed.
    const before = new Map([customer, phone, target].map((leg) => [leg, leg.localSdp]));
    const owned = ownMedia(cc, call, owner, [
      { dn: call.farParty ?? "", role: "customer", leg: customer, row: call.customerLegRow },
      { dn: request.dn, role: "agent", leg: phone, row: call.agentLegRow },
      { dn: consult.target, role: consult.toAgent ? "agent" : "destination", leg: target, row: consult.row },
    ]);
    try {
      await owner.connect(call.connId, partyLegs(owned.parties));
    } catch (err) {
      // Back to the consultation: the customer held on the agent's phone dialog, the target still consulted.
      for (const party of owned.parties) party.unwatch();
      state.owned = undefined;
      consult.over = false;
      await restoreMoved(cc, call, before);
      call.bridge = cc.ctx.sip.bridge(customer, phone);
      watchBridge(cc, call, call.bridge);
      pinOffers(call);
      // The owner's own refusals (an MCU down or full) keep their codes; a leg refusing is a SIP failure of the request.
      throw err instanceof TandemError && !(err instanceof SipError) ? err : CallControlErrors.sipFailed(NAME, call.connId, reasonOf(err));
    }
  });
  endConsultIntoCall(cc, call, consult, request);
  void stopHoldMedia(cc, call); // the customer is in the conference now
  return { connId: call.connId };
}

/**
 * A call whose media owner lent its legs for the consultation (lent-media.ts): the three legs go into that owner's
 * room, and it carries the conference; the conferencing plugin's own room is not used.
 */
async function joinLent(cc: ControlContext, call: Call, consult: Consult, request: TwoCallRequest): Promise<CallControlResult> {
  const target = consult.leg as SipLeg;
  const owned = controlState(call).owned;
  const customer = owned?.parties.find((p) => p.leg === call.customerLeg);
  const agent = owned?.parties.find((p) => p.leg === call.agentLeg);
  if (!customer || !agent) throw CallControlErrors.badState(NAME, call.connId, "the call's customer or agent is no party of it");
  await exclusive(call, NAME, async () => {
    consult.over = true;
    try {
      await rejoinOwner(cc, call, [customer, { dn: request.dn, role: "agent", leg: agent.leg, row: agent.row }, { dn: consult.target, role: consult.toAgent ? "agent" : "destination", leg: target, row: consult.row }]);
    } catch (err) {
      consult.over = false;
      pinOffers(call);
      throw err instanceof TandemError && !(err instanceof SipError) ? err : CallControlErrors.sipFailed(NAME, call.connId, reasonOf(err));
    }
  });
  endConsultIntoCall(cc, call, consult, request);
  void stopHoldMedia(cc, call); // the customer is in the conference now
  return { connId: call.connId };
}

/**
 * A leg whose SDP the owner changed before the join failed gets its previous SDP again (RFC 3264 §8: the same
 * session, a new version), so its media goes back where it went: the phone to the consulted party and back, the
 * customer to its hold.
 */
async function restoreMoved(cc: ControlContext, call: Call, before: ReadonlyMap<SipLeg, string | undefined>): Promise<void> {
  await Promise.all(
    [...before].map(async ([leg, sdp]) => {
      if (sdp === undefined || leg.localSdp === sdp || leg.state === "terminated") return;
      await leg.reinvite({ sdp }).catch((err: unknown) => cc.ctx.logger.warn({ err: reasonOf(err), connId: call.connId, callId: leg.callId }, "putting a leg back after a failed conference failed"));
    }),
  );
}

/** The consultation is over and its target a party of the original call: events on both calls. */
function endConsultIntoCall(cc: ControlContext, call: Call, consult: Consult, request: TwoCallRequest): void {
  const { ctx } = cc;
  const state = controlState(call);
  state.consult = undefined;
  state.held = false;
  cc.consults.delete(consult.call.connId);
  endConsultState(consult, "conferenced");
  // The target's recorded leg is now a party of this call: a restart tells its DN on this call's ConnID.
  if (consult.leg) recordParty(ctx, call, consult.leg, { connId: call.connId, dns: consult.toAgent ? [consult.target] : [] });
  asRequest(consult.call, request, () => {
    for (const dn of consult.call.activeDns()) {
      consult.call.endParty(dn);
      ctx.events.emit("EventReleased", consult.call, dn, { cause: "conferenced", heldConnId: call.connId });
    }
  });
  asRequest(call, request, () => {
    call.addParty(consult.toAgent ? "agent" : "destination", consult.target);
    // As T-Library does: the joining agent's call changed ConnID (EventPartyChanged), the others gained a party.
    const parties = partiesData(call);
    if (consult.toAgent) ctx.events.emit("EventPartyChanged", call, consult.target, { thisDn: consult.target, previousConnId: consult.call.connId, conferencedBy: request.dn, parties });
    const others = (controlState(call).owned?.parties ?? []).filter((p) => p.role === "agent" && p.dn !== consult.target).map((p) => p.dn);
    for (const dn of others) ctx.events.emit("EventPartyAdded", call, dn, { thisDn: dn, otherDn: consult.target, addedBy: request.dn, parties });
  });
}

/** The parties as events show them: `{ dn, role }` of each party still on the call. */
export function partiesData(call: Call): CallPartyLeg["dn"][] {
  const owned = controlState(call).owned;
  return owned ? owned.parties.map((p) => p.dn) : [];
}
