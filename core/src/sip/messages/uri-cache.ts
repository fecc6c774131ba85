/**
 * URI parsing for targets plugins give us. sip.js's Grammar costs ~0.4 ms per URI, and the same trunk
 * targets repeat for every call, so parsed URIs are cached (and cloned: sip.js objects are mutable).
 */
import { Grammar, type URI } from "sip.js/lib/core/index.js";
import { SipStackErrors } from "../errors.js";

const cache = new Map<string, URI>();
const MAX = 2000;

export function parseUri(text: string): URI {
  const cached = cache.get(text);
  if (cached) return cached.clone();
  const uri = Grammar.URIParse(text.trim().replace(/^<|>$/g, ""));
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
