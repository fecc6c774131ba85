/**
 * RequestSingleStepTransfer by third-party call control (RFC 3725 spirit, never REFER to the PBX): a new
 * INVITE to the target with the customer's SDP (forced back to `sendrecv` if the call was held); when the
 * target answers, the customer's leg is re-INVITEd with the target's SDP, customer ↔ target are bridged and
 * the transferring agent's leg gets a BYE. Until the target answers the customer stays with the agent; if it
 * never does, the call is left as it was and the agent's DN gets EventPartyDeleted with the cause. A call in the
 * room of a media owner that lends its legs (lent-media.ts) stays there: the target is rung `inactive` and, once it
 * answered, the owner takes it in the agent's place (`rejoin` with the customer and the target).
 */
import { AGENT_DN_TYPES, type CallControlResult, type CallDestinationRequest, type SipLeg } from "@tandem/sdk";
import type { Call } from "../call.js";
import { releaseCall } from "../call-endings.js";
import { withDirection } from "@tandem/sdk";
import { watchBridge } from "./bridge-watch.js";
import { afterCallOptions, asRequest, controlState, establishedCallOf, finished, reasonOf, type ControlContext } from "./control-context.js";
import { applyUserData } from "./user-data.js";
import { ringDn } from "./ring-dn.js";
import { carriedHeaders } from "../carried-headers.js";
import { CallControlErrors } from "./errors.js";
import { rejoinCustomerAndAgent, rejoinOwner } from "./lent-media.js";
import { recordDialogs } from "../lost-calls.js";

const NAME = "RequestSingleStepTransfer";

export async function singleStepTransfer(cc: ControlContext, request: CallDestinationRequest): Promise<CallControlResult> {
  const call = establishedCallOf(cc, request, NAME);
  const target = request.destination;
  if (target === request.dn) throw CallControlErrors.badState(NAME, call.connId, "the call cannot be transferred to its own agent");
  if (controlState(call).consult) throw CallControlErrors.badState(NAME, call.connId, "a consultation call is under way; complete or reconnect it");
  // The target gets the customer's SDP, back to sendrecv if the call was held (a bad SDP refuses the request here);
  // for a call in a media owner's room `inactive`, as no media goes anywhere until the owner takes the target in.
  const offer = withDirection((call.customerLeg as SipLeg).remoteSdp, controlState(call).owned ? "inactive" : "sendrecv");
  const record = cc.ctx.dns.get(target);
  const toAgent = record !== undefined && AGENT_DN_TYPES.includes(record.type);
  if (toAgent && !cc.ctx.reservations.reserve(target, call.connId, "direct")) throw CallControlErrors.agentBusy(target);
  const state = controlState(call);
  state.pending = NAME;
  asRequest(call, request, () => {
    if (request.userData) applyUserData(cc, call, request.userData, "update");
    call.addParty(toAgent ? "agent" : "destination", target);
    if (toAgent) cc.ctx.events.emit("EventRinging", call, target, { otherDn: call.farParty ?? null, thisDn: target, transferredBy: request.dn });
  });
  void transfer(cc, call, request, toAgent, offer)
    .catch((err: unknown) => cc.ctx.logger.error({ err, connId: call.connId }, "single-step transfer failed"))
    .finally(() => finished(call, NAME));
  return { connId: call.connId };
}

async function transfer(cc: ControlContext, call: Call, request: CallDestinationRequest, toAgent: boolean, offer: string): Promise<void> {
  const { ctx } = cc;
  const target = request.destination;
  const customer = call.customerLeg as SipLeg;
  const ring = await ringDn(cc, call, target, {
    role: toAgent ? "agent" : "destination",
    ringTimeoutMs: ctx.config.ringTimeoutMs,
    sdp: offer,
    fromUser: call.farParty ?? "anonymous",
    // The target is reached for the caller: it gets the caller's identity headers as an agent would.
    headers: carriedHeaders(ctx.config, call.invite),
  });
  if (!ring.ok || call.ended) {
    if (ring.ok) await ring.leg.bye().catch(() => undefined);
    const cause = ring.ok ? "call-ended" : ring.failure.outcome;
    return failed(cc, call, request, toAgent, cause);
  }
  const previous = { leg: call.agentLeg as SipLeg, dn: request.dn, row: call.agentLegRow };
  const moved = controlState(call).owned ? await intoOwnersRoom(cc, call, request, toAgent, ring) : await customerToTarget(cc, call, request, toAgent, ring.leg);
  if (!moved) return;
  if (call.ended) return void (await ring.leg.bye().catch(() => undefined));
  controlState(call).held = false;
  call.agentLeg = ring.leg;
  call.agentLegRow = ring.row;
  call.agentDn = toAgent ? target : undefined;
  if (!controlState(call).owned && !call.bridge) {
    call.bridge = ctx.sip.bridge(customer, ring.leg);
    watchBridge(cc, call, call.bridge);
  }
  recordDialogs(ctx, call); // the target's dialog replaces the agent's for crash recovery
  const now = new Date().toISOString();
  if (previous.row !== undefined) ctx.store.updateLeg(previous.row, { endedAt: now, endedBy: "transferred" });
  ctx.store.updateCall(call.connId, { ...(toAgent ? { agentDn: target } : {}) });
  finished(call, NAME);
  asRequest(call, request, () => {
    call.endParty(previous.dn);
    ctx.events.emit("EventPartyChanged", call, previous.dn, { thisDn: previous.dn, thirdDn: target, cause: "single-step-transfer" });
    ctx.events.emit("EventReleased", call, previous.dn, { cause: "transferred", thirdDn: target, releasedBy: "agent" });
    ctx.events.emit("EventEstablished", call, target, { otherDn: call.farParty ?? null, thisDn: target, transferredBy: previous.dn });
  });
  ctx.reservations.release(previous.dn, call.connId, afterCallOptions(cc));
  await previous.leg.bye().catch((err: unknown) => ctx.logger.warn({ err, connId: call.connId }, "BYE to the transferring agent failed"));
}

/** The customer re-INVITEd with the target's SDP; false when it refused (then the call is back with the agent). */
async function customerToTarget(cc: ControlContext, call: Call, request: CallDestinationRequest, toAgent: boolean, target: SipLeg): Promise<boolean> {
  const customer = call.customerLeg as SipLeg;
  const phone = call.agentLeg as SipLeg;
  const old = call.bridge;
  call.bridge = undefined;
  old?.unbridge();
  try {
    await customer.reinvite({ sdp: target.remoteSdp ?? "" });
    return true;
  } catch (err) {
    cc.ctx.logger.warn({ err: reasonOf(err), connId: call.connId }, "customer refused the transfer re-INVITE");
    await target.bye().catch(() => undefined);
    if (customer.state === "terminated" || phone.state === "terminated") {
      asRequest(call, request, () => releaseCall(cc.ctx, call, "system", { by: "local" }));
      return false;
    }
    call.bridge = cc.ctx.sip.bridge(customer, phone);
    watchBridge(cc, call, call.bridge);
    failed(cc, call, request, toAgent, "customer-refused");
    return false;
  }
}

/**
 * A call in a media owner's room that lends its legs (lent-media.ts): the owner takes the customer and the target
 * (in the agent's seat) from now on; false when it cannot (then the customer and agent go back to it).
 */
async function intoOwnersRoom(cc: ControlContext, call: Call, request: CallDestinationRequest, toAgent: boolean, ring: { leg: SipLeg; row: number | undefined }): Promise<boolean> {
  const customer = controlState(call).owned?.parties.find((p) => p.leg === call.customerLeg);
  try {
    if (!customer) throw new Error("the call's customer is no party of it");
    await rejoinOwner(cc, call, [customer, { dn: request.destination, role: toAgent ? "agent" : "destination", leg: ring.leg, row: ring.row }]);
    return true;
  } catch (err) {
    cc.ctx.logger.warn({ err: reasonOf(err), connId: call.connId }, "the media owner could not take the transfer's target");
    await ring.leg.bye().catch(() => undefined);
    await rejoinCustomerAndAgent(cc, call).catch((back: unknown) => cc.ctx.logger.warn({ err: reasonOf(back), connId: call.connId }, "the customer and agent could not go back to the media owner"));
    failed(cc, call, request, toAgent, "media-owner-refused");
    return false;
  }
}

/** The target never came: the call stays with the agent; the target's party and reservation go. */
function failed(cc: ControlContext, call: Call, request: CallDestinationRequest, toAgent: boolean, cause: string): void {
  const target = request.destination;
  finished(call, NAME);
  asRequest(call, request, () => {
    call.endParty(target);
    if (call.ended) return;
    if (toAgent) cc.ctx.events.emit("EventReleased", call, target, { cause });
    cc.ctx.events.emit("EventPartyDeleted", call, request.dn, { thisDn: request.dn, thirdDn: target, cause: `transfer failed: ${cause}` });
  });
  if (toAgent) cc.ctx.reservations.release(target, call.connId, { source: "calls" });
}
