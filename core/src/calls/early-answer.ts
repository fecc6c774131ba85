/**
 * Answering a caller who already got an SDP answer in a 183 (a queue treatment from a media server, or an
 * earlier agent's early media). RFC 3261 §13.2.1: the 2xx must carry that same answer, so the caller's 200
 * repeats it; then a re-INVITE offers the answering party's SDP (RFC 3264 §8; the leg keeps its own `o=` line,
 * see sdp-origin.ts) so the caller's media goes to the agent. Tandem never touches RTP, so this is the only way
 * to move the media of a caller whose answer is fixed.
 */
import { parse } from "sdp-transform";
import { SipError, type SipLeg } from "@tandem/sdk";
import type { Call } from "./call.js";
import type { CallModelContext } from "./call-model-context.js";
import { CallErrors } from "./errors.js";

/** The SDP the caller's 200 carries: its early answer when it has one, else the answering party's. */
export function callerAnswer(call: Call, partySdp: string): string {
  return call.earlySdp ?? partySdp;
}

/** Whether the caller, answered with `callerAnswer`, still needs its media moved to the party. */
export function mediaMoveNeeded(call: Call, partySdp: string): boolean {
  return call.earlySdp !== undefined && withoutOrigin(call.earlySdp) !== withoutOrigin(partySdp);
}

/**
 * Re-INVITEs the caller with the party's SDP. The party was offered the caller's original SDP; if the caller's
 * answer now sends its media elsewhere (another address or port), the party gets it by re-INVITE too. False
 * (with a coded error logged and on the bus) when the caller or the party refused: the call cannot carry media.
 */
export async function moveCallerMedia(ctx: CallModelContext, call: Call, customer: SipLeg, party: SipLeg, dn: string): Promise<boolean> {
  try {
    const { sdp } = await customer.reinvite({ sdp: party.remoteSdp ?? "" });
    if (!sdp) throw new SipError(488, "no SDP answer to the re-INVITE", { origin: "remote" });
    if (mediaTargets(sdp) !== mediaTargets(call.invite.offer ?? "")) await party.reinvite({ sdp });
    return true;
  } catch (err) {
    const why = err instanceof SipError ? `${err.status} ${err.message}` : err instanceof Error ? err.message : String(err);
    const e = CallErrors.mediaMoveFailed(call.connId, dn, why);
    ctx.logger.warn({ code: e.code, connId: call.connId, dn }, e.message);
    ctx.events.error(call, dn, e);
    return false;
  }
}

function withoutOrigin(sdp: string): string {
  return sdp.replace(/^o=.*$/m, "").trim();
}

/** Where each media stream of `sdp` goes (`address:port` per m= line, media-level c= over session-level). */
function mediaTargets(sdp: string): string {
  try {
    const session = parse(sdp);
    return session.media.map((m) => `${m.connection?.ip ?? session.connection?.ip ?? ""}:${m.port}`).join(",");
  } catch {
    // Unreadable SDP: treat it as changed, so the party is told rather than left sending to a stale address.
    return `unparsed:${sdp}`;
  }
}
