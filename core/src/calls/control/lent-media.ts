/**
 * The legs of a call whose media a plugin carries, lent to the model for a hold or a consultation
 * (`CallMediaOwner.rejoin`, docs/reference/call-control.md): a two-party call (customer and agent) of an owner
 * that takes its legs back may be held and consulted as a plain call — the hold and consultation re-INVITEs move
 * the legs (the owner told first, `lend`, so its room stops sending to them), the owner's room and its own parties
 * stay — and every way out of the hold or consultation hands the call's legs from then on back to the owner
 * instead of re-making the model's bridge. An owner without `rejoin` keeps the refusal
 * (`TANDEM_ERR_CALL_CONTROL_BAD_STATE`).
 */
import type { Call } from "../call.js";
import { controlState, reasonOf, type ControlContext } from "./control-context.js";
import { CallControlErrors } from "./errors.js";
import { watchParty } from "./media-ownership.js";
import { partyLegs, type OwnedParty } from "./owned-media.js";
import { bridgeOwnedPair } from "./party-leaving.js";

/** The owner is told its legs are about to be moved (`owner.lend`), so its room stops sending to them. */
export async function lendLegs(cc: ControlContext, call: Call): Promise<void> {
  const owned = controlState(call).owned;
  if (!owned?.owner.lend) return;
  await owned.owner.lend(call.connId, partyLegs(owned.parties)).catch((err: unknown) => cc.ctx.logger.warn({ err: reasonOf(err), connId: call.connId }, "the media owner could not quiet the legs it lends"));
}

/**
 * The lent legs go back into the owner's room as `parties` (`owner.rejoin`; the customer first); the model then
 * watches the parties new to it and no longer watches the legs not listed (the caller ends those, e.g. the
 * transferring agent's). Two parties of an owner that gave the media back meanwhile are bridged directly instead.
 */
export async function rejoinOwner(cc: ControlContext, call: Call, parties: readonly Omit<OwnedParty, "unwatch">[]): Promise<void> {
  const owned = controlState(call).owned;
  if (!owned?.owner.rejoin) throw CallControlErrors.badState("rejoin", call.connId, "no media owner takes the call's legs back");
  const [customer, other] = parties;
  if (owned.givenBack && parties.length === 2 && customer && other) {
    // The owner gave the media back meanwhile: the two legs talk directly (RFC 3725 §5), its `ended` follows.
    return bridgeOwnedPair(cc, call, owned, customer, other);
  }
  await owned.owner.rejoin(call.connId, partyLegs(parties));
  if (call.ended || controlState(call).owned !== owned) return;
  const kept = owned.parties.filter((p) => parties.some((n) => n.leg === p.leg));
  for (const party of owned.parties) if (!kept.includes(party)) party.unwatch();
  owned.parties = parties.map((n) => kept.find((p) => p.leg === n.leg) ?? watchParty(cc, call, n));
}

/**
 * The end of a hold or consultation: customer and agent back in the owner's room. When the owner cannot take
 * them (its MCU failed), the two legs are bridged directly instead (RFC 3725 §5) and the owner's media ends, so
 * the call goes on.
 */
export async function rejoinCustomerAndAgent(cc: ControlContext, call: Call): Promise<void> {
  const owned = controlState(call).owned;
  if (!owned) return;
  const customer = owned.parties.find((p) => p.leg === call.customerLeg);
  const agent = owned.parties.find((p) => p.leg === call.agentLeg);
  if (!customer || !agent) throw CallControlErrors.badState("rejoin", call.connId, "the call's customer or agent is no party of it");
  try {
    await rejoinOwner(cc, call, [customer, agent]);
  } catch (err) {
    cc.ctx.logger.warn({ err: reasonOf(err), connId: call.connId }, "the media owner could not take the call's legs back; bridging them directly");
    await bridgeOwnedPair(cc, call, owned, customer, agent);
  }
}
