/**
 * Cryptographically random Via branches on the wire (RFC 3261 §8.1.1.7: unique across space and time).
 * sip.js makes its own branches from Math.random (about 10^7 values), so every request we send gets a
 * random wire branch instead, and responses are mapped back to sip.js's branch before the core sees
 * them. ACKs to non-2xx and CANCELs reuse their INVITE's sip.js branch, so they get the same wire branch.
 */
import { newBranch } from "../reliability/random-ids.js";
import { ExpiringMap } from "./expiring-map.js";

/** An INVITE may ring for minutes before its final response. */
const INVITE_TTL_MS = 10 * 60_000;

export class BranchMap {
  private readonly toSip = new Map<string, { branch: string; key: string }>();
  private readonly toWire = new ExpiringMap<string, string>(5000, (_key, wire) => this.toSip.delete(wire));

  constructor(private readonly ttlMs: number) {}

  /** The wire branch for sip.js's `branch` in the dialog/transaction of `callId`. */
  wireFor(branch: string, callId: string, method: string): string {
    const key = `${branch}\n${callId}`;
    const wire = this.toWire.get(key) ?? newBranch();
    this.toWire.set(key, wire, method === "INVITE" ? INVITE_TTL_MS : 2 * this.ttlMs);
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
    if (final) this.toWire.shorten(back.key, 2 * this.ttlMs);
    return back.branch;
  }

  get size(): number {
    return this.toWire.size;
  }

  stop(): void {
    this.toWire.stop();
    this.toSip.clear();
  }
}
