/**
 * Cryptographically random Call-IDs and tags for what we originate (RFC 3261 §8.1.1.4, §19.3), from the
 * transaction layer's pooled ones (sip.js's own tokens come from Math.random).
 */
import { newCallId, newTag } from "../transactions/random-ids.js";

export function randomCallId(): string {
  return newCallId();
}

export function randomTag(): string {
  return newTag();
}
