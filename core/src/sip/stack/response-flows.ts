/**
 * Remembers the flow each request arrived on, by top-Via branch, so the response goes back the same way
 * (RFC 3261 §18.2.2: over the same connection for TCP/TLS; to the source for UDP with rport, RFC 3581).
 * sip.js's `Transport.send(string)` has no destination, so this is how a response finds its flow.
 */
import type { Flow } from "./lower-layers.js";

interface Entry {
  flow: Flow;
  expiresAt: number;
}

/** How long an INVITE's entry lives before a final response (a call may ring for minutes). */
const PENDING_INVITE_MS = 10 * 60_000;

export class ResponseFlows {
  private readonly entries = new Map<string, Entry>();
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly lingerMs: number) {
    this.sweep = setInterval(() => this.expire(Date.now()), Math.max(1000, Math.min(lingerMs, 5000)));
    this.sweep.unref();
  }

  /** Latest flow wins: a retransmission comes the same way, and RFC 2543 peers (no branch) share "". */
  remember(branch: string, method: string, flow: Flow): void {
    const ttl = method === "INVITE" ? PENDING_INVITE_MS : this.lingerMs;
    const expiresAt = Date.now() + ttl;
    const existing = this.entries.get(branch);
    if (existing) {
      existing.flow = flow;
      existing.expiresAt = Math.max(existing.expiresAt, expiresAt);
      return;
    }
    this.entries.set(branch, { flow, expiresAt });
  }

  /** The flow for a response with this branch; a final response shortens the entry to 64·T1. */
  lookup(branch: string, final: boolean): Flow | undefined {
    const entry = this.entries.get(branch);
    if (!entry) return undefined;
    if (final) entry.expiresAt = Math.min(entry.expiresAt, Date.now() + this.lingerMs);
    return entry.flow;
  }

  get size(): number {
    return this.entries.size;
  }

  stop(): void {
    clearInterval(this.sweep);
    this.entries.clear();
  }

  private expire(now: number): void {
    for (const [branch, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(branch);
  }
}
