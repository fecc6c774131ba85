/**
 * Reads the media servers out of the DN registry: VoipService DNs named by `servers` (default: every VoipService
 * DN with `service-type: media-server`, by number), each with its `contact` and `contact-backup` URIs and the
 * DN's `transport` option. Bad entries become coded problems and are left out, so one typo never stops the rest.
 */
import { DN_SERVICE_TYPE, dnContacts, type DnRecord, type DnRegistry, type TandemError } from "@tandem/sdk";
import { MediaErrors } from "./errors.js";
import { MEDIA_SERVER_SERVICE_TYPE } from "./manifest.js";
import { parseContact, withTransport, type ContactParts } from "./netann-uri.js";

/** One URI of one media server. */
export interface Endpoint {
  /** The media server's DN number. */
  readonly server: string;
  /** The contact as written (with the DN's transport applied): the key of its hold-down state. */
  readonly uri: string;
  readonly contact: ContactParts;
  /** `contact` or a `contact-backup` entry. */
  readonly role: "primary" | "backup";
}

export interface ServerDirectory {
  /** Server DN numbers in order of preference. */
  readonly servers: readonly string[];
  /** Every endpoint in the order they are tried: each server's `contact`, then each server's backups. */
  readonly endpoints: readonly Endpoint[];
  readonly problems: readonly TandemError[];
}

function endpointsOf(dn: DnRecord, problems: TandemError[]): { primary: Endpoint[]; backups: Endpoint[] } {
  const { contact, backups: backupUris, transport } = dnContacts(dn);
  const make = (raw: string, role: Endpoint["role"]): Endpoint | undefined => {
    const parsed = parseContact(raw);
    if (parsed === undefined) {
      problems.push(MediaErrors.badContact(dn.number, raw));
      return undefined;
    }
    const contact = withTransport(parsed, transport);
    return { server: dn.number, uri: `${contact.scheme}:${contact.hostPort}${contact.params}`, contact, role };
  };
  const primary = contact === undefined ? [] : [make(contact, "primary")];
  const backups = backupUris.map((b) => make(b, "backup"));
  const defined = (e: Endpoint | undefined): e is Endpoint => e !== undefined;
  return { primary: primary.filter(defined), backups: backups.filter(defined) };
}

function serverDns(dns: Pick<DnRegistry, "get" | "list">, configured: readonly string[] | undefined, problems: TandemError[]): DnRecord[] {
  if (configured === undefined) {
    return dns
      .list({ type: "VoipService" })
      .filter((dn) => DN_SERVICE_TYPE.read(dn) === MEDIA_SERVER_SERVICE_TYPE)
      .sort((a, b) => a.number.localeCompare(b.number, "en", { numeric: true }));
  }
  const records: DnRecord[] = [];
  for (const number of configured) {
    const dn = dns.get(number);
    if (dn?.type === "VoipService") records.push(dn);
    else problems.push(MediaErrors.unknownServer(number));
  }
  return records;
}

/**
 * Builds the directory from the registry as it is now. Primary contacts of every server come before any backup:
 * a cluster's backup node is the last resort, after the other media servers the operator listed.
 */
export function readServers(dns: Pick<DnRegistry, "get" | "list">, configured: readonly string[] | undefined): ServerDirectory {
  const problems: TandemError[] = [];
  const records = serverDns(dns, configured, problems);
  const primary: Endpoint[] = [];
  const backups: Endpoint[] = [];
  const servers: string[] = [];
  for (const dn of records) {
    const found = endpointsOf(dn, problems);
    if (found.primary.length + found.backups.length === 0) {
      problems.push(MediaErrors.badContact(dn.number, "(none)"));
      continue;
    }
    servers.push(dn.number);
    primary.push(...found.primary);
    backups.push(...found.backups);
  }
  // The same URI listed twice (two DNs for one box) is tried once.
  const seen = new Set<string>();
  const endpoints = [...primary, ...backups].filter((e) => (seen.has(e.uri) ? false : (seen.add(e.uri), true)));
  return { servers, endpoints, problems };
}
