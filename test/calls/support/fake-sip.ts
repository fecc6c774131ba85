/**
 * Controllable SipVerbs for call-model unit tests: the test plays the caller (offer, cancel, hang up) and the
 * agent phones (answer, fail, hang up) without sockets. Real SIP behaviour is proven with sipp elsewhere.
 */
import { NO_RESPONSE_REASON, SipError } from "@tandem/sdk";
import type {
  Bridge,
  InboundInvite,
  LegEndReason,
  OutboundCall,
  OutboundInviteOptions,
  ReinviteOptions,
  SipLeg,
  SipRequestInfo,
  SipVerbs,
  Unsubscribe,
} from "@tandem/sdk";

let counter = 0;

export class FakeLeg implements SipLeg {
  readonly id = `leg-${++counter}`;
  state: "confirmed" | "terminated" = "confirmed";
  /** What a re-INVITE (probe) gets: undefined = 200, else the status to fail with. */
  reinviteStatus: number | undefined;
  reinvites = 0;
  /** The SDP of each re-INVITE we sent on this leg (undefined for offerless ones). */
  readonly reinviteSdps: Array<string | undefined> = [];
  private readonly listeners = new Set<(reason: LegEndReason) => void>();

  constructor(
    readonly callId: string,
    readonly direction: "inbound" | "outbound",
    readonly localSdp: string | undefined,
    readonly remoteSdp: string | undefined,
  ) {}

  readonly localUri = "sip:tandem@127.0.0.1";
  readonly remoteUri = "sip:peer@127.0.0.1";
  readonly transport = "udp" as const;

  async bye(): Promise<void> {
    this.end({ by: "local" });
  }
  /** The peer sent BYE. */
  remoteBye(): void {
    this.end({ by: "remote" });
  }
  end(reason: LegEndReason): void {
    if (this.state === "terminated") return;
    this.state = "terminated";
    for (const l of this.listeners) l(reason);
  }
  async reinvite(options: ReinviteOptions): Promise<{ sdp: string | undefined }> {
    this.reinvites++;
    this.reinviteSdps.push(options.sdp);
    if (this.reinviteStatus !== undefined) throw new SipError(this.reinviteStatus, "probe failed");
    return { sdp: this.remoteSdp };
  }
  async hold(): Promise<void> {}
  async unhold(): Promise<void> {}
  async info(): Promise<never> {
    throw new Error("not in the fake");
  }
  onOffer(): void {}
  onInfo(): void {}
  onEnded(listener: (reason: LegEndReason) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export class FakeInvite implements InboundInvite {
  readonly progressed: number[] = [];
  readonly earlySdp: string[] = [];
  rejected: number | undefined;
  leg: FakeLeg | undefined;
  cancelled = false;
  private readonly cancelListeners: Array<() => void> = [];

  constructor(
    readonly request: SipRequestInfo,
    readonly dn: string | undefined,
    readonly offer: string | undefined,
  ) {}

  progress(options?: { status?: 180 | 181 | 182 | 183; sdp?: string }): void {
    this.progressed.push(options?.status ?? 180);
    if (options?.sdp) this.earlySdp.push(options.sdp);
  }
  async accept(options: { sdp: string }): Promise<SipLeg> {
    if (this.cancelled) throw new SipError(487, "cancelled");
    this.leg = new FakeLeg(this.request.callId, "inbound", options.sdp, this.offer ?? "v=0 caller-answer");
    return this.leg;
  }
  reject(status: number): void {
    this.rejected = status;
  }
  onCancel(listener: () => void): void {
    this.cancelListeners.push(listener);
  }
  /** The caller sends CANCEL. */
  cancel(): void {
    this.cancelled = true;
    for (const l of this.cancelListeners) l();
  }
}

export class FakeOutbound implements OutboundCall {
  readonly callId = `out-${++counter}`;
  readonly answered: Promise<SipLeg>;
  cancelledWith: string | undefined;
  leg: FakeLeg | undefined;
  private settle!: { resolve: (leg: SipLeg) => void; reject: (err: unknown) => void };
  private timer: NodeJS.Timeout | undefined;
  private done = false;

  constructor(readonly options: OutboundInviteOptions) {
    this.answered = new Promise<SipLeg>((resolve, reject) => (this.settle = { resolve, reject }));
    // Rejections are read by the model; keep Node quiet when a test never awaits them.
    this.answered.catch(() => undefined);
    if (options.noAnswerTimeoutMs) this.timer = setTimeout(() => this.fail(408), options.noAnswerTimeoutMs);
  }
  /** The agent's phone answers. */
  answer(sdp = "v=0 agent"): FakeLeg {
    if (this.done) throw new Error("already settled");
    this.finish();
    this.leg = new FakeLeg(this.callId, "outbound", this.options.sdp, sdp);
    this.settle.resolve(this.leg);
    return this.leg;
  }
  fail(status: number): void {
    if (this.done) return;
    this.finish();
    this.settle.reject(new SipError(status, "failed", { origin: status === 408 ? "timeout" : "remote" }));
  }
  cancel(reason?: string): void {
    this.cancelledWith = reason ?? "cancel";
    this.fail(487);
  }
  /** Nothing came back from the next hop within `noResponseTimeoutMs` (the stack's own rejection). */
  noResponse(): void {
    if (this.done) return;
    this.finish();
    this.settle.reject(new SipError(408, NO_RESPONSE_REASON, { origin: "timeout" }));
  }
  private finish(): void {
    this.done = true;
    clearTimeout(this.timer);
  }
}

export class FakeSip implements SipVerbs {
  readonly outbound: FakeOutbound[] = [];
  readonly bridges: Bridge[] = [];
  private handlers: Array<(invite: InboundInvite) => boolean | Promise<boolean>> = [];

  localUri(user = "tandem"): string {
    return `sip:${user}@127.0.0.1:5060`;
  }
  onInvite(handler: (invite: InboundInvite) => boolean | Promise<boolean>): Unsubscribe {
    this.handlers.push(handler);
    return () => {
      this.handlers = this.handlers.filter((h) => h !== handler);
    };
  }
  /** A caller's INVITE reaches us. */
  async offer(options: { dn: string; ani?: string; sdp?: string | null }): Promise<FakeInvite> {
    const callId = `in-${++counter}`;
    const request = fakeRequest(callId, options.dn, options.ani ?? "5551234");
    const invite = new FakeInvite(request, options.dn, options.sdp === null ? undefined : options.sdp ?? "v=0 caller");
    for (const handler of this.handlers) if (await handler(invite)) return invite;
    invite.reject(480);
    return invite;
  }
  /** A caller's INVITE that was CANCELled before any handler saw it. */
  async offerCancelledFirst(options: { dn: string }): Promise<FakeInvite> {
    const request = fakeRequest(`in-${++counter}`, options.dn, "5551234");
    const invite = new FakeInvite(request, options.dn, "v=0 caller");
    invite.cancelled = true;
    for (const handler of this.handlers) if (await handler(invite)) return invite;
    return invite;
  }
  invite(options: OutboundInviteOptions): FakeOutbound {
    const call = new FakeOutbound(options);
    this.outbound.push(call);
    return call;
  }
  bridge(a: SipLeg, b: SipLeg): Bridge {
    let unsubscribe: Unsubscribe[] = [];
    let resolveEnded!: (value: { by: "a" | "b" | "unbridge"; reason?: LegEndReason }) => void;
    const ended = new Promise<{ by: "a" | "b" | "unbridge"; reason?: LegEndReason }>((r) => (resolveEnded = r));
    const stop = (): void => unsubscribe.forEach((u) => u());
    unsubscribe = [
      a.onEnded((reason) => {
        stop();
        void b.bye();
        resolveEnded({ by: "a", reason });
      }),
      b.onEnded((reason) => {
        stop();
        void a.bye();
        resolveEnded({ by: "b", reason });
      }),
    ];
    const bridge: Bridge = { a, b, ended, unbridge: () => (stop(), resolveEnded({ by: "unbridge" })) };
    this.bridges.push(bridge);
    return bridge;
  }
  subscribe(): never {
    throw new Error("not in the fake");
  }
  async request(): Promise<never> {
    throw new Error("not in the fake");
  }
}

function fakeRequest(callId: string, dn: string, ani: string): SipRequestInfo {
  return {
    method: "INVITE",
    ruri: `sip:${dn}@127.0.0.1`,
    ruriUser: dn,
    callId,
    cseq: 1,
    from: { uri: `sip:${ani}@pbx`, user: ani, host: "pbx", tag: "t1" },
    to: { uri: `sip:${dn}@127.0.0.1`, user: dn, host: "127.0.0.1" },
    body: "",
    source: { transport: "udp", address: "127.0.0.1", port: 5070 },
    header: () => undefined,
    headers: () => [],
  };
}
