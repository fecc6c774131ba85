/**
 * Delivering a call: a new INVITE to the destination at the PBX through the chosen trunk, with the caller's
 * SDP offer relayed (media never touches Tandem), then the caller answered with the destination's SDP and the
 * two legs bridged. RFC 3725 flow I covers a caller INVITE without SDP: the destination's 2xx offer is relayed
 * to the caller in our 200 and the caller's ACK answer goes back in the destination's ACK.
 */
import { SipError, type OutboundCall, type RouteAttemptOutcome, type SipLeg, type TrunkChoice } from "@tandem/sdk";
import type { Call } from "./call.js";
import { chooseTrunk } from "./trunk-target.js";
import type { CallModelContext } from "./call-model-context.js";

/** How a delivery ended. */
export type DeliveryResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly outcome: RouteAttemptOutcome | "caller-gone"; readonly status?: number };

/** Maps a failed INVITE to the outcome a strategy sees (never fail over on 487 — it is our own CANCEL). */
export function outcomeOf(err: unknown, call: Call): DeliveryResult {
  if (call.callerGone) return { ok: false, outcome: "caller-gone" };
  if (!(err instanceof SipError)) return { ok: false, outcome: "failed" };
  const status = err.status;
  if (status === 486 || status === 600) return { ok: false, outcome: "busy", status };
  if (status === 408 || status === 487) return { ok: false, outcome: "no-answer", status };
  if (err.origin === "transport" || status === 503) return { ok: false, outcome: "failed", status };
  return { ok: false, outcome: "unavailable", status };
}

/** At most this many trunks (or cluster members) are tried for one leg. */
const MAX_TRUNK_TRIES = 4;

/**
 * Rings `dn` for `call` and, when it answers, bridges it to the caller. The caller must still be unanswered.
 * When the trunk itself fails (transport error, 503, or a time-out before any provisional response) the next
 * trunk is tried; never after a provisional response or a final answer from the far end (e.g. 486, 487).
 */
export async function deliverCall(
  ctx: CallModelContext,
  call: Call,
  dn: string,
  options: { ringTimeoutMs: number; role: "agent" | "destination" },
): Promise<DeliveryResult> {
  const exclude: string[] = [];
  let last: DeliveryResult = { ok: false, outcome: "failed" };
  for (let tried = 0; tried < MAX_TRUNK_TRIES; tried++) {
    let choice: TrunkChoice | undefined;
    try {
      choice = await chooseTrunk(ctx.hooks, ctx.dns, { connId: call.connId, destination: dn, routingPoint: call.routingPoint, exclude, tried });
    } catch (err) {
      ctx.logger.error({ err, connId: call.connId, dn }, "no trunk for the delivery");
      return { ok: false, outcome: "failed" };
    }
    if (!choice) break;
    if (call.callerGone) return { ok: false, outcome: "caller-gone" };
    const attempt = await ringThrough(ctx, call, dn, choice.target, options);
    if (!attempt.trunkFailed) return attempt.result;
    last = attempt.result;
    ctx.logger.warn({ connId: call.connId, dn, trunk: choice.trunk, target: choice.target }, "trunk failed; trying the next one");
    exclude.push(choice.trunk);
  }
  // Nothing left to fail over to: the strategy sees the last trunk's outcome.
  return last;
}

/** One INVITE through one trunk. */
async function ringThrough(
  ctx: CallModelContext,
  call: Call,
  dn: string,
  target: string,
  options: { ringTimeoutMs: number; role: "agent" | "destination" },
): Promise<{ result: DeliveryResult; trunkFailed: boolean }> {
  const { outbound, customerLeg, provisional } = sendInvite(ctx, call, target, options.ringTimeoutMs);
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
    const deadTrunk = err instanceof SipError && (err.origin === "transport" || err.status === 503 || err.origin === "timeout");
    return { result, trunkFailed: !result.ok && result.outcome !== "caller-gone" && deadTrunk && !provisional() };
  } finally {
    call.outbound = undefined;
  }
  call.agentLeg = agentLeg;
  ctx.store.updateLeg(legRow, { answeredAt: new Date().toISOString(), status: 200 });
  return { result: await answerCaller(ctx, call, agentLeg, customerLeg()), trunkFailed: false };
}

/** The INVITE to the destination, with the caller's offer, or none for a delayed-offer caller (RFC 3725 flow I). */
function sendInvite(
  ctx: CallModelContext,
  call: Call,
  target: string,
  ringTimeoutMs: number,
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
    noAnswerTimeoutMs: ringTimeoutMs,
    headers: { "X-Tandem-ConnID": call.connId },
    onProgress: (response) => {
      provisional = true;
      // Early media from the far end (ringback, announcements) reaches the caller: the 183's SDP is relayed as is.
      if (response.status === 183 && response.body && !call.callerGone && call.invite.offer !== undefined) {
        call.invite.progress({ status: 183, sdp: response.body });
      }
    },
  });
  call.outbound = outbound;
  call.ringDeadlineMs = Date.now() + ringTimeoutMs;
  if (call.attempts.length === 0 && call.queuedAtMs === undefined) ctx.metrics.delivered(performance.now() - call.startedPerf);
  return { outbound, customerLeg: () => customerLeg, provisional: () => provisional };
}

/** Answers the caller with the destination's SDP and bridges the legs; on failure hangs up the destination. */
async function answerCaller(
  ctx: CallModelContext,
  call: Call,
  agentLeg: SipLeg,
  pending: Promise<SipLeg> | undefined,
): Promise<DeliveryResult> {
  if (call.callerGone) {
    await agentLeg.bye().catch(() => undefined);
    return { ok: false, outcome: "caller-gone" };
  }
  try {
    call.customerLeg = await (pending ?? call.invite.accept({ sdp: agentLeg.remoteSdp ?? "" }));
  } catch (err) {
    // No ACK from the caller (RFC 3261 §13.3.1.4): the call never came up; free the agent's side too.
    ctx.logger.warn({ err, connId: call.connId }, "the caller never acknowledged our 200");
    call.callerGone = true;
    await agentLeg.bye().catch(() => undefined);
    return { ok: false, outcome: "caller-gone" };
  }
  call.bridge = ctx.sip.bridge(call.customerLeg, agentLeg);
  return { ok: true };
}
