/**
 * Cryptographically random Via branches on the wire (RFC 3261 §8.1.1.7: unique across space and time).
 * sip.js makes its own branches from Math.random (about 10^7 values), so every request we send gets a
 * random wire branch instead, and responses are mapped back to sip.js's branch before the core sees
 * them. ACKs to non-2xx and CANCELs reuse their INVITE's sip.js branch, so they get the same wire branch.
 */
import { newBranch } from "../reliability/random-ids.js";

interface Entry {
  wire: string;
  expiresAt: number;
}

/** An INVITE may ring for minutes before its final response. */
const INVITE_TTL_MS = 10 * 60_000;

export class BranchMap {
  private readonly toWire = new Map<string, Entry>();
  private readonly toSip = new Map<string, { branch: string; key: string }>();
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly ttlMs: number) {
    this.sweep = setInterval(() => this.expire(Date.now()), 5000);
    this.sweep.unref();
  }

  /** The wire branch for sip.js's `branch` in the dialog/transaction of `callId`. */
  wireFor(branch: string, callId: string, method: string): string {
    const key = `${branch}\n${callId}`;
    const ttl = method === "INVITE" ? INVITE_TTL_MS : 2 * this.ttlMs;
    const existing = this.toWire.get(key);
    if (existing) {
      existing.expiresAt = Math.max(existing.expiresAt, Date.now() + ttl);
      return existing.wire;
    }
    const wire = newBranch();
    this.toWire.set(key, { wire, expiresAt: Date.now() + ttl });
    this.toSip.set(wire, { branch, key });
    return wire;
  }

  /**
   * sip.js's branch for a wire branch we sent, if it is one of ours. A final response lets the entry go
   * after 2·64·T1 (enough for retransmitted finals), instead of the long ringing allowance.
   */
  sipFor(wire: string, final = false): string | undefined {
    const back = this.toSip.get(wire);
    if (!back) return undefined;
    if (final) {
      const entry = this.toWire.get(back.key);
      if (entry) entry.expiresAt = Math.min(entry.expiresAt, Date.now() + 2 * this.ttlMs);
    }
    return back.branch;
  }

  get size(): number {
    return this.toWire.size;
  }

  stop(): void {
    clearInterval(this.sweep);
    this.toWire.clear();
    this.toSip.clear();
  }

  private expire(now: number): void {
    for (const [key, entry] of this.toWire) {
      if (entry.expiresAt > now) continue;
      this.toWire.delete(key);
      this.toSip.delete(entry.wire);
    }
  }
}
