/**
 * URI parsing for targets plugins give us and the From of our INVITEs (the caller's number, so a new text per
 * customer). Our own parser (parser/uri.ts) builds sip.js's `URI` objects in a few µs where sip.js's Grammar took
 * ~0.4 ms (over 1 ms on a loaded machine); repeated texts (trunk targets) are cached, and cloned since sip.js
 * objects are mutable. Like Grammar's, only a whole SIP or SIPS URI is taken (RFC 3261 §19.1.1); unlike it, a
 * `maddr` parameter leaves the host as written (sip.js's grammar overwrote it, sipjs-fastpath.md).
 */
import type { URI } from "sip.js/lib/core/index.js";
import { SipStackErrors } from "../errors.js";
import { parseUri as parseUriText } from "../parser/uri.js";

const cache = new Map<string, URI>();
const MAX = 2000;

function parseWhole(text: string): URI | undefined {
  try {
    const { uri, end } = parseUriText(text, 0, text.length, { params: true, where: "target URI" });
    return end === text.length && (uri.scheme === "sip" || uri.scheme === "sips") ? uri : undefined;
  } catch {
    return undefined; // answered below with the coded error, as before
  }
}

export function parseUri(text: string): URI {
  const cached = cache.get(text);
  if (cached) return cached.clone();
  const uri = parseWhole(text.trim().replace(/^<|>$/g, ""));
  if (!uri) throw SipStackErrors.badTarget(text, "does not parse as a SIP URI");
  if (cache.size >= MAX) cache.clear();
  cache.set(text, uri);
  return uri.clone();
}

/** The To URI for a target: the same URI without URI parameters or headers (RFC 3261 §8.1.1.2). */
export function toUriOf(target: string): URI {
  const uri = parseUri(target);
  uri.clearParams();
  uri.clearHeaders();
  return uri;
}
