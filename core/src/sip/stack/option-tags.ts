/**
 * SIP option tags (RFC 3261 §19.2): which extensions we advertise and which a request may require of us.
 * What we advertise differs by direction: as a UAS we understand reliable provisional responses (RFC 3262),
 * as a UAC we never send PRACK, so our requests must not claim `100rel` (RFC 3262 §4).
 */

/** `Supported` in requests we send (RFC 3261 §20.37): session timers only (RFC 4028). */
export const SUPPORTED_IN_REQUESTS: readonly string[] = ["timer"];

/** `Supported` in responses we send: session timers (RFC 4028) and reliable provisionals (RFC 3262). */
export const SUPPORTED_IN_RESPONSES: readonly string[] = ["timer", "100rel"];

/** Tags a request may list in `Require` and still be served by us as a UAS (RFC 3261 §8.2.2.3). */
const UNDERSTOOD = new Set(SUPPORTED_IN_RESPONSES.map((tag) => tag.toLowerCase()));

/**
 * The option tags of one or more `Require` header field values, in order, each once. Values are
 * comma-separated lists and may be split over several header lines (RFC 3261 §7.3.1); tags are tokens,
 * so they compare case-insensitively (§7.3.1) and the first spelling is kept. Empty items are skipped.
 */
export function requiredTags(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const value of values) {
    for (const item of value.split(",")) {
      const tag = item.trim();
      const key = tag.toLowerCase();
      if (tag === "" || seen.has(key)) continue;
      seen.add(key);
      tags.push(tag);
    }
  }
  return tags;
}

/**
 * The required tags we do not understand: a non-empty result means 420 Bad Extension with exactly these in
 * `Unsupported` (RFC 3261 §8.2.2.3, §20.40). `understood` holds lower-case tags.
 */
export function unsupportedTags(requireValues: readonly string[], understood: ReadonlySet<string> = UNDERSTOOD): string[] {
  return requiredTags(requireValues).filter((tag) => !understood.has(tag.toLowerCase()));
}
