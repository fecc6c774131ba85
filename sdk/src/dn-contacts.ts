/**
 * The URIs that reach a DN's device or service: its `contact`, then each `contact-backup` in order (the other
 * members of a PBX or media-server cluster), and the `transport` to reach them. The DN validator has already
 * required `contact` to be a `sip:` or `sips:` URI, `contact-backup` an array of them and `transport` one of
 * udp, tcp, tls, so this only reads them in order.
 */
import { DN_TRANSPORT } from "./core-dn-options.js";
import type { DnRecord } from "./dns.js";
import type { SipTransportName } from "./sip.js";

export interface DnContacts {
  /** `contact`, when the DN has one. */
  readonly contact: string | undefined;
  /** Each `contact-backup`, in order. */
  readonly backups: readonly string[];
  /** `contact` (when there is one), then the backups: the order to try them in. */
  readonly all: readonly string[];
  /** The DN's `transport` option, when it names one. */
  readonly transport: SipTransportName | undefined;
}

/** A DN's contact URIs, contact first. */
export function dnContacts(dn: Pick<DnRecord, "options">): DnContacts {
  const contact = typeof dn.options["contact"] === "string" ? dn.options["contact"] : undefined;
  const listed = dn.options["contact-backup"];
  const backups = Array.isArray(listed) ? listed.filter((b): b is string => typeof b === "string") : [];
  return { contact, backups, all: contact === undefined ? backups : [contact, ...backups], transport: DN_TRANSPORT.read(dn) };
}
