/**
 * The SIP methods we know and the ones we serve. Method inspection (RFC 3261 §8.2.1) tells them apart: a
 * method we know but do not serve gets 405 with `Allow`, one we do not know gets 501 (§21.5.2). The known set
 * is also the closed set of metric labels (stack-metrics.ts), so an attacker's methods never become series.
 */

/** Every method in the IANA "Methods and Response Codes" registry of RFC 3261 §27.4. */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  "ACK",
  "BYE",
  "CANCEL",
  "INFO",
  "INVITE",
  "MESSAGE",
  "NOTIFY",
  "OPTIONS",
  "PRACK",
  "PUBLISH",
  "REFER",
  "REGISTER",
  "SUBSCRIBE",
  "UPDATE",
]);

/**
 * What we answer ourselves or hand to sip.js for an answer of substance. Not here, and so 405: REGISTER (we are
 * no registrar), PUBLISH (no event state compositor, RFC 3903), REFER (transfers go through the desktop protocol,
 * RFC 3515), MESSAGE (nothing delivers instant messages to an agent, RFC 3428 §7).
 */
export const SERVED_METHODS: readonly string[] = ["INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "INFO", "NOTIFY", "UPDATE", "PRACK", "SUBSCRIBE"];

const SERVED: ReadonlySet<string> = new Set(SERVED_METHODS);

/** The `Allow` header value (RFC 3261 §20.5). */
export const ALLOW = SERVED_METHODS.join(", ");

export type MethodVerdict = "served" | "not-allowed" | "unknown";

/** RFC 3261 §8.2.1: served, known but not allowed (405), or unknown (501). Methods are case-sensitive (§7.1). */
export function inspectMethod(method: string): MethodVerdict {
  if (SERVED.has(method)) return "served";
  return KNOWN_METHODS.has(method) ? "not-allowed" : "unknown";
}
