/**
 * The sip.js session delegate of a leg (sip-leg.ts): what the peer sends in the dialog goes to the leg.
 */
import type {
  IncomingAckRequest,
  IncomingByeRequest,
  IncomingInfoRequest,
  IncomingInviteRequest,
  SessionDelegate,
} from "sip.js/lib/core/index.js";
import { answerReinvite } from "./leg-requests.js";
import type { SipLegImpl } from "./sip-leg.js";

/**
 * Prototype methods and one back-reference, instead of five closures
 * per leg (a leg lives as long as its call, so this is memory per active call).
 */
export class LegDelegate implements SessionDelegate {
  constructor(private readonly leg: SipLegImpl) {}

  onAck(request: IncomingAckRequest): void {
    this.leg.acked(request.message);
  }

  onAckTimeout(): void {
    this.leg.ackTimedOut();
  }

  onBye(request: IncomingByeRequest): void {
    request.accept();
    this.leg.end({ by: "remote" });
  }

  onInfo(request: IncomingInfoRequest): void {
    this.leg.infoReceived(request);
  }

  onInvite(request: IncomingInviteRequest): void {
    void answerReinvite(this.leg, request.message, request);
  }
}
