/**
 * Hold and retrieve by SDP direction (RFC 3264 §8.4): rewrite our last SDP with `a=sendonly` (hold),
 * `a=inactive`, or `a=sendrecv` (retrieve), and bump the origin version as §8 requires for a changed
 * session description.
 */
import { parse, write } from "sdp-transform";
import { SipStackErrors } from "../errors.js";

export type Direction = "sendrecv" | "sendonly" | "recvonly" | "inactive";

/** Returns `sdp` with every media stream (and the session level) set to `direction`. */
export function withDirection(sdp: string | undefined, direction: Direction): string {
  if (!sdp) throw SipStackErrors.badSdp(`set ${direction}`, "the leg has no local SDP yet");
  let session;
  try {
    session = parse(sdp);
  } catch (error) {
    throw SipStackErrors.badSdp(`set ${direction}`, String(error));
  }
  if (!session.media || session.media.length === 0) throw SipStackErrors.badSdp(`set ${direction}`, "no m= line");
  // The session-level attribute would override nothing we set per stream, so drop it (RFC 4566 §6).
  delete session.direction;
  for (const media of session.media) media.direction = direction;
  if (session.origin) session.origin.sessionVersion = Number(session.origin.sessionVersion) + 1;
  return write(session);
}

/** Direction of the first media stream (or the session level), `sendrecv` when absent. */
export function directionOf(sdp: string): Direction {
  const session = parse(sdp);
  return (session.media[0]?.direction ?? session.direction ?? "sendrecv") as Direction;
}
