/**
 * RequestHoldCall / RequestRetrieveCall by re-INVITE (RFC 3264 §8.4), never by REFER or a PBX feature:
 * the customer's leg gets our last SDP (the agent's) with `a=sendonly`, so the customer stops sending and
 * will hear whatever the held side plays; the agent's leg gets `a=inactive`, so the agent's phone neither
 * sends to nor expects the customer. Retrieve puts both back to `a=sendrecv`. Glare (491) is retried by the
 * stack after the RFC 3261 §14.1 delay. With hold media (music on hold, hold-media.ts) the customer is
 * re-INVITEd to the media's offer instead, and back to the phone's SDP on retrieve. A call whose media owner
 * lends its legs (lent-media.ts) is held the same way, and retrieved by handing both legs back to the owner's room.
 */
import type { CallControlResult, CallRequest, SipLeg } from "@tandem/sdk";
import type { Call } from "../call.js";
import { pinOffers, rebridge } from "./bridge-watch.js";
import { asRequest, controlState, establishedCallOf, exclusive, reasonOf, type ControlContext } from "./control-context.js";
import { CallControlErrors } from "./errors.js";
import { askHoldMedia, holdCustomer, stopHoldMedia, unholdCustomer } from "./hold-media.js";
import { lendLegs, rejoinCustomerAndAgent } from "./lent-media.js";

/** Runs both re-INVITEs; when one fails, the other is put back so the two legs agree again. */
async function both(
  call: Call,
  name: string,
  steps: [SipLeg, (leg: SipLeg) => Promise<void>, (leg: SipLeg) => Promise<void>][],
): Promise<void> {
  const results = await Promise.allSettled(steps.map(([leg, apply]) => apply(leg)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (!failed) return;
  await Promise.all(
    steps.map(([leg, , undo], i) => (results[i]?.status === "fulfilled" ? undo(leg).catch(() => undefined) : undefined)),
  );
  throw CallControlErrors.sipFailed(name, call.connId, reasonOf(failed.reason));
}

/** Puts the customer `sendonly` and the agent's phone `inactive`, offers pinned (no events; callers emit them). */
export async function holdLegs(cc: ControlContext, call: Call, name: string): Promise<void> {
  const media = await askHoldMedia(cc, call);
  await lendLegs(cc, call);
  pinOffers(call);
  try {
    await both(call, name, [
      [call.customerLeg as SipLeg, (leg) => holdCustomer(cc, call, leg, media), () => unholdCustomer(cc, call)],
      [call.agentLeg as SipLeg, (leg) => leg.hold("inactive"), (leg) => leg.unhold()],
    ]);
  } catch (err) {
    // Back where the media was: the model's bridge, or a lending owner's room.
    if (controlState(call).owned) await rejoinCustomerAndAgent(cc, call).catch((back: unknown) => cc.ctx.logger.warn({ err: reasonOf(back), connId: call.connId }, "the legs of a failed hold could not go back to the media owner"));
    else rebridge(cc, call);
    throw err;
  }
}

/** Both legs back to `sendrecv`, and offers relayed again; a lent call's legs back in its owner's room instead. */
export async function retrieveLegs(cc: ControlContext, call: Call, name: string): Promise<void> {
  if (controlState(call).owned) {
    try {
      await rejoinCustomerAndAgent(cc, call);
    } catch (err) {
      throw CallControlErrors.sipFailed(name, call.connId, reasonOf(err));
    }
    await stopHoldMedia(cc, call);
    return;
  }
  await both(call, name, [
    [call.customerLeg as SipLeg, () => unholdCustomer(cc, call), (leg) => leg.hold("sendonly")],
    [call.agentLeg as SipLeg, (leg) => leg.unhold(), (leg) => leg.hold("inactive")],
  ]);
  rebridge(cc, call);
}

export async function holdCall(cc: ControlContext, request: CallRequest): Promise<CallControlResult> {
  const call = establishedCallOf(cc, request, "RequestHoldCall");
  const state = controlState(call);
  if (state.held) throw CallControlErrors.badState("RequestHoldCall", call.connId, "the call is already held");
  if (state.consult) throw CallControlErrors.badState("RequestHoldCall", call.connId, "a consultation call is under way");
  await exclusive(call, "RequestHoldCall", () => holdLegs(cc, call, "RequestHoldCall"));
  state.held = true;
  asRequest(call, request, () => cc.ctx.events.emit("EventHeld", call, request.dn, { thisDn: request.dn, otherDn: call.farParty ?? null }));
  return { connId: call.connId };
}

export async function retrieveCall(cc: ControlContext, request: CallRequest): Promise<CallControlResult> {
  const call = establishedCallOf(cc, request, "RequestRetrieveCall");
  const state = controlState(call);
  if (!state.held) throw CallControlErrors.badState("RequestRetrieveCall", call.connId, "the call is not held");
  if (state.consult) throw CallControlErrors.badState("RequestRetrieveCall", call.connId, "a consultation call is under way; use RequestReconnectCall");
  await exclusive(call, "RequestRetrieveCall", () => retrieveLegs(cc, call, "RequestRetrieveCall"));
  state.held = false;
  asRequest(call, request, () => cc.ctx.events.emit("EventRetrieved", call, request.dn, { thisDn: request.dn, otherDn: call.farParty ?? null }));
  return { connId: call.connId };
}
