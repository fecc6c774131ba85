/**
 * RFC 4028 session timer on one of our legs (sip-leg.ts); the timing itself is session-timer.ts. When we are the
 * refresher, the refresh is a re-INVITE with our last SDP naming us refresher (§7.4); when that refresh fails, or
 * the peer is the refresher and its refresh does not come in time (§10), we send BYE and the leg ends with
 * `session-timer`. A leg lives as long as its call, so the timer's actions are one small object with prototype
 * methods and a back-reference, not closures (memory per active call); legs without Session-Expires have none.
 */
import type { SipLegImpl } from "./sip-leg.js";
import { SessionTimer, type SessionTimerActions, type SessionTimerSpec } from "../extensions/session-timer.js";

/** Starts `leg`'s session timer with the interval and refresher negotiated in `spec`. */
export function legSessionTimer(leg: SipLegImpl, spec: SessionTimerSpec): SessionTimer {
  return new SessionTimer(spec, new LegTimerActions(leg));
}

class LegTimerActions implements SessionTimerActions {
  constructor(private readonly leg: SipLegImpl) {}

  refresh(spec: SessionTimerSpec): void {
    const leg = this.leg;
    // RFC 4028 §7.4: the refresh carries Session-Expires, with us (its UAC) as refresher.
    const headers = { Supported: "timer", "Session-Expires": `${spec.expires};refresher=uac` };
    leg.reinvite({ sdp: leg.localSdp, headers }).catch((error: unknown) => {
      leg.port.deps.logger.info({ callId: leg.callId, err: String(error) }, "session refresh failed; ending the leg");
      this.expire();
    });
  }

  expire(): void {
    const leg = this.leg;
    if (leg.state === "terminated") return;
    leg.end({ by: "session-timer" });
    try {
      leg.session.bye();
    } catch (error) {
      leg.port.deps.logger.debug({ callId: leg.callId, err: String(error) }, "BYE not sent");
    }
  }
}
