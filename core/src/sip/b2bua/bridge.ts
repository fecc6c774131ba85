/**
 * Two legs relayed to each other (SDK `Bridge`): an offer from one side (re-INVITE or UPDATE) becomes a
 * re-INVITE to the other and its answer goes back (RFC 3264 offer/answer end to end), INFO is relayed,
 * and a BYE on either side ends the other (unless `propagateBye: false`).
 *
 * A bridge lives as long as its call, so it is kept small: one object per direction with prototype methods,
 * hung on our own legs directly (`SipLegImpl.link`) instead of handler closures; other `SipLeg`s get thin
 * closures through the public API.
 */
import type { Bridge, BridgeOptions, LegEndReason, SipLeg, SipReplyInput, SipRequestInfo, Unsubscribe } from "@tandem/sdk";
import { SipError } from "@tandem/sdk";
import { SipStackErrors } from "../errors.js";
import { SipLegImpl, type LegPeer } from "../dialogs/sip-leg.js";

const bridged = new WeakSet<SipLeg>();

type BridgeEnd = { by: "a" | "b" | "unbridge"; reason?: LegEndReason };

export function createBridge(a: SipLeg, b: SipLeg, options: BridgeOptions = {}): Bridge {
  for (const leg of [a, b]) if (bridged.has(leg)) throw SipStackErrors.bridgeBusy(leg.id);
  bridged.add(a);
  bridged.add(b);
  return new LegBridge(a, b, options.propagateBye ?? true);
}

class LegBridge implements Bridge {
  readonly ended: Promise<BridgeEnd>;
  active = true;
  private finish: ((end: BridgeEnd) => void) | undefined;
  private readonly sideA: BridgeSide;
  private readonly sideB: BridgeSide;

  constructor(readonly a: SipLeg, readonly b: SipLeg, readonly propagate: boolean) {
    this.ended = new Promise<BridgeEnd>((resolve) => (this.finish = resolve));
    this.sideA = new BridgeSide(this, "a", a, b);
    this.sideB = new BridgeSide(this, "b", b, a);
    this.sideA.wireOffers();
    this.sideB.wireOffers();
    this.sideA.wireEnd();
    this.sideB.wireEnd();
  }

  unbridge(): void {
    this.stop({ by: "unbridge" });
  }

  stop(end: BridgeEnd): void {
    if (!this.active) return;
    this.active = false;
    bridged.delete(this.a);
    bridged.delete(this.b);
    // Leaves each leg answering offers with its own SDP again, and INFO with a plain 200.
    this.sideA.unwire();
    this.sideB.unwire();
    const finish = this.finish;
    this.finish = undefined;
    finish?.(end);
  }
}

/** Offers, INFO and the end of `from`, relayed to `to`. */
class BridgeSide implements LegPeer {
  private unsubscribe: Unsubscribe | undefined;

  constructor(
    private readonly bridge: LegBridge,
    private readonly by: "a" | "b",
    private readonly from: SipLeg,
    private readonly to: SipLeg,
  ) {}

  wireOffers(): void {
    const { from, to } = this;
    // Our own legs relay an offerless re-INVITE themselves when both sides are ours (offerless-relay.ts).
    if (from instanceof SipLegImpl) return from.link(this, to instanceof SipLegImpl ? to : undefined);
    from.onOffer((offer) => this.offer(offer));
    from.onInfo((request) => this.info(request));
  }

  wireEnd(): void {
    if (this.from instanceof SipLegImpl) this.from.onEndedPeer(this);
    else this.unsubscribe = this.from.onEnded((reason) => this.legEnded(reason));
  }

  unwire(): void {
    const from = this.from;
    if (from instanceof SipLegImpl) return from.unlink(this);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    from.onOffer(async () => from.localSdp ?? "");
    from.onInfo(() => undefined);
  }

  async offer(offer: string | undefined): Promise<string> {
    const { from, to } = this;
    if (!this.bridge.active || to.state === "terminated") throw new SipError(488, "Not Acceptable Here");
    if (offer === undefined) {
      // Offerless re-INVITE between legs we do not own (offerless-relay.ts handles ours): offer what the
      // other side last described.
      return to.remoteSdp ?? from.localSdp ?? "";
    }
    const { sdp } = await to.reinvite({ sdp: offer });
    if (!sdp) throw new SipError(488, "Not Acceptable Here");
    return sdp;
  }

  async info(request: SipRequestInfo): Promise<SipReplyInput> {
    const to = this.to;
    if (!this.bridge.active || to.state === "terminated") return { status: 481 };
    const response = await to.info({
      contentType: request.contentType ?? "application/octet-stream",
      body: request.body,
    });
    return { status: response.status, reason: response.reason, body: response.body, ...(response.contentType ? { contentType: response.contentType } : {}) };
  }

  legEnded(reason: LegEndReason): void {
    this.bridge.stop({ by: this.by, reason });
    if (this.bridge.propagate) void this.to.bye();
  }
}
