/**
 * Two legs relayed to each other (SDK `Bridge`): an offer from one side (re-INVITE or UPDATE) becomes a
 * re-INVITE to the other and its answer goes back (RFC 3264 offer/answer end to end), INFO is relayed,
 * and a BYE on either side ends the other (unless `propagateBye: false`).
 */
import type { Bridge, BridgeOptions, LegEndReason, SipLeg, Unsubscribe } from "@tandem/sdk";
import { SipError } from "@tandem/sdk";
import { SipStackErrors } from "../errors.js";
import { relayOfferless } from "./offerless-relay.js";
import { SipLegImpl } from "./sip-leg.js";

const bridged = new WeakSet<SipLeg>();

export function createBridge(a: SipLeg, b: SipLeg, options: BridgeOptions = {}): Bridge {
  for (const leg of [a, b]) if (bridged.has(leg)) throw SipStackErrors.bridgeBusy(leg.id);
  bridged.add(a);
  bridged.add(b);
  let active = true;
  let finish!: (end: { by: "a" | "b" | "unbridge"; reason?: LegEndReason }) => void;
  const ended = new Promise<{ by: "a" | "b" | "unbridge"; reason?: LegEndReason }>((resolve) => (finish = resolve));
  const unsubscribers: Unsubscribe[] = [];

  const stop = (end: { by: "a" | "b" | "unbridge"; reason?: LegEndReason }): void => {
    if (!active) return;
    active = false;
    bridged.delete(a);
    bridged.delete(b);
    for (const u of unsubscribers) u();
    // Leave each leg answering offers with its own SDP again.
    a.onOffer(async () => a.localSdp ?? "");
    b.onOffer(async () => b.localSdp ?? "");
    a.onInfo(() => undefined);
    b.onInfo(() => undefined);
    if (a instanceof SipLegImpl) a.relayOfferless = undefined;
    if (b instanceof SipLegImpl) b.relayOfferless = undefined;
    finish(end);
  };

  wireDirection(a, b, () => active);
  wireDirection(b, a, () => active);
  if (a instanceof SipLegImpl && b instanceof SipLegImpl) {
    a.relayOfferless = (message, uas) => relayOfferless(a, b, message, uas);
    b.relayOfferless = (message, uas) => relayOfferless(b, a, message, uas);
  }
  const propagate = options.propagateBye ?? true;
  unsubscribers.push(
    a.onEnded((reason) => {
      stop({ by: "a", reason });
      if (propagate) void b.bye();
    }),
    b.onEnded((reason) => {
      stop({ by: "b", reason });
      if (propagate) void a.bye();
    }),
  );
  return { a, b, ended, unbridge: () => stop({ by: "unbridge" }) };
}

/** Offers and INFO that arrive on `from` go to `to`. */
function wireDirection(from: SipLeg, to: SipLeg, active: () => boolean): void {
  from.onOffer(async (offer) => {
    if (!active() || to.state === "terminated") throw new SipError(488, "Not Acceptable Here");
    if (offer === undefined) {
      // Offerless re-INVITE between legs we do not own (offerless-relay.ts handles ours): offer what the
      // other side last described.
      return to.remoteSdp ?? from.localSdp ?? "";
    }
    const { sdp } = await to.reinvite({ sdp: offer });
    if (!sdp) throw new SipError(488, "Not Acceptable Here");
    return sdp;
  });
  from.onInfo(async (request) => {
    if (!active() || to.state === "terminated") return { status: 481 };
    const response = await to.info({
      contentType: request.contentType ?? "application/octet-stream",
      body: request.body,
    });
    return { status: response.status, reason: response.reason, body: response.body, ...(response.contentType ? { contentType: response.contentType } : {}) };
  });
}
