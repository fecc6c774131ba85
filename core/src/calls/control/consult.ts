/**
 * RequestInitiateTransfer: the consultation leg of a consultative transfer, by third-party call control
 * (RFC 3725; never REFER to CUCM). The original call is held (customer `sendonly`, the agent's phone
 * `inactive`), the target gets an INVITE with the phone's SDP, and when it answers the phone is re-INVITEd
 * with the target's SDP: the agent talks to the target on the same phone dialog. The consult has its own
 * ConnID for its events; its leg is recorded on the original call. Completion and reconnection are in
 * consult-end.ts. A target that never answers leaves the original call retrieved as it was (RFC 5589 §6.3
 * spirit: the transferor's legs go only after the target answered).
 */
import { AGENT_DN_TYPES, type CallControlResult, type CallDestinationRequest, type SipLeg } from "@tandem/sdk";
import { Call } from "../call.js";
import { CallState } from "../call-types.js";
import { withDirection } from "@tandem/sdk";
import { asRequest, controlState, establishedCallOf, exclusive, finished, reasonOf, type ControlContext } from "./control-context.js";
import type { Consult } from "./consult-state.js";
import { closeConsult, restorePhone } from "./consult-end.js";
import { CallControlErrors } from "./errors.js";
import { holdLegs, retrieveLegs } from "./hold.js";
import { outboundPlaceholder } from "./outbound-placeholder.js";
import { ringDn } from "./ring-dn.js";
import { recordParty } from "../lost-calls.js";

const NAME = "RequestInitiateTransfer";

export async function initiateTransfer(cc: ControlContext, request: CallDestinationRequest): Promise<CallControlResult> {
  const { ctx } = cc;
  const call = establishedCallOf(cc, request, NAME);
  const state = controlState(call);
  const target = request.destination;
  if (state.consult) throw CallControlErrors.badState(NAME, call.connId, "a consultation call is already under way");
  if (target === request.dn) throw CallControlErrors.badState(NAME, call.connId, "the agent cannot consult itself");
  const offer = withDirection((call.agentLeg as SipLeg).remoteSdp, "sendrecv");
  const record = ctx.dns.get(target);
  const toAgent = record !== undefined && AGENT_DN_TYPES.includes(record.type);
  if (toAgent && !ctx.reservations.reserve(target, call.connId, "direct")) throw CallControlErrors.agentBusy(target);
  const wasHeld = state.held;
  try {
    if (!wasHeld) await exclusive(call, NAME, () => holdLegs(cc, call, NAME));
  } catch (err) {
    if (toAgent) ctx.reservations.release(target, call.connId, { source: "calls" });
    throw err;
  }
  state.held = true;
  const consult = newConsult(cc, call, request, toAgent);
  state.consult = consult;
  cc.consults.set(consult.call.connId, call);
  // The original call ending (customer hung up) ends the consult too: the phone dialog is gone with it.
  call.abort.signal.addEventListener("abort", () => void closeConsult(cc, call, consult, undefined, "call-ended"), { once: true });
  if (!wasHeld) asRequest(call, request, () => ctx.events.emit("EventHeld", call, request.dn, { thisDn: request.dn, otherDn: call.farParty ?? null }));
  asRequest(consult.call, request, () => {
    ctx.events.emit("EventDialing", consult.call, request.dn, { thisDn: request.dn, otherDn: target, heldConnId: call.connId });
    if (toAgent) ctx.events.emit("EventRinging", consult.call, target, { thisDn: target, otherDn: request.dn });
  });
  state.pending = NAME;
  void ringConsult(cc, call, consult, request, offer)
    .catch((err: unknown) => ctx.logger.error({ err, connId: call.connId }, "consultation call failed"))
    .finally(() => finished(call, NAME));
  return { connId: consult.call.connId };
}

function newConsult(cc: ControlContext, call: Call, request: CallDestinationRequest, toAgent: boolean): Consult {
  const invite = outboundPlaceholder(request.dn, request.destination, (user) => cc.ctx.sip.localUri(user));
  const consultCall = new Call({ invite, entryDn: request.dn, kind: "direct", now: new Date(), callType: "Outbound" });
  consultCall.agentDn = request.dn;
  consultCall.addParty("agent", request.dn);
  if (toAgent) consultCall.addParty("agent", request.destination);
  Object.assign(consultCall.userData, call.userData, request.userData ?? {});
  // The consult's events show its own progress: Ringing from EventDialing on (consult-end.ts ends it).
  consultCall.to(CallState.Ringing);
  return { call: consultCall, target: request.destination, toAgent, abort: new AbortController(), leg: undefined, row: undefined, held: false, over: false };
}

async function ringConsult(cc: ControlContext, call: Call, consult: Consult, request: CallDestinationRequest, offer: string): Promise<void> {
  const { ctx } = cc;
  const ring = await ringDn(cc, call, consult.target, {
    role: consult.toAgent ? "agent" : "destination",
    ringTimeoutMs: ctx.config.ringTimeoutMs,
    sdp: offer,
    fromUser: request.dn,
    signal: consult.abort.signal,
  });
  if (consult.over) {
    if (ring.ok) await ring.leg.bye().catch(() => undefined);
    return;
  }
  if (!ring.ok) {
    // Never answered: the consult ends and the original call comes back as it was.
    finished(call, NAME);
    await closeConsult(cc, call, consult, request, ring.failure.outcome);
    await retrieveLegs(cc, call, NAME)
      .then(() => {
        controlState(call).held = false;
        asRequest(call, request, () => ctx.events.emit("EventRetrieved", call, request.dn, { thisDn: request.dn, otherDn: call.farParty ?? null }));
      })
      .catch((err: unknown) => ctx.logger.warn({ err: reasonOf(err), connId: call.connId }, "retrieving after a failed consult failed"));
    return;
  }
  consult.leg = ring.leg;
  consult.row = ring.row;
  // The target's dialog on disk at once: a crash from here on must not leave the consulted party in a dead call.
  recordParty(ctx, call, ring.leg, { connId: consult.call.connId, dns: consult.toAgent ? [request.dn, consult.target] : [request.dn] });
  ring.leg.onEnded(() => {
    // The target hung up during the consult: the phone goes back to the held customer (unless the agent had
    // alternated back to the customer already).
    if (consult.over) return;
    const phoneOnTarget = !consult.held;
    void closeConsult(cc, call, consult, undefined, "target-released").then(() => (phoneOnTarget ? restorePhone(cc, call, "inactive") : undefined));
  });
  try {
    await (call.agentLeg as SipLeg).reinvite({ sdp: ring.leg.remoteSdp ?? "" });
  } catch (err) {
    ctx.logger.warn({ err: reasonOf(err), connId: call.connId }, "the agent's phone refused the consult re-INVITE");
    await closeConsult(cc, call, consult, request, "phone-refused");
    return;
  }
  finished(call, NAME);
  if (consult.over) return;
  consult.call.to(CallState.Established);
  asRequest(consult.call, request, () => {
    ctx.events.emit("EventEstablished", consult.call, request.dn, { thisDn: request.dn, otherDn: consult.target });
    if (consult.toAgent) ctx.events.emit("EventEstablished", consult.call, consult.target, { thisDn: consult.target, otherDn: request.dn });
  });
}
