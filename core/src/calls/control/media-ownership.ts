/**
 * A call's media handed to a plugin (call-parties.ts for a conference, call-media-takeover.ts for a plain call):
 * the model marks the call as owned and watches every party's leg, so a party leaving (party-leaving.ts) and the
 * call's end work the same whichever way the owner got the call.
 */
import type { CallMediaOwner } from "@tandem/sdk";
import type { Call } from "../call.js";
import { afterCallOptions, controlState, reasonOf, type ControlContext } from "./control-context.js";
import type { OwnedMedia, OwnedParty } from "./owned-media.js";
import { partyLeft } from "./party-leaving.js";

/** Marks the call's media as `owner`'s and watches every party's leg. */
export function ownMedia(cc: ControlContext, call: Call, owner: CallMediaOwner, parties: Omit<OwnedParty, "unwatch">[]): OwnedMedia {
  const owned: OwnedMedia = { owner, parties: [] };
  for (const input of parties) {
    // Until the owner sets its own, a peer's offer is answered with the leg's last SDP (nothing relayed across).
    input.leg.onOffer(async () => input.leg.localSdp ?? "");
    owned.parties.push(watchParty(cc, call, input));
  }
  controlState(call).owned = owned;
  // Whatever ends the call (a release, the last party leaving) ends every leg the owner carried.
  call.abort.signal.addEventListener("abort", () => endOwnedMedia(cc, call, owned), { once: true });
  return owned;
}

/** A party of an owned call whose leg ending is its leaving (party-leaving.ts). */
export function watchParty(cc: ControlContext, call: Call, input: Omit<OwnedParty, "unwatch">): OwnedParty {
  const party: OwnedParty = { ...input, unwatch: () => undefined };
  party.unwatch = input.leg.onEnded((reason) => void partyLeft(cc, call, party, reason.by));
  return party;
}

/** The call ended while `owned` carried it: every leg still up gets its BYE, every agent on it is freed, the owner told. */
function endOwnedMedia(cc: ControlContext, call: Call, owned: OwnedMedia): void {
  const state = controlState(call);
  // Media given back (rebridge) or refused by the owner is no longer this ownership's to end.
  if (state.owned !== owned) return;
  state.owned = undefined;
  const now = new Date().toISOString();
  for (const party of owned.parties) {
    party.unwatch();
    if (party.row !== undefined && party.row !== call.customerLegRow && party.row !== call.agentLegRow) {
      cc.ctx.store.updateLeg(party.row, { endedAt: now, endedBy: "local" });
    }
    if (party.role === "agent") cc.ctx.reservations.release(party.dn, call.connId, afterCallOptions(cc));
    void party.leg.bye().catch((err: unknown) => cc.ctx.logger.warn({ err: reasonOf(err), connId: call.connId }, "BYE to a party of a call whose media was owned failed"));
  }
  owned.owner.ended(call.connId, "released");
}
