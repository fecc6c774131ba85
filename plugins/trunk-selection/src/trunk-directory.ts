/**
 * Reads trunks and trunk groups out of the DN registry: `Trunk` DNs with `contact` (+ `contact-backup`,
 * `transport`, `oos-check`, `oos-force`) and `TrunkGroup` DNs listing members in `trunks`. Bad entries are
 * reported as coded problems and left out, so one typo never stops selection over the rest.
 */
import { dnContacts, type DnRecord, type DnRegistry, type SipTransportName, type TandemError } from "@tandem/sdk";
import { TrunkErrors } from "./errors.js";
import {
  DN_OPTION_HOLD_DOWN,
  DN_OPTION_OOS_CHECK,
  DN_OPTION_OOS_FORCE,
  DN_OPTION_STRATEGY,
  DN_OPTION_TRUNKS,
  type StrategyName,
  type TrunkSelectionConfig,
} from "./manifest.js";

export interface TrunkDefinition {
  readonly number: string;
  /** `contact` first, then each `contact-backup`, transport parameter applied. */
  readonly endpoints: readonly string[];
  /** 0 = no probing. */
  readonly oosCheckMs: number;
  readonly oosForceMs: number;
}

export interface GroupDefinition {
  readonly number: string;
  readonly members: readonly string[];
  readonly strategy: StrategyName;
  readonly holdDownMs: number;
}

/** The number of the implicit group made of every Trunk DN. */
export const ALL_TRUNKS = "*";

export interface TrunkDirectory {
  readonly trunks: ReadonlyMap<string, TrunkDefinition>;
  readonly groups: ReadonlyMap<string, GroupDefinition>;
  readonly problems: readonly TandemError[];
}

const URI = /^(sips?):(?:[^@;?]*@)?([^;?]+)(.*)$/i;

/** Adds `;transport=<t>` unless the URI already names one (RFC 3261 §19.1.1); undefined when not a SIP URI. */
export function endpointUri(contact: string, transport: SipTransportName | undefined): string | undefined {
  const match = URI.exec(contact.trim().replace(/^<|>$/g, ""));
  if (!match || !match[2]) return undefined;
  const [, scheme, hostPort, params = ""] = match;
  const withTransport = transport && !/;\s*transport=/i.test(params) ? `${params};transport=${transport}` : params;
  return `${scheme}:${hostPort}${withTransport}`;
}

/** `sip:host:port;params` + `1001` → `sip:1001@host:port;params`; a destination given as a URI keeps only its user. */
export function targetThrough(endpoint: string, destination: string): string {
  const user = /^sips?:([^@;]+)@/i.exec(destination)?.[1] ?? destination;
  const colon = endpoint.indexOf(":");
  return `${endpoint.slice(0, colon + 1)}${user}@${endpoint.slice(colon + 1)}`;
}

function readTrunk(dn: DnRecord, config: TrunkSelectionConfig, problems: TandemError[]): TrunkDefinition | undefined {
  const { all, transport } = dnContacts(dn);
  const endpoints: string[] = [];
  for (const raw of all) {
    const uri = endpointUri(raw, transport);
    if (uri === undefined) problems.push(TrunkErrors.badContact(dn.number, raw));
    else endpoints.push(uri);
  }
  if (endpoints.length === 0) return undefined;
  return {
    number: dn.number,
    endpoints,
    oosCheckMs: (DN_OPTION_OOS_CHECK.read(dn) ?? config.oosCheck) * 1000,
    oosForceMs: Math.max(1, (DN_OPTION_OOS_FORCE.read(dn) ?? config.oosForce) * 1000),
  };
}

function readGroup(dn: DnRecord, config: TrunkSelectionConfig, trunks: Map<string, TrunkDefinition>, problems: TandemError[]): GroupDefinition {
  const members: string[] = [];
  for (const member of DN_OPTION_TRUNKS.read(dn) ?? []) {
    if (trunks.has(member)) members.push(member);
    else problems.push(TrunkErrors.unknownMember(dn.number, member));
  }
  return {
    number: dn.number,
    members,
    strategy: DN_OPTION_STRATEGY.read(dn) ?? config.strategy,
    holdDownMs: (DN_OPTION_HOLD_DOWN.read(dn) ?? config.holdDownSeconds) * 1000,
  };
}

/** Builds the trunks and groups from the registry as it is now. */
export function readDirectory(dns: DnRegistry, config: TrunkSelectionConfig): TrunkDirectory {
  const problems: TandemError[] = [];
  const trunks = new Map<string, TrunkDefinition>();
  const byNumber = (a: DnRecord, b: DnRecord): number => a.number.localeCompare(b.number, "en", { numeric: true });
  for (const dn of dns.list({ type: "Trunk" }).sort(byNumber)) {
    const trunk = readTrunk(dn, config, problems);
    if (trunk) trunks.set(trunk.number, trunk);
  }
  const groups = new Map<string, GroupDefinition>();
  groups.set(ALL_TRUNKS, {
    number: ALL_TRUNKS,
    members: [...trunks.keys()],
    strategy: config.strategy,
    holdDownMs: config.holdDownSeconds * 1000,
  });
  for (const dn of dns.list({ type: "TrunkGroup" }).sort(byNumber)) groups.set(dn.number, readGroup(dn, config, trunks, problems));
  return { trunks, groups, problems };
}
