/**
 * Cryptographically random Via branches on the wire (RFC 3261 §8.1.1.7: unique across space and time).
 * sip.js makes its own branches from Math.random (about 10^7 values), so every request we send gets a
 * random wire branch instead, and responses are mapped back to sip.js's branch before the core sees
 * them. ACKs to non-2xx and CANCELs reuse their INVITE's sip.js branch, so they get the same wire branch.
 * Entries hold copies of the branches (flat-string.ts): a branch sliced from the outgoing text would keep that
 * whole message alive as long as the entry.
 */
import { flat } from "../flat-string.js";
import { newBranch } from "../transactions/random-ids.js";
import { ExpiringMap } from "./expiring-map.js";

/** An INVITE may ring for minutes before its final response. */
const INVITE_TTL_MS = 10 * 60_000;

export class BranchMap {
  private readonly toSip = new Map<string, { branch: string; key: string }>();
  private readonly toWire = new ExpiringMap<string, string>(5000, (_key, wire) => this.toSip.delete(wire));

  constructor(private readonly ttlMs: number) {}

  /** The wire branch for sip.js's `branch` in the dialog/transaction of `callId`. */
  wireFor(branch: string, callId: string, method: string): string {
    const key = flat(`${branch}\n${callId}`);
    const known = this.toWire.get(key);
    const wire = known ?? flat(newBranch());
    // An ACK gets no response (RFC 3261 §17.1.1.3): its entry only keeps its wire branch the same when sip.js
    // re-sends it for a retransmitted 2xx, which comes within 64·T1 (RFC 6026 §8.1, Timer L).
    this.toWire.set(key, wire, method === "INVITE" ? INVITE_TTL_MS : method === "ACK" ? this.ttlMs : 2 * this.ttlMs);
    if (known === undefined) this.toSip.set(wire, { branch: flat(branch), key });
    return wire;
  }

  /**
   * sip.js's branch for a wire branch we sent, if it is one of ours. A final response lets the entry go after
   * 64·T1 instead of the long ringing allowance: retransmissions of a final come within 64·T1 of the first one
   * (RFC 6026 §8.1 Timer L for a 2xx, RFC 3261 §17.2.1 Timer H for others), and sip.js's INVITE client
   * transaction ends by then (Timer M, RFC 6026 §8.4; Timer D, §17.1.1.2).
   */
  sipFor(wire: string, final = false): string | undefined {
    const back = this.toSip.get(wire);
    if (!back) return undefined;
    if (final) this.toWire.shorten(back.key, this.ttlMs);
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
