/**
 * A new outbound leg for call control (transfer target, make-call phone and destination), through the same
 * trunk selection and failover the model uses for delivery (trunk-target.ts: `chooseTrunk` asks the
 * `selectTrunk` hook, else the configured trunk and its `contact-backup`s; a failure before any provisional
 * response is reported through `retryOnNextTrunk`, which says whether the next trunk is tried).
 */
import { SipError, type ExtraHeaders, type OutboundInviteOptions, type SipLeg, type SipResponseInfo } from "@tandem/sdk";
import type { Call } from "../call.js";
import { outcomeOf, type DeliveryResult } from "../agent-delivery.js";
import { chooseTrunk, retryOnNextTrunk } from "../trunk-target.js";
import type { ControlContext } from "./control-context.js";

const MAX_TRUNK_TRIES = 4;

export interface RingOptions {
  role: "agent" | "destination";
  ringTimeoutMs: number;
  /** Our offer; omit for a delayed-offer INVITE (RFC 3725 flow I) answered in the ACK by `onOffer`. */
  sdp?: string;
  onOffer?: (offer: string) => Promise<string>;
  onProgress?: (response: SipResponseInfo) => void;
  /** From user (the caller the far end sees). */
  fromUser: string;
  /** Extra headers of the INVITE (the caller's carried ones, carried-headers.ts), besides the ConnID. */
  headers?: ExtraHeaders;
  /** Also CANCELs the INVITE when aborted (besides the call ending). */
  signal?: AbortSignal;
}

export type RingResult =
  | { readonly ok: true; readonly leg: SipLeg; readonly row: number }
  | { readonly ok: false; readonly failure: Exclude<DeliveryResult, { ok: true }> };

export async function ringDn(cc: ControlContext, call: Call, dn: string, options: RingOptions): Promise<RingResult> {
  const { ctx } = cc;
  const exclude: string[] = [];
  const triedTargets: string[] = [];
  let last: RingResult = { ok: false, failure: { ok: false, outcome: "failed", status: 503 } };
  for (let tried = 0; tried < MAX_TRUNK_TRIES; tried++) {
    const request = { connId: call.connId, destination: dn, exclude, tried, triedTargets };
    const choice = await chooseTrunk(ctx.hooks, ctx.dns, request).catch((err: unknown) => {
      ctx.logger.error({ err, connId: call.connId, dn }, "no trunk for the call-control leg");
      return undefined;
    });
    if (!choice) break;
    const attempt = await ringOnce(cc, call, dn, choice.target, options);
    if (!attempt.trunkError) return attempt.result;
    last = attempt.result;
    const { status, origin } = attempt.trunkError;
    const report = { trunk: choice.trunk, connId: call.connId, destination: dn, target: choice.target, status, origin };
    if (!(await retryOnNextTrunk(ctx.hooks, ctx.logger, report)) || call.ended) return last;
    if (!exclude.includes(choice.trunk)) exclude.push(choice.trunk);
    triedTargets.push(choice.target);
  }
  return last;
}

async function ringOnce(
  cc: ControlContext,
  call: Call,
  dn: string,
  target: string,
  options: RingOptions,
): Promise<{ result: RingResult; trunkError?: SipError }> {
  const { ctx } = cc;
  let provisional = false;
  const invite: OutboundInviteOptions = {
    target,
    from: ctx.sip.localUri(options.fromUser),
    noAnswerTimeoutMs: options.ringTimeoutMs,
    ...(ctx.config.noResponseTimeoutMs > 0 ? { noResponseTimeoutMs: ctx.config.noResponseTimeoutMs } : {}),
    headers: { ...options.headers, "X-Tandem-ConnID": call.connId },
    onProgress: (response) => {
      provisional = true;
      options.onProgress?.(response);
    },
    ...(options.sdp === undefined ? {} : { sdp: options.sdp }),
    ...(options.onOffer === undefined ? {} : { onOffer: options.onOffer }),
  };
  const outbound = ctx.sip.invite(invite);
  const row = ctx.store.addLeg(call.connId, { role: options.role, dn, sipCallId: outbound.callId, direction: "outbound", startedAt: new Date().toISOString() });
  // The call ended meanwhile (the customer hung up): stop ringing.
  const onAbort = (): void => outbound.cancel("call ended");
  call.abort.signal.addEventListener("abort", onAbort, { once: true });
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const leg = await outbound.answered;
    ctx.store.updateLeg(row, { answeredAt: new Date().toISOString(), status: 200 });
    return { result: { ok: true, leg, row } };
  } catch (err) {
    const failure = outcomeOf(err, call);
    const status = err instanceof SipError ? err.status : undefined;
    ctx.store.updateLeg(row, {
      endedAt: new Date().toISOString(),
      endedBy: failure.ok ? "remote" : failure.outcome,
      ...(status === undefined ? {} : { status }),
    });
    const result: RingResult = { ok: false, failure: failure.ok ? { ok: false, outcome: "failed" } : failure };
    // Only a failure before any provisional response may be the trunk's (a 1xx proves the trunk alive).
    const trunkError = err instanceof SipError && !provisional && !call.ended ? err : undefined;
    return trunkError ? { result, trunkError } : { result };
  } finally {
    call.abort.signal.removeEventListener("abort", onAbort);
    options.signal?.removeEventListener("abort", onAbort);
  }
}
