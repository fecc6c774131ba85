/**
 * The call model's side of {@link CallMediaTakeover} (SDK `CALL_MEDIA_TAKEOVER`, provided as `core`): a plain
 * established call handed to a media owner (its two legs watched as a conference's, media-ownership.ts, so a
 * party leaving and the call's end work the same), an extra leg rung through the trunk for it, and the room of a
 * call whose owner shares it.
 */
import { TandemError, type CallMediaOwner, type CallMediaTakeover, type ExtraLegOptions, type RoomSharingOwner, type SipLeg } from "@tandem/sdk";
import { watchBridge } from "./bridge-watch.js";
import { controlState, exclusive, reasonOf, type ControlContext } from "./control-context.js";
import { CallControlErrors } from "./errors.js";
import { ownMedia } from "./media-ownership.js";
import { partyLegs } from "./owned-media.js";
import { ringDn } from "./ring-dn.js";

export function createCallMediaTakeover(cc: ControlContext): CallMediaTakeover {
  return {
    takeMedia: (connId, owner) => takeMedia(cc, connId, owner),
    ringLeg: (connId, dn, options) => ringLeg(cc, connId, dn, options),
    sharedRoom: (connId) => {
      const call = cc.calls.get(connId);
      const owner = call && !call.ended ? controlState(call).owned?.owner : undefined;
      return owner && sharesRooms(owner) ? owner.sharedRoom(connId) : undefined;
    },
  };
}

function sharesRooms(owner: CallMediaOwner): owner is RoomSharingOwner {
  return typeof (owner as Partial<RoomSharingOwner>).sharedRoom === "function";
}

async function takeMedia(cc: ControlContext, connId: string, owner: CallMediaOwner): Promise<void> {
  const name = "takeMedia";
  const call = cc.calls.get(connId);
  if (!call || call.ended) throw CallControlErrors.unknownCall(connId);
  const state = controlState(call);
  if (state.owned?.owner === owner) return;
  if (state.owned) throw CallControlErrors.badState(name, connId, "another plugin carries the call's media");
  if (state.held || state.consult) throw CallControlErrors.badState(name, connId, "the call is held or in a consultation");
  const customer = call.customerLeg;
  const phone = call.agentLeg;
  if (!customer || !phone || !call.bridge) throw CallControlErrors.badState(name, connId, "the call is not established");
  await exclusive(call, name, async () => {
    const old = call.bridge;
    call.bridge = undefined;
    old?.unbridge();
    const owned = ownMedia(cc, call, owner, [
      { dn: call.farParty ?? "", role: "customer", leg: customer, row: call.customerLegRow },
      { dn: call.agentDn ?? "", role: "agent", leg: phone, row: call.agentLegRow },
    ]);
    try {
      await owner.connect(connId, partyLegs(owned.parties));
    } catch (err) {
      // Back to the model's own bridge: the owner refused before moving a leg, or failed midway.
      for (const party of owned.parties) party.unwatch();
      state.owned = undefined;
      call.bridge = cc.ctx.sip.bridge(customer, phone);
      watchBridge(cc, call, call.bridge);
      throw err instanceof TandemError ? err : CallControlErrors.sipFailed(name, connId, reasonOf(err));
    }
  });
}

async function ringLeg(cc: ControlContext, connId: string, dn: string, options: ExtraLegOptions): Promise<SipLeg> {
  const call = cc.calls.get(connId);
  if (!call || call.ended) throw CallControlErrors.unknownCall(connId);
  const result = await ringDn(cc, call, dn, {
    role: "destination",
    ringTimeoutMs: options.ringTimeoutMs,
    sdp: options.sdp,
    fromUser: call.farParty ?? "anonymous",
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!result.ok) {
    const failure = result.failure;
    throw CallControlErrors.sipFailed("ringLeg", connId, `${dn}: ${failure.outcome}${"status" in failure && failure.status !== undefined ? ` ${failure.status}` : ""}`);
  }
  const { leg, row } = result;
  leg.onEnded((reason) => cc.ctx.store.updateLeg(row, { endedAt: new Date().toISOString(), endedBy: reason.by }));
  if (call.ended) void leg.bye().catch(() => undefined);
  return leg;
}
