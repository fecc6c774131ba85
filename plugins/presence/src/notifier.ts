/**
 * Finds the presence notifier (the PBX) among the DNs: a VoipService DN, by default the first one with
 * `service-type: softswitch`, whose `contact` is tried first and whose `contact-backup` URIs are the other
 * cluster nodes (Genesys DN options, domain.md §1.2).
 */
import { DN_SERVICE_TYPE, dnContacts, type DnRecord, type DnRegistry } from "@tandem/sdk";
import { PresenceErrors } from "./errors.js";

/** The notifier DN and the URIs to try, primary first. */
export interface Notifier {
  readonly dn: string;
  readonly contacts: readonly string[];
}

/** Result of {@link resolveNotifier}: an error message when no usable notifier exists. */
export type NotifierResult = { ok: true; notifier: Notifier } | { ok: false; code: string; reason: string };

export function resolveNotifier(dns: Pick<DnRegistry, "get" | "list">, configured: string | undefined): NotifierResult {
  const record = configured !== undefined ? dns.get(configured) : findSoftswitch(dns.list({ type: "VoipService" }));
  if (record === undefined || record.type !== "VoipService") {
    const why = configured !== undefined ? `DN ${configured} is not a VoipService DN` : "no VoipService DN with service-type softswitch";
    const err = PresenceErrors.noNotifier(why);
    return { ok: false, code: err.code, reason: err.message };
  }
  const contacts = dnContacts(record).all;
  for (const contact of contacts) {
    if (parseSipUri(contact) === undefined) {
      const err = PresenceErrors.badContact(record.number, contact);
      return { ok: false, code: err.code, reason: err.message };
    }
  }
  if (contacts.length === 0) {
    const err = PresenceErrors.noNotifier(`VoipService DN ${record.number} has no contact`);
    return { ok: false, code: err.code, reason: err.message };
  }
  return { ok: true, notifier: { dn: record.number, contacts } };
}

function findSoftswitch(records: readonly DnRecord[]): DnRecord | undefined {
  return records.find((r) => DN_SERVICE_TYPE.read(r) === "softswitch");
}


interface SipUriParts {
  scheme: "sip" | "sips";
  hostport: string;
  params: string;
}

/** Splits `sip:[user@]host[:port][;params]` (angle brackets allowed); undefined when it is no SIP URI. */
function parseSipUri(text: string): SipUriParts | undefined {
  const match = /^<?(sips?):(?:[^@;>]*@)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?((?:;[^>?]*)?)>?$/.exec(text.trim());
  if (!match) return undefined;
  return { scheme: match[1] as "sip" | "sips", hostport: `${match[2]}${match[3] ?? ""}`, params: match[4] ?? "" };
}

/** The Request-URI of a SUBSCRIBE for `dn` at a notifier contact: `sip:<dn>@<contact host>[:port][;params]`. */
export function subscribeTarget(dn: string, contact: string): string {
  const parts = parseSipUri(contact);
  if (parts === undefined) throw PresenceErrors.badContact("?", contact);
  return `${parts.scheme}:${dn}@${parts.hostport}${parts.params}`;
}
