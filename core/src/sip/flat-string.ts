/**
 * A standalone copy of a string, for values kept for a dialog's life. V8 keeps a substring of 13 or more
 * characters as a slice that pins the whole string it came from (a To-tag sliced from a 180 keeps that whole
 * response alive), and a concatenation as a tree of 32-byte nodes (a UUID is ~20 of them). A round trip
 * through a Buffer yields one flat string that shares nothing; shorter strings are copies already. UTF-8, as on
 * the wire: the only change it can make is a lone surrogate becoming U+FFFD, which sending would do anyway.
 */
const SLICE_MIN = 13;

export function flat(s: string): string {
  return s.length < SLICE_MIN ? s : Buffer.from(s, "utf8").toString("utf8");
}
