/**
 * Where an outbound leg goes: the `selectTrunk` hook's choice, or without a handler the single configured
 * trunk (a `Trunk` DN, else a `VoipService` DN) with the destination put in the user part of its `contact`.
 * Failover: the hook is asked again with the trunks already tried in `exclude`; the default walks the trunk's
 * `contact` then each `contact-backup` (the other members of a PBX cluster).
 */
import { selectTrunk, type DnRecord, type DnRegistry, type Hooks, type TrunkChoice } from "@tandem/sdk";
import { CallErrors } from "./errors.js";

/** `sip:host:port;params` + `1001` → `sip:1001@host:port;params` (a user part already there is replaced). */
export function targetThrough(contact: string, destination: string): string {
  const match = /^(sips?):(?:[^@;]*@)?(.+)$/i.exec(contact.trim().replace(/^<|>$/g, ""));
  if (!match) throw CallErrors.noTrunk(destination, `contact ${contact} is not a SIP URI`);
  return `${match[1]}:${destination}@${match[2]}`;
}

function contactsOf(dn: DnRecord): string[] {
  const backup = dn.options["contact-backup"];
  const backups = Array.isArray(backup) ? backup : typeof backup === "string" ? backup.split(",") : [];
  return [dn.options.contact, ...backups].filter((c): c is string => typeof c === "string" && c.trim() !== "").map((c) => c.trim());
}

/**
 * The trunk the core uses when no `selectTrunk` handler is tapped: attempt `tried` goes to the trunk's
 * contact number `tried` (0 = `contact`, then `contact-backup` in order); undefined when none is left.
 */
export function defaultTrunk(dns: DnRegistry, destination: string, tried = 0): TrunkChoice | undefined {
  const trunks = dns.list({ type: "Trunk" });
  const candidates = trunks.length > 0 ? trunks : dns.list({ type: "VoipService" });
  const trunk = candidates.find((dn) => typeof dn.options.contact === "string");
  if (!trunk) throw CallErrors.noTrunk(destination, "no Trunk or VoipService DN has a contact");
  const contact = contactsOf(trunk)[tried];
  return contact === undefined ? undefined : { trunk: trunk.number, target: targetThrough(contact, destination) };
}

/**
 * Asks `selectTrunk` (with `exclude`), else {@link defaultTrunk}. Undefined when failover has nothing left;
 * throws `TANDEM_ERR_CALLS_NO_TRUNK` when no trunk is configured at all.
 */
export async function chooseTrunk(
  hooks: Hooks,
  dns: DnRegistry,
  request: { connId: string; destination: string; routingPoint?: string; exclude: readonly string[]; tried: number },
): Promise<TrunkChoice | undefined> {
  const { tried, ...selection } = request;
  if (hooks.count(selectTrunk) > 0) {
    const choice = await hooks.call(selectTrunk, selection);
    if (choice && !request.exclude.includes(choice.trunk)) return choice;
    if (tried > 0) return undefined;
  }
  return defaultTrunk(dns, request.destination, tried);
}
