/**
 * Hold and retrieve by SDP direction (RFC 3264 §8.4): a session description rewritten with `a=sendonly` (hold),
 * `a=inactive`, or `a=sendrecv` (retrieve), its origin version bumped as §8 requires for a changed description.
 * The SIP layer's `SipLeg.hold()` and third-party call control use it; a plugin re-offering a party's SDP may too.
 */
import { parse, write } from "sdp-transform";
import { SdkErrors } from "./errors.js";

/** A media stream's direction attribute (RFC 3264 §5.1, RFC 4566 §6). */
export type SdpDirection = "sendrecv" | "sendonly" | "recvonly" | "inactive";

/**
 * Returns `sdp` with every media stream set to `direction` (the session-level attribute is dropped) and the `o=`
 * version one higher. Throws `TANDEM_ERR_SIP_BAD_SDP` when there is no SDP, it does not parse, or it has no `m=` line.
 */
export function withDirection(sdp: string | undefined, direction: SdpDirection): string {
  if (!sdp) throw SdkErrors.badSdp(`set ${direction}`, "the leg has no local SDP yet");
  let session;
  try {
    session = parse(sdp);
  } catch (error) {
    throw SdkErrors.badSdp(`set ${direction}`, String(error));
  }
  if (!session.media || session.media.length === 0) throw SdkErrors.badSdp(`set ${direction}`, "no m= line");
  // The session-level attribute would override nothing we set per stream, so drop it (RFC 4566 §6).
  delete session.direction;
  for (const media of session.media) media.direction = direction;
  if (session.origin) session.origin.sessionVersion = Number(session.origin.sessionVersion) + 1;
  return write(session);
}

/** The direction of the first media stream (or the session level), `sendrecv` when neither says. */
export function directionOf(sdp: string): SdpDirection {
  const session = parse(sdp);
  return (session.media[0]?.direction ?? session.direction ?? "sendrecv") as SdpDirection;
}
