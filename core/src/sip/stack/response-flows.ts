/**
 * Remembers the flow each request arrived on, by top-Via branch, so the response goes back the same way
 * (RFC 3261 §18.2.2: over the same connection for TCP/TLS; to the source for UDP with rport, RFC 3581).
 * sip.js's `Transport.send(string)` has no destination, so this is how a response finds its flow.
 */
import type { Flow } from "./lower-layers.js";
import { ExpiringMap } from "./expiring-map.js";

/** How long an INVITE's entry lives before a final response (a call may ring for minutes). */
const PENDING_INVITE_MS = 10 * 60_000;

export class ResponseFlows {
  private readonly entries: ExpiringMap<string, Flow>;

  constructor(private readonly lingerMs: number) {
    this.entries = new ExpiringMap(Math.max(1000, Math.min(lingerMs, 5000)));
  }

  /** Latest flow wins: a retransmission comes the same way, and RFC 2543 peers (no branch) share "". */
  remember(branch: string, method: string, flow: Flow): void {
    this.entries.set(branch, flow, method === "INVITE" ? PENDING_INVITE_MS : this.lingerMs);
  }

  /** The flow for a response with this branch; a final response shortens the entry to 64·T1. */
  lookup(branch: string, final: boolean): Flow | undefined {
    if (final) this.entries.shorten(branch, this.lingerMs);
    return this.entries.get(branch);
  }

  get size(): number {
    return this.entries.size;
  }

  stop(): void {
    this.entries.stop();
  }
}
