/**
 * Headers of the caller's INVITE carried onto the INVITE placed for it (agent delivery, single-step transfer),
 * after `calls.carryHeaders`: by default the caller's identity for CUCM and the phone's display — P-Asserted-Identity
 * (RFC 3325 §9.1) and Remote-Party-ID (its pre-RFC 3325 form, still sent and read by CUCM) — the caller's privacy
 * request (Privacy, RFC 3323 §4.2), and Cisco-Guid, which recorders and CDRs use to tie the legs of one call together.
 *
 * RFC 3325 §5: an asserted identity is believed only from a node in the trust domain. P-Asserted-Identity,
 * P-Preferred-Identity and Remote-Party-ID are carried only when the INVITE came from an address in
 * `calls.identityTrustedPeers` (by default the SIP stack's `sip.trustedPeers`); from anyone else they are dropped,
 * never passed on as if we asserted them. Headers the SIP stack writes itself (Via, Call-ID, Contact …) are never
 * copied, whatever the list says.
 */
import type { ExtraHeaders, InboundInvite } from "@tandem/sdk";
import { createTrustedPeers, type TrustedPeers } from "../sip/index.js";
import type { CallsConfig } from "./calls-config.js";

/** Headers that assert who the caller is (RFC 3325 §9.1, §9.2; draft-ietf-sip-privacy-04 for Remote-Party-ID). */
const IDENTITY_HEADERS: ReadonlySet<string> = new Set(["p-asserted-identity", "p-preferred-identity", "remote-party-id"]);

/** Owned by the SIP stack or by the dialog: copying them would break the new INVITE (RFC 3261 §8.1.1, §20). */
const STACK_OWNED: ReadonlySet<string> = new Set([
  "via", "v", "from", "f", "to", "t", "call-id", "i", "cseq", "contact", "m", "content-length", "l", "content-type", "c",
  "max-forwards", "route", "record-route", "require", "supported", "k", "allow", "session-expires", "x", "min-se",
  "rseq", "rack", "x-tandem-connid",
]);

interface Policy {
  readonly names: readonly string[];
  readonly trusted: TrustedPeers;
}

const policies = new WeakMap<CallsConfig, Policy>();

function policyOf(config: CallsConfig): Policy {
  let policy = policies.get(config);
  if (!policy) {
    const names = config.carryHeaders.filter((name) => !STACK_OWNED.has(name.toLowerCase()));
    // An empty list would mean "everyone" to the SIP stack's check; for asserted identity it means "nobody".
    const peers = config.identityTrustedPeers ?? [];
    policy = { names, trusted: peers.length === 0 ? { allows: () => false } : createTrustedPeers(peers) };
    policies.set(config, policy);
  }
  return policy;
}

/** Builds the policy now, so a bad `identityTrustedPeers` entry stops the start with its coded error. */
export function checkCarryPolicy(config: CallsConfig): void {
  policyOf(config);
}

/** The headers of `invite` to put on the INVITE placed for its caller (one line per name; repeated values joined). */
export function carriedHeaders(config: CallsConfig, invite: InboundInvite): ExtraHeaders {
  const policy = policyOf(config);
  const out: ExtraHeaders = {};
  let trusted: boolean | undefined;
  for (const name of policy.names) {
    const values = invite.request.headers(name);
    if (values.length === 0) continue;
    if (IDENTITY_HEADERS.has(name.toLowerCase())) {
      trusted ??= policy.trusted.allows(invite.request.source.address);
      if (!trusted) continue;
    }
    // Repeated lines become one comma-separated value (RFC 3261 §7.3.1), as the default headers' grammars allow.
    out[name] = values.join(", ");
  }
  return out;
}
