/**
 * The DN options the core declares, as typed options any plugin reads (`DN_SERVICE_TYPE.read(dn)`). The core's
 * DN schema is built from these same objects, so each option has one definition: an option read by one plugin
 * only is that plugin's (its `manifest.dnOptions`), these are the ones the core itself reads (`contact`,
 * `contact-backup`) or that describe any service DN for every plugin alike.
 */
import { defineDnOption, dnOption, type DnOption } from "./dn-option.js";
import type { SipTransportName } from "./sip.js";

/** What a DN's contact URI may look like (RFC 3261 §19.1: a `sip:` or `sips:` URI, no spaces). */
const SIP_URI_PATTERN = "^sips?:\\S+$";
const SIP_URI = new RegExp(SIP_URI_PATTERN);
const isSipUri = (value: unknown): value is string => typeof value === "string" && SIP_URI.test(value);

/** SIP URI that reaches the device or service. */
export const DN_CONTACT: DnOption<string> = defineDnOption(
  "contact",
  { type: "string", pattern: SIP_URI_PATTERN, description: "SIP URI that reaches the device or service." },
  isSipUri,
);

/** Other URIs of the same service (cluster members), tried in order after `contact`. */
export const DN_CONTACT_BACKUP: DnOption<readonly string[]> = defineDnOption(
  "contact-backup",
  {
    type: "array",
    items: { type: "string", pattern: SIP_URI_PATTERN },
    description: "Other URIs of the same service (cluster members), tried in order after `contact`.",
  },
  (value): value is readonly string[] => Array.isArray(value) && value.every(isSipUri),
);

/** Kind of VoIP service (`softswitch`, `media-server` …), which plugins use to find their services. */
export const DN_SERVICE_TYPE: DnOption<string> = dnOption.text(
  "service-type",
  "Kind of VoIP service: softswitch, mcu, recorder, media-server …",
);

/** Transport to reach the contact. */
export const DN_TRANSPORT: DnOption<SipTransportName> = dnOption.oneOf<SipTransportName>(
  "transport",
  ["udp", "tcp", "tls"],
  "Transport to reach the contact.",
);

/** Free text for operators. */
export const DN_DESCRIPTION: DnOption<string> = defineDnOption(
  "description",
  { type: "string", description: "Free text for operators." },
  (value): value is string => typeof value === "string",
);

/** Every option the core declares, in the order `config.schema.json` lists them. */
export const CORE_DN_OPTION_LIST: ReadonlyArray<DnOption<unknown>> = [DN_CONTACT, DN_CONTACT_BACKUP, DN_SERVICE_TYPE, DN_TRANSPORT, DN_DESCRIPTION];
