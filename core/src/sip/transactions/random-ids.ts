/**
 * Cryptographically random identifiers for what we originate. RFC 3261 §8.1.1.7 wants branches unique
 * across space and time (sip.js uses `Math.random() * 1e7`, ~1e-4 collision odds per transaction at
 * 1000 live ones); §19.3 wants tags and Call-IDs globally unique and hard to guess.
 * Random bytes are drawn from a pooled `crypto.randomBytes` buffer so each id costs no system call.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { flat } from "../flat-string.js";

/** RFC 3261 §8.1.1.7 magic cookie. */
export const BRANCH_COOKIE = "z9hG4bK";

const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let offset = 0;

function take(n: number): Buffer {
  if (offset + n > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + n);
  offset += n;
  return bytes;
}

/** A Via branch: the magic cookie plus 96 random bits (base64url is within RFC 3261 `token`). */
export function newBranch(): string {
  return BRANCH_COOKIE + take(12).toString("base64url");
}

/** A From/To tag: 72 random bits, 12 `token` characters. */
export function newTag(): string {
  return take(9).toString("base64url");
}

/**
 * A Call-ID: a random UUID (122 random bits), optionally `@host`. Flattened: Node builds a UUID by concatenation
 * (~20 string nodes, ~0.5 KB), and a dialog keeps its Call-ID for its life.
 */
export function newCallId(host?: string): string {
  return flat(host ? `${randomUUID()}@${host}` : randomUUID());
}
