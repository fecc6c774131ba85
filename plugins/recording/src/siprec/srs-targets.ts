/**
 * The SRS URIs a recording session tries, in order, from `siprec.srs`: a SIP URI as written, a VoipService DN as
 * its `contact` then each `contact-backup` (the SDK's dnContacts). Read at each session's start, so a DN changed
 * through the admin API applies to the next session.
 */
import { dnContacts, type DnRegistry } from "@tandem/sdk";

/** The SRSes of the config, resolved against the DNs, and why any entry gave no URI. */
export function srsUris(dns: Pick<DnRegistry, "get">, configured: string | readonly string[]): { uris: string[]; problems: string[] } {
  const uris: string[] = [];
  const problems: string[] = [];
  for (const entry of typeof configured === "string" ? [configured] : configured) {
    if (/^sips?:/i.test(entry)) {
      uris.push(entry);
      continue;
    }
    const dn = dns.get(entry);
    if (!dn || dn.type !== "VoipService") {
      problems.push(`${entry} is neither a SIP URI nor a VoipService DN`);
      continue;
    }
    const contacts = dnContacts(dn).all;
    if (contacts.length === 0) problems.push(`VoipService DN ${entry} has no contact`);
    uris.push(...contacts);
  }
  return { uris, problems };
}

/** The configured SRSes as CallRecordings reads them: resolved at each session's start. */
export interface SrsDirectory {
  uris(): { uris: string[]; problems: string[] };
  /** How long an SRS may take to answer, ms. */
  readonly answerMs: number;
}
