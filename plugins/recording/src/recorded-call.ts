/**
 * A call the recording carries in a room: its seats, its recording session and SIPREC session, the features that
 * share its room, and — when the room is another owner's — what the host lends it.
 */
import type { RecordingRequest } from "@tandem/sdk";
import type { RequestOrigin } from "./recording-events.js";
import type { RecordedParty } from "./recording-index.js";
import type { RecordingSession, SessionLayout } from "./recording-session.js";
import type { SiprecLink } from "./siprec/siprec-link.js";
import type { SeatedCall } from "./recorded-seats.js";

export interface RecordedCall extends SeatedCall {
  session?: RecordingSession;
  /** The SIPREC session to the SRS, while it runs. */
  siprec?: SiprecLink;
  /** Other features using the room (a supervisor); the room is kept while there are any. */
  readonly guests: Set<() => void>;
  /** Set when the room is another owner's (a conference, a supervised call): stops listening to its end. */
  host?: () => void;
  /** In another owner's room: the channels and parties, as the call model lists them. */
  guest?: { layout: SessionLayout; parties: RecordedParty[] };
  /** In another owner's room: stops following the call model's parties. */
  unfollow?: () => void;
}

/** The calls the recording carries, by connection id. */
export type RecordedCalls = Map<string, RecordedCall>;

/** Who asked for a recording verb, as its events name them. */
export const originOf = (r: RecordingRequest): RequestOrigin => ({ source: r.source, ...(r.dn ? { dn: r.dn } : {}), ...(r.referenceId ? { referenceId: r.referenceId } : {}) });

/** The recording row's parties: those that left, then those on the call (a guest's: as the call model lists them). */
export function partiesOf(call: RecordedCall): RecordedParty[] {
  if (call.guest) return call.guest.parties;
  const now = [...call.members.values()].map((m) => ({ dn: m.leg.dn, role: m.leg.role, from: m.since }));
  return [...call.left, ...now];
}
