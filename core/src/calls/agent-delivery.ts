/**
 * Delivering a call: a new INVITE to the destination at the PBX through the chosen trunk, with the caller's
 * SDP offer relayed (media never touches Tandem), then the caller answered with the destination's SDP and the
 * two legs bridged. RFC 3725 flow I covers a caller INVITE without SDP: the destination's 2xx offer is relayed
 * to the caller in our 200 and the caller's ACK answer goes back in the destination's ACK.
 */
import { NO_RESPONSE_REASON, SipError, selectTrunk, type OutboundCall, type RouteAttemptOutcome, type SipLeg, type TrunkChoice } from "@tandem/sdk";
import type { Call } from "./call.js";
import { chooseTrunk, retryOnNextTrunk } from "./trunk-target.js";
import type { CallModelContext } from "./call-model-context.js";
import { CallErrors } from "./errors.js";
import { callerAnswer, mediaMoveNeeded, moveCallerMedia } from "./early-answer.js";
import { endTreatment } from "./queue-treatment.js";
import { stopRinging } from "./provisional-refresh.js";
import { carriedHeaders } from "./carried-headers.js";

/** How a delivery ended. */
export type DeliveryResult =
  | {
      readonly ok: true;
      /** The destination answered but the caller's media could not be moved to it (early-answer.ts): release the call. */
      readonly mediaFailed?: boolean;
    }
  | {
      readonly ok: false;
      readonly outcome: RouteAttemptOutcome | "caller-gone";
      readonly status?: number;
      /** No trunk was left for the leg (none in service, or every one failed): the caller gets 503, not another agent. */
      readonly noTrunk?: boolean;
    };

type Failure = Exclude<DeliveryResult, { ok: true }>;

/** Maps a failed INVITE to the outcome a strategy sees (never fail over on 487 — it is our own CANCEL). */
export function outcomeOf(err: unknown, call: Call): DeliveryResult {
  if (call.callerGone) return { ok: false, outcome: "caller-gone" };
  if (!(err instanceof SipError)) return { ok: false, outcome: "failed" };
  const status = err.status;
  if (status === 486 || status === 600) return { ok: false, outcome: "busy", status };
  // Nothing came back from the trunk at all: the phone never rang, so this is no ring-no-answer of the agent's.
  if (err.origin === "timeout" && err.reason === NO_RESPONSE_REASON) return { ok: false, outcome: "failed", status };
  if (status === 408 || status === 487) return { ok: false, outcome: "no-answer", status };
  if (err.origin === "transport" || status === 503) return { ok: false, outcome: "failed", status };
  return { ok: false, outcome: "unavailable", status };
}

/** At most this many trunks (or cluster members) are tried for one leg. */
const MAX_TRUNK_TRIES = 4;

type DeliveryOptions = { ringTimeoutMs: number; role: "agent" | "destination" };

/**
 * Rings `dn` for `call` and, when it answers, bridges it to the caller. The caller must still be unanswered.
 * Each INVITE that fails before any provisional response is reported through `reportTrunkFailure`; when the
 * answer is to retry (by default: time-out, transport error, 503) the next trunk is tried within the same call.
 * A provisional response proves the trunk alive, so nothing after it fails over (486, 487, ring-no-answer …).
 */
export async function deliverCall(ctx: CallModelContext, call: Call, dn: string, options: DeliveryOptions): Promise<DeliveryResult> {
  const exclude: string[] = [];
  const triedTargets: string[] = [];
  let last: Failure | undefined;
  for (let tried = 0; tried < MAX_TRUNK_TRIES; tried++) {
    const request = { connId: call.connId, destination: dn, routingPoint: call.routingPoint, exclude, tried, triedTargets };
    let choice: TrunkChoice | undefined;
    try {
      choice = await chooseTrunk(ctx.hooks, ctx.dns, request);
    } catch (err) {
      ctx.logger.error({ err, connId: call.connId, dn }, "trunk selection failed");
    }
    if (call.callerGone) return { ok: false, outcome: "caller-gone" };
    // Without a selector the configured trunk's contacts ran out: the last failure stands, as for any delivery.
    // A selector's null means no trunk in service (it ruled the others out): 503, never another agent.
    if (!choice) return last && ctx.hooks.count(selectTrunk) === 0 ? last : noTrunkLeft(ctx, call, dn, exclude);
    const attempt = await ringThrough(ctx, call, dn, choice.target, { ...options, first: tried === 0 });
    if (!attempt.trunkError) return attempt.result;
    const { status, origin } = attempt.trunkError;
    const report = { trunk: choice.trunk, connId: call.connId, destination: dn, target: choice.target, status, origin };
    const retry = await retryOnNextTrunk(ctx.hooks, ctx.logger, report);
    if (call.callerGone) return { ok: false, outcome: "caller-gone" };
    if (!retry || call.ended || attempt.result.ok) return attempt.result;
    last = attempt.result;
    ctx.logger.warn({ connId: call.connId, dn, trunk: choice.trunk, target: choice.target, status, origin }, "INVITE failed on a trunk; trying the next one");
    if (!exclude.includes(choice.trunk)) exclude.push(choice.trunk);
    triedTargets.push(choice.target);
  }
  return last ?? noTrunkLeft(ctx, call, dn, exclude);
}

/** Every trunk failed or none is in service: a clear 503, logged with the trunks tried. */
function noTrunkLeft(ctx: CallModelContext, call: Call, dn: string, tried: readonly string[]): Failure {
  const err = CallErrors.noTrunk(dn, tried.length > 0 ? `every trunk failed (tried ${tried.join(", ")})` : "no trunk in service");
  ctx.logger.warn({ code: err.code, connId: call.connId, tried }, err.message);
  // A trunk-selection plugin reports its own EventError when it answers null; without one the core tells desktops.
  if (ctx.hooks.count(selectTrunk) === 0) ctx.events.error(call, call.routingPoint, err, { destination: dn, tried: [...tried] });
  return { ok: false, outcome: "failed", status: 503, noTrunk: true };
}

/**
 * One INVITE through one trunk. `trunkError` is set when the failure may be the trunk's (a SIP failure before
 * any provisional response, the caller still there); the caller of this function decides whether to fail over.
 */
async function ringThrough(
  ctx: CallModelContext,
  call: Call,
  dn: string,
  target: string,
  options: DeliveryOptions & { first: boolean },
): Promise<{ result: DeliveryResult; trunkError?: SipError }> {
  const { outbound, customerLeg, provisional } = sendInvite(ctx, call, target, options);
  const legRow = ctx.store.addLeg(call.connId, {
    role: options.role,
    dn,
    sipCallId: outbound.callId,
    direction: "outbound",
    startedAt: new Date().toISOString(),
  });
  call.agentLegRow = legRow;
  let agentLeg: SipLeg;
  try {
    agentLeg = await outbound.answered;
  } catch (err) {
    const result = outcomeOf(err, call);
    ctx.store.updateLeg(legRow, {
      endedAt: new Date().toISOString(),
      endedBy: result.ok ? "remote" : result.outcome,
      ...(err instanceof SipError ? { status: err.status } : {}),
    });
    const trunkError = err instanceof SipError && !result.ok && result.outcome !== "caller-gone" && !provisional() ? err : undefined;
    return trunkError ? { result, trunkError } : { result };
  } finally {
    call.outbound = undefined;
  }
  call.agentLeg = agentLeg;
  ctx.store.updateLeg(legRow, { answeredAt: new Date().toISOString(), status: 200 });
  return { result: await answerCaller(ctx, call, agentLeg, customerLeg(), dn) };
}

/** The INVITE to the destination, with the caller's offer, or none for a delayed-offer caller (RFC 3725 flow I). */
function sendInvite(
  ctx: CallModelContext,
  call: Call,
  target: string,
  options: { ringTimeoutMs: number; first: boolean },
): { outbound: OutboundCall; customerLeg: () => Promise<SipLeg> | undefined; provisional: () => boolean } {
  let customerLeg: Promise<SipLeg> | undefined;
  let provisional = false;
  const displayName = call.invite.request.from.displayName;
  const outbound = ctx.sip.invite({
    target,
    from: ctx.sip.localUri(call.ani ?? "anonymous"),
    ...(displayName ? { fromDisplayName: displayName } : {}),
    ...(call.invite.offer === undefined
      ? { onOffer: async (offer: string) => (await (customerLeg = call.invite.accept({ sdp: offer }))).remoteSdp ?? "" }
      : { sdp: call.invite.offer }),
    noAnswerTimeoutMs: options.ringTimeoutMs,
    ...(ctx.config.noResponseTimeoutMs > 0 ? { noResponseTimeoutMs: ctx.config.noResponseTimeoutMs } : {}),
    headers: { ...carriedHeaders(ctx.config, call.invite), "X-Tandem-ConnID": call.connId },
    onProgress: (response) => {
      provisional = true;
      // Early media from the far end (ringback, announcements) reaches the caller: the 183's SDP is relayed as is,
      // unless the caller already has an early answer (a queue treatment, an earlier agent): the 200 must repeat
      // that one (RFC 3261 §13.2.1), so a second, different one cannot be offered.
      if (response.status === 183 && response.body && !call.callerGone && call.invite.offer !== undefined && call.earlySdp === undefined) {
        call.earlySdp = response.body;
        call.invite.progress({ status: 183, sdp: response.body });
      }
    },
  });
  call.outbound = outbound;
  call.ringDeadlineMs = Date.now() + options.ringTimeoutMs;
  // A failover INVITE is the same delivery: measured once.
  if (options.first && call.attempts.length === 0 && call.queuedAtMs === undefined) ctx.metrics.delivered(performance.now() - call.startedPerf);
  return { outbound, customerLeg: () => customerLeg, provisional: () => provisional };
}

/**
 * Answers the caller with the destination's SDP (or the early answer it already has, then moves its media: see
 * early-answer.ts) and bridges the legs; on failure hangs up the destination.
 */
async function answerCaller(
  ctx: CallModelContext,
  call: Call,
  agentLeg: SipLeg,
  pending: Promise<SipLeg> | undefined,
  dn: string,
): Promise<DeliveryResult> {
  if (call.callerGone) {
    await agentLeg.bye().catch(() => undefined);
    return { ok: false, outcome: "caller-gone" };
  }
  call.answering = true;
  stopRinging(call);
  const partySdp = agentLeg.remoteSdp ?? "";
  try {
    call.customerLeg = await (pending ?? call.invite.accept({ sdp: callerAnswer(call, partySdp) }));
  } catch (err) {
    // The caller could not be answered (it cancelled meanwhile, or the 200 could not be sent): the call never
    // came up; free the agent's side too. A lost ACK is no failure here: accept() resolves with the leg.
    ctx.logger.warn({ err, connId: call.connId }, "the caller could not be answered");
    call.callerGone = true;
    await agentLeg.bye().catch(() => undefined);
    return { ok: false, outcome: "caller-gone" };
  }
  void endTreatment(ctx, call, "answered");
  const moved = pending !== undefined || !mediaMoveNeeded(call, partySdp) || (await moveCallerMedia(ctx, call, call.customerLeg, agentLeg, dn));
  call.bridge = ctx.sip.bridge(call.customerLeg, agentLeg);
  return moved ? { ok: true } : { ok: true, mediaFailed: true };
}
