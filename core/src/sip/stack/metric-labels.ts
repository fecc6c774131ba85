/**
 * Label values for the SIP counters, each from a closed set whatever arrives on the wire: a label value is a
 * time series kept for the life of the process, so a raw method or status from a peer would let anyone grow
 * `/metrics` and our memory without end.
 */
import { KNOWN_METHODS } from "../sip-methods.js";

/** Response codes of the IANA registry (RFC 3261 §21 and its extensions); others are counted by class. */
const KNOWN_STATUSES: ReadonlySet<number> = new Set([
  100, 180, 181, 182, 183, 199, 200, 202, 204, 300, 301, 302, 305, 380, 400, 401, 402, 403, 404, 405, 406, 407, 408, 410,
  412, 413, 414, 415, 416, 417, 420, 421, 422, 423, 424, 428, 429, 430, 433, 436, 437, 438, 439, 440, 469, 470, 480, 481,
  482, 483, 484, 485, 486, 487, 488, 489, 491, 493, 494, 500, 501, 502, 503, 504, 505, 513, 555, 580, 600, 603, 604, 606,
  607, 608,
]);

/** A known method as it is, anything else `other`. */
export function methodLabel(method: string): string {
  return KNOWN_METHODS.has(method) ? method : "other";
}

/** "" for a request; a registered code as it is; else its class (`4xx`), or `other` outside 100–699. */
export function statusLabel(status: number | undefined): string {
  if (status === undefined) return "";
  if (KNOWN_STATUSES.has(status)) return String(status);
  if (Number.isInteger(status) && status >= 100 && status <= 699) return `${Math.floor(status / 100)}xx`;
  return "other";
}
