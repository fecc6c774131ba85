/**
 * Bridges call control builds: watched like established.ts watches the model's own, re-made after a hold so
 * offers are relayed again, and "pinned" while held so an offer from either side is not relayed across.
 */
import type { Bridge, SipLeg } from "@tandem/sdk";
import type { Call } from "../call.js";
import { releaseCall } from "../call-endings.js";
import type { ControlContext } from "./control-context.js";

export function watchBridge(cc: ControlContext, call: Call, bridge: Bridge): void {
  const { ctx } = cc;
  bridge.ended
    .then(
      ({ by, reason }) => {
        // Replaced by a later transfer: that bridge's end is the call's end, not this one's.
        if (call.bridge !== bridge) return;
        releaseCall(ctx, call, by === "a" ? "customer" : by === "b" ? "agent" : "system", reason);
      },
      (err: unknown) => {
        ctx.logger.error({ err, connId: call.connId }, "bridge failed");
        releaseCall(ctx, call, "system");
      },
    )
    .catch((err: unknown) => ctx.logger.error({ err, connId: call.connId }, "releasing the call failed"));
  // A leg that ended while the legs were being re-INVITEd (no bridge was listening then) ends the call now.
  if (bridge.a.state === "terminated" || bridge.b.state === "terminated") {
    bridge.unbridge();
    for (const leg of [bridge.a, bridge.b]) void leg.bye().catch(() => undefined);
  }
}

/**
 * While held (or consulting), an offer from either far end (a session refresh, a codec change) must not be
 * relayed across: it would take the other side off hold. Each leg answers with its own current SDP instead
 * (RFC 3264 §8.4: the held direction stands). BYE and INFO still go through the bridge.
 */
export function pinOffers(call: Call): void {
  for (const leg of [call.customerLeg, call.agentLeg]) leg?.onOffer(async () => (leg as SipLeg).localSdp ?? "");
}

/** A fresh customer ↔ agent bridge after a hold (the old one's offer relay was pinned). */
export function rebridge(cc: ControlContext, call: Call): void {
  const old = call.bridge;
  if (!old || !call.customerLeg || !call.agentLeg || call.ended) return;
  // Replaced first, so the old bridge's end is not taken for the call's end (established.ts, watchBridge).
  call.bridge = undefined;
  old.unbridge();
  call.bridge = cc.ctx.sip.bridge(call.customerLeg, call.agentLeg);
  watchBridge(cc, call, call.bridge);
}
