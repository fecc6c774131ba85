/**
 * Parties leaving a call whose media a plugin carries (call-parties.ts): a hang-up or RequestDeleteFromConference
 * (RequestReleaseCall of an agent in a conference is its own deletion), the owner deciding whether the rest goes
 * on, and the way back to a plain two-leg bridge when the owner gives the media up.
 */
import type { CallControlResult, CallRequestBase, DeleteFromConferenceRequest, SipLeg } from "@tandem/sdk";
import type { Call } from "../call.js";
import { releaseCall } from "../call-endings.js";
import { forgetLeg } from "../lost-calls.js";
import { withDirection } from "@tandem/sdk";
import { watchBridge } from "./bridge-watch.js";
import { afterCallOptions, asRequest, callOf, controlState, exclusive, reasonOf, type ControlContext } from "./control-context.js";
import { CallControlErrors } from "./errors.js";
import { partyLegs, type OwnedMedia, type OwnedParty } from "./owned-media.js";

const DELETE = "RequestDeleteFromConference";

/** RequestDeleteFromConference: BYE to the party's leg, then the same as its hang-up. */
export async function dropParty(cc: ControlContext, request: DeleteFromConferenceRequest): Promise<CallControlResult> {
  const call = callOf(cc, request, DELETE);
  const owned = controlState(call).owned;
  if (!owned) throw CallControlErrors.badState(DELETE, call.connId, "the call is not a conference");
  const party = owned.parties.find((p) => p.dn === request.otherDn);
  if (!party) throw CallControlErrors.notParty(request.otherDn, call.connId);
  // The party is taken off (synchronously, so the BYE's own end report finds it gone) before the BYE, which runs on
  // in the background: a vanished far end must not hold the request for Timer F.
  const leaving = partyLeft(cc, call, party, "local", request);
  void party.leg.bye().catch((err: unknown) => cc.ctx.logger.warn({ err: reasonOf(err), connId: call.connId }, "BYE to a deleted party failed"));
  await leaving;
  return { connId: call.connId };
}

/** `party` is gone: its record, events and agent; then the owner says whether the others go on. */
export async function partyLeft(cc: ControlContext, call: Call, party: OwnedParty, endedBy: string, request?: CallRequestBase): Promise<void> {
  const { ctx } = cc;
  const owned = controlState(call).owned;
  if (!owned || call.ended || !owned.parties.includes(party)) return;
  owned.parties = owned.parties.filter((p) => p !== party);
  party.unwatch();
  if (party.row !== undefined) ctx.store.updateLeg(party.row, { endedAt: new Date().toISOString(), endedBy });
  forgetLeg(ctx, call, party.leg); // a restart owes a party that left no BYE
  const emit = (): void => {
    call.endParty(party.dn);
    if (party.role !== "customer") ctx.events.emit("EventReleased", call, party.dn, { cause: "left-conference", endedBy });
    for (const other of owned.parties) {
      if (other.role !== "agent") continue;
      ctx.events.emit("EventPartyDeleted", call, other.dn, {
        thisDn: other.dn,
        otherDn: party.dn,
        parties: owned.parties.map((p) => p.dn),
        ...(request ? { deletedBy: request.dn } : {}),
      });
    }
  };
  if (request) asRequest(call, request, emit);
  else emit();
  if (party.role === "agent") ctx.reservations.release(party.dn, call.connId, afterCallOptions(cc));
  followLeavingAgent(call, party, owned.parties);
  const remaining = partyLegs(owned.parties);
  const decision =
    remaining.length < 2
      ? "release"
      : await owned.owner.left(call.connId, { dn: party.dn, role: party.role, leg: party.leg }, remaining).catch((err: unknown) => {
          ctx.logger.error({ err, connId: call.connId }, "the media owner failed on a party leaving; releasing the call");
          return "release" as const;
        });
  if (decision !== "release" || call.ended) return;
  const by = party.role === "customer" ? "customer" : "agent";
  const release = (): void => releaseCall(ctx, call, by, { by: endedBy === "local" ? "local" : "remote" });
  if (request) asRequest(call, request, release);
  else release();
}

/** The call's own agent left: another agent still on it becomes the one the model releases and shows. */
function followLeavingAgent(call: Call, party: OwnedParty, remaining: readonly OwnedParty[]): void {
  if (party.leg === call.agentLeg) {
    const next = remaining.find((p) => p.role === "agent") ?? remaining.find((p) => p.role !== "customer");
    if (!next) return;
    call.agentLeg = next.leg;
    call.agentLegRow = next.row;
    call.agentDn = next.role === "agent" ? next.dn : undefined;
  } else if (party.leg === call.customerLeg) {
    // The record's customer row is closed already; the release then closes the row of the leg that took its place.
    const next = remaining.find((p) => p.leg !== call.agentLeg);
    if (!next) return;
    call.customerLeg = next.leg;
    if (next.row !== undefined) call.customerLegRow = next.row;
  }
}

/**
 * The owner gives up the media of a call down to two parties: each leg is re-INVITEd with the other's SDP
 * (RFC 3725 §5, as a completed transfer does), then the model bridges them again. While the legs are lent for a
 * hold or consultation (lent-media.ts) that waits until they come back; the owner's `ended` follows then.
 */
export async function rebridgeOwned(cc: ControlContext, connId: string): Promise<void> {
  const name = "rebridge";
  const call = cc.calls.get(connId);
  if (!call || call.ended) throw CallControlErrors.unknownCall(connId);
  const state = controlState(call);
  const owned = state.owned;
  if (!owned || owned.parties.length !== 2) throw CallControlErrors.badState(name, connId, "only a call down to two parties can be bridged directly");
  if (state.held || state.consult) {
    // Lent for a hold or consultation: the legs are bridged directly when they come back (lent-media.ts).
    owned.givenBack = true;
    return;
  }
  const [first, second] = owned.parties as [OwnedParty, OwnedParty];
  const [a, b] = second.role === "customer" ? [second, first] : [first, second];
  await exclusive(call, name, async () => {
    try {
      await bridgeOwnedPair(cc, call, owned, a, b);
    } catch (err) {
      throw CallControlErrors.sipFailed(name, connId, reasonOf(err));
    }
  });
}

/** Re-INVITEs `a` and `b` towards each other (RFC 3725 §5: each learns the other's SDP), bridges them, ends `owned`. */
export async function bridgeOwnedPair(cc: ControlContext, call: Call, owned: OwnedMedia, a: Omit<OwnedParty, "unwatch">, b: Omit<OwnedParty, "unwatch">): Promise<void> {
  const { sdp } = await a.leg.reinvite({ sdp: withDirection(b.leg.remoteSdp, "sendrecv") });
  await b.leg.reinvite({ sdp: withDirection(sdp ?? a.leg.remoteSdp, "sendrecv") });
  const state = controlState(call);
  if (call.ended || state.owned !== owned) return;
  for (const party of owned.parties) party.unwatch();
  state.owned = undefined;
  call.customerLeg = a.leg;
  call.customerLegRow = a.row ?? call.customerLegRow;
  call.agentLeg = b.leg;
  call.agentLegRow = b.row;
  call.agentDn = b.role === "agent" ? b.dn : call.agentDn;
  call.bridge = cc.ctx.sip.bridge(a.leg as SipLeg, b.leg as SipLeg);
  watchBridge(cc, call, call.bridge);
  owned.owner.ended(call.connId, "rebridged");
}
