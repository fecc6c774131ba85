/**
 * What a SIPREC session to an SRS is told of a recorded call: the room parties streamed on each side, and the
 * participants its metadata names (RFC 7866 §6.1.2; RFC 7865 participant elements).
 */
import type { RecordedCall } from "./recorded-call.js";
import type { MetadataParticipant } from "./siprec/rs-metadata.js";
import type { SiprecSides } from "./siprec/siprec-session.js";

/** The call's room parties on each side, for the SIPREC streams. */
export function sidesOf(call: RecordedCall): SiprecSides {
  const members = [...call.members.values()];
  return { customers: members.filter((m) => m.leg.role === "customer").map((m) => m.party), agents: members.filter((m) => m.leg.role !== "customer").map((m) => m.party) };
}

/** The call's participants as the SIPREC metadata names them: those on it, then those that left (once each). */
export function participantsOf(call: RecordedCall): MetadataParticipant[] {
  const of = (p: { dn: string; role: string }, since: string, until?: string): MetadataParticipant => ({
    aor: `sip:${p.dn || "anonymous"}@tandem.invalid`,
    name: p.dn,
    side: p.role === "customer" ? "customer" : "agent",
    since,
    ...(until ? { until } : {}),
  });
  const now = [...call.members.values()].map((m) => of(m.leg, m.since));
  const gone = new Map<string, MetadataParticipant>();
  for (const p of call.left) {
    const left = of(p, p.from, p.to);
    if (!now.some((n) => n.aor === left.aor && n.side === left.side)) gone.set(`${left.side}:${left.aor}`, left);
  }
  return [...now, ...gone.values()];
}
