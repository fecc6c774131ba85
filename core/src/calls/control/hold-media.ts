/**
 * Music on hold: when a plugin answers the `provideHoldMedia` hook, the held customer's re-INVITE carries that
 * media's offer instead of our last SDP set `sendonly` (RFC 3264 §8.4 allows either: what the held side sends
 * is the holder's choice), and taking it off hold re-INVITEs it with the agent phone's SDP again. The model only
 * moves SDP; where the music comes from is the provider's business.
 */
import { provideHoldMedia, type HoldMedia, type SipLeg } from "@tandem/sdk";
import type { Call } from "../call.js";
import { withDirection } from "@tandem/sdk";
import { controlState, reasonOf, type ControlContext } from "./control-context.js";

const playing = new WeakMap<Call, HoldMedia>();

/** The provider's media for the call's held customer; undefined for a plain (silent) hold. */
export async function askHoldMedia(cc: ControlContext, call: Call): Promise<HoldMedia | undefined> {
  if (cc.ctx.hooks.count(provideHoldMedia) === 0) return undefined;
  try {
    const media = await cc.ctx.hooks.call(provideHoldMedia, { connId: call.connId, dn: call.agentDn ?? "", heldDn: call.farParty, queue: call.queue });
    return media ?? undefined;
  } catch (err) {
    cc.ctx.logger.warn({ err: reasonOf(err), connId: call.connId }, "no hold media (the provider failed); holding with silence");
    return undefined;
  }
}

/** The customer's side of a hold: the media's offer when there is one, else `sendonly`. */
export async function holdCustomer(cc: ControlContext, call: Call, customer: SipLeg, media: HoldMedia | undefined): Promise<void> {
  if (!media) return customer.hold("sendonly");
  try {
    const { sdp } = await customer.reinvite({ sdp: media.offer });
    if (!sdp) throw new Error("the held party answered the hold media's offer without SDP");
    await media.accept(sdp);
  } catch (err) {
    await media.stop().catch(() => undefined);
    throw err;
  }
  playing.set(call, media);
  // While held, the customer's own offers (a session refresh) are the media's to answer.
  customer.onOffer(async (offer) => (offer ? media.reoffer(offer) : media.offer));
  call.abort.signal.addEventListener("abort", () => void stopHoldMedia(cc, call), { once: true });
}

/**
 * The customer's side of a retrieve: back to the agent phone's SDP when it heard hold media or its last SDP was a
 * media owner's room (a lent call, lent-media.ts, alternated back to the customer), else `sendrecv`.
 */
export async function unholdCustomer(cc: ControlContext, call: Call): Promise<void> {
  const customer = call.customerLeg as SipLeg;
  if (!playing.has(call) && !controlState(call).owned) return customer.unhold();
  await customer.reinvite({ sdp: withDirection((call.agentLeg as SipLeg).remoteSdp, "sendrecv") });
  await stopHoldMedia(cc, call);
}

/** Ends the hold media of `call`, if any (its customer was moved elsewhere, or the call ended). */
export async function stopHoldMedia(cc: ControlContext, call: Call): Promise<void> {
  const media = playing.get(call);
  if (!media) return;
  playing.delete(call);
  await media.stop().catch((err: unknown) => cc.ctx.logger.warn({ err: reasonOf(err), connId: call.connId }, "stopping the hold media failed"));
}
