import { slotFor, type KeySlot } from "./headers-builder.js";

/**
 * Header names: compact forms (RFC 3261 §7.3.3 and the extensions that register one) and the key sip.js stores a
 * header under (its `headerize()`: lower-case, "_" → "-", each word capitalised, six irregular spellings).
 */

/** Compact form → full name (IANA "SIP header fields" registry). */
const COMPACT: Record<string, string> = {
  a: "Accept-Contact", // RFC 3841
  b: "Referred-By", // RFC 3892
  c: "Content-Type",
  d: "Request-Disposition", // RFC 3841
  e: "Content-Encoding",
  f: "From",
  i: "Call-ID",
  j: "Reject-Contact", // RFC 3841
  k: "Supported",
  l: "Content-Length",
  m: "Contact",
  n: "Identity-Info", // RFC 4474
  o: "Event", // RFC 6665
  r: "Refer-To", // RFC 3515
  s: "Subject",
  t: "To",
  u: "Allow-Events", // RFC 6665
  v: "Via",
  x: "Session-Expires", // RFC 4028
  y: "Identity", // RFC 4474
};

const IRREGULAR: Record<string, string> = {
  "Call-Id": "Call-ID",
  Cseq: "CSeq",
  "Min-Se": "Min-SE",
  Rack: "RAck",
  Rseq: "RSeq",
  "Www-Authenticate": "WWW-Authenticate",
};

/** Same result as sip.js's `headerize()` for any token. */
export function headerKey(name: string): string {
  const words = name.toLowerCase().replace(/_/g, "-").split("-");
  let key = "";
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? "";
    if (i > 0) key += "-";
    key += word.charAt(0).toUpperCase() + word.slice(1);
  }
  return IRREGULAR[key] ?? key;
}

/** How the parser handles a header, by its headerize() key. */
export enum HeaderKind {
  Other,
  Via,
  From,
  To,
  CallId,
  CSeq,
  Contact,
  RecordRoute,
  Route,
  ContentLength,
  ContentType,
  MaxForwards,
  Event,
  SubscriptionState,
  ContentDisposition,
  Expires,
  ReferTo,
}

const KIND_BY_KEY: Record<string, HeaderKind> = {
  Via: HeaderKind.Via,
  From: HeaderKind.From,
  To: HeaderKind.To,
  "Call-ID": HeaderKind.CallId,
  CSeq: HeaderKind.CSeq,
  Contact: HeaderKind.Contact,
  "Record-Route": HeaderKind.RecordRoute,
  Route: HeaderKind.Route,
  "Content-Length": HeaderKind.ContentLength,
  "Content-Type": HeaderKind.ContentType,
  "Max-Forwards": HeaderKind.MaxForwards,
  Event: HeaderKind.Event,
  "Subscription-State": HeaderKind.SubscriptionState,
  "Content-Disposition": HeaderKind.ContentDisposition,
  Expires: HeaderKind.Expires,
  "Refer-To": HeaderKind.ReferTo,
};

export interface HeaderName {
  key: string;
  kind: HeaderKind;
  slot: KeySlot;
}

const cache = new Map<string, HeaderName>();
const CACHE_LIMIT = 4096;

/** Key and kind for a header name as written on the wire (compact forms expanded), memoised for the hot path. */
export function classifyHeaderName(name: string): HeaderName {
  let entry = cache.get(name);
  if (entry !== undefined) return entry;
  const key = name.length === 1 ? (COMPACT[name.toLowerCase()] ?? headerKey(name)) : headerKey(name);
  entry = { key, kind: KIND_BY_KEY[key] ?? HeaderKind.Other, slot: slotFor(key) };
  // Bounded, so a flood of random header names cannot grow it without limit.
  if (cache.size < CACHE_LIMIT) cache.set(name, entry);
  return entry;
}

interface HashedName extends HeaderName {
  name: string;
  next: HashedName | undefined;
}

/** Open hash table of names seen on the wire, bucketed by the caller's hash (no Map, no string hashing). */
const BUCKETS = 1024;
const MAX_CHAIN = 8;
const byHash: Array<HashedName | undefined> = new Array<HashedName | undefined>(BUCKETS).fill(undefined);

/**
 * The same as {@link classifyHeaderName} for the name at `text[start, end)` whose hash the caller computed while
 * scanning it: no string is cut or hashed for names seen before (the hot path).
 */
export function classifyHashedName(text: string, start: number, end: number, hash: number): HeaderName {
  const length = end - start;
  const bucket = hash & (BUCKETS - 1);
  let chain = 0;
  for (let e = byHash[bucket]; e !== undefined; e = e.next, chain++) {
    if (e.name.length === length && text.startsWith(e.name, start)) return e;
  }
  const name = text.slice(start, end);
  const entry = classifyHeaderName(name);
  // Short chains only: crafted names that share a bucket must not make lookups slow.
  if (chain < MAX_CHAIN) byHash[bucket] = { ...entry, name, next: byHash[bucket] };
  return entry;
}

export function keyForWireName(name: string): string {
  return classifyHeaderName(name).key;
}
