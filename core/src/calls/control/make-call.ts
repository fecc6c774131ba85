/**
 * RequestMakeCall by RFC 3725 flow I: an INVITE without SDP to the agent's own phone (it rings first); when
 * it answers, its 200 carries an offer, which goes in a new INVITE to the destination; the destination's
 * answer goes back to the phone in the ACK, and the two legs are bridged. Events on the agent's DN:
 * EventDialing (phone ringing), EventNetworkReached (destination INVITE out; EventRinging too on an agent
 * destination), EventEstablished (destination answered).
 */
import { AGENT_DN_TYPES, type CallControlResult, type MakeCallRequest, type SipLeg } from "@tandem/sdk";
import { Call } from "../call.js";
import { CallState } from "../call-types.js";
import { rejectCall } from "../call-endings.js";
import { establishCall } from "../established.js";
import { asRequest, type ControlContext } from "./control-context.js";
import { CallControlErrors } from "./errors.js";
import { outboundPlaceholder } from "./outbound-placeholder.js";
import { ringDn, type RingResult } from "./ring-dn.js";
import { applyUserData } from "./user-data.js";

/** Extra time the phone's INVITE may wait past its own ringing: its ACK waits for the destination's answer. */
const ACK_WAIT_MARGIN_MS = 5_000;

export async function makeCall(cc: ControlContext, request: MakeCallRequest): Promise<CallControlResult> {
  const { ctx } = cc;
  const record = ctx.dns.get(request.dn);
  if (!record || !AGENT_DN_TYPES.includes(record.type)) throw CallControlErrors.notAgent(request.dn);
  if (request.destination.trim() === "" || request.destination === request.dn) {
    throw CallControlErrors.badState("RequestMakeCall", "(new)", "the destination must be another number");
  }
  const invite = outboundPlaceholder(request.dn, request.destination, (user) => ctx.sip.localUri(user));
  const call = new Call({ invite, entryDn: request.dn, kind: "direct", now: new Date(), callType: "Outbound" });
  if (!ctx.reservations.reserve(request.dn, call.connId, "direct")) throw CallControlErrors.agentBusy(request.dn);
  call.agentDn = request.dn;
  cc.admit(call);
  asRequest(call, request, () => {
    if (request.userData) applyUserData(cc, call, request.userData, "update");
    call.addParty("agent", request.dn);
    call.to(CallState.Ringing);
    ctx.store.updateCall(call.connId, { state: call.state, agentDn: request.dn });
    ctx.events.emit("EventDialing", call, request.dn, { thisDn: request.dn, otherDn: request.destination });
  });
  void dial(cc, call, request).catch((err: unknown) => {
    ctx.logger.error({ err, connId: call.connId }, "make-call failed");
    asRequest(call, request, () => rejectCall(ctx, call, 500, "failed"));
  });
  return { connId: call.connId };
}

async function dial(cc: ControlContext, call: Call, request: MakeCallRequest): Promise<void> {
  const { ctx } = cc;
  const ringTimeoutMs = ctx.config.ringTimeoutMs;
  let destination: RingResult | undefined;
  const phone = await ringDn(cc, call, request.dn, {
    role: "agent",
    fromUser: request.destination,
    ringTimeoutMs: 2 * ringTimeoutMs + ACK_WAIT_MARGIN_MS,
    // The phone answered with its offer: only now is the destination called (flow I, steps 3–5).
    onOffer: async (offer) => {
      destination = await callDestination(cc, call, request, offer, ringTimeoutMs);
      if (!destination.ok) throw CallControlErrors.sipFailed("RequestMakeCall", call.connId, destination.failure.outcome);
      return destination.leg.remoteSdp ?? "";
    },
  });
  if (call.ended) {
    for (const r of [phone, destination]) if (r?.ok) await r.leg.bye().catch(() => undefined);
    return;
  }
  if (!phone.ok || !destination?.ok) {
    if (destination?.ok) await destination.leg.bye().catch(() => undefined);
    const cause = destination && !destination.ok ? destination.failure.outcome : phone.ok ? "failed" : phone.failure.outcome;
    const status = destination && !destination.ok ? destination.failure.status : phone.ok ? undefined : phone.failure.status;
    return asRequest(call, request, () => rejectCall(ctx, call, status ?? 480, cause));
  }
  call.agentLeg = phone.leg;
  call.agentLegRow = phone.row;
  call.customerLeg = destination.leg;
  call.customerLegRow = destination.row;
  call.bridge = ctx.sip.bridge(destination.leg as SipLeg, phone.leg);
  asRequest(call, request, () => establishCall(ctx, call, request.dn));
}

async function callDestination(cc: ControlContext, call: Call, request: MakeCallRequest, offer: string, ringTimeoutMs: number): Promise<RingResult> {
  const { ctx } = cc;
  const record = ctx.dns.get(request.destination);
  const toAgent = record !== undefined && AGENT_DN_TYPES.includes(record.type);
  let reached = false;
  asRequest(call, request, () => {
    if (toAgent) ctx.events.emit("EventRinging", call, request.destination, { thisDn: request.destination, otherDn: request.dn });
  });
  const result = await ringDn(cc, call, request.destination, {
    role: "destination",
    fromUser: request.dn,
    ringTimeoutMs,
    sdp: offer,
    onProgress: () => {
      if (reached || call.ended) return;
      reached = true;
      asRequest(call, request, () => ctx.events.emit("EventNetworkReached", call, request.dn, { thisDn: request.dn, otherDn: request.destination }));
    },
  });
  // Answered without any provisional response: the network was reached all the same.
  if (result.ok && !reached && !call.ended) {
    asRequest(call, request, () => ctx.events.emit("EventNetworkReached", call, request.dn, { thisDn: request.dn, otherDn: request.destination }));
  }
  return result;
}
