/**
 * The SIP trace: the last messages of recent SIP Call-IDs, in memory, bounded three ways (Call-IDs kept,
 * messages per Call-ID, age). Recording is what the SIP hot path pays for, so it only keeps a reference (or a
 * copy of the header part when bodies are left out) and a time stamp; parsing the start line and decoding
 * bytes happen when someone reads the trace. Call-IDs are evicted oldest first (a Map keeps insertion order).
 */
import type { SipMessageTap } from "../sip/message-tap.js";
import type { SipTraceConfig } from "./sip-trace-config.js";

const MINUTE_MS = 60_000;

/** Where a message came from or went to; formatted only when read. */
type Peer = { transport: string } & ({ remoteAddress: string; remotePort: number } | { address: string; port: number });

interface StoredMessage {
  at: number;
  direction: "in" | "out";
  peer: Peer | string;
  raw: Buffer | string;
}

const HEADER_END = Buffer.from("\r\n\r\n");

interface StoredCall {
  lastAt: number;
  messages: StoredMessage[];
  dropped: number;
}

/** One traced message as the admin API shows it. */
export interface TracedMessage {
  at: string;
  /** Milliseconds since the Unix epoch (the ladder's time deltas). */
  atMs: number;
  direction: "in" | "out";
  sipCallId: string;
  /** `transport:address:port` of the peer. */
  peer: string;
  /** `INVITE`, `BYE` … for a request; `180 Ringing` … for a response. */
  label: string;
  method: string;
  status?: number;
  text: string;
}

export class SipTraceStore {
  private readonly calls = new Map<string, StoredCall>();
  private readonly retentionMs: number;

  constructor(private readonly config: SipTraceConfig, private readonly now: () => number = Date.now) {
    this.retentionMs = config.retentionMinutes * MINUTE_MS;
  }

  /** The tap to install in the SIP stack, or undefined when tracing is off (the stack then pays nothing). */
  tap(): SipMessageTap | undefined {
    if (!this.config.enabled) return undefined;
    return (direction, callId, message, peer) => this.record(direction, callId, message, peer);
  }

  /** `peer` is kept as given (the stack's flow or target object, or a name) and formatted when read. */
  record(direction: "in" | "out", callId: string, message: Buffer | string, peer: Peer | string): void {
    const at = this.now();
    let call = this.calls.get(callId);
    if (call === undefined) {
      this.evict(at);
      call = { lastAt: at, messages: [], dropped: 0 };
      this.calls.set(callId, call);
    }
    call.lastAt = at;
    if (call.messages.length >= this.config.maxMessagesPerCall) {
      call.dropped++;
      return;
    }
    const transport = typeof peer === "string" ? "" : peer.transport;
    const raw = this.config.includeBodies ? keepable(message, transport) : headersOnly(message, transport);
    call.messages.push({ at, direction, peer, raw });
  }

  /** Messages of the given Call-IDs, oldest first, and how many were not kept (past `maxMessagesPerCall`). */
  read(callIds: readonly string[]): { messages: TracedMessage[]; dropped: number } {
    const cutoff = this.now() - this.retentionMs;
    const messages: TracedMessage[] = [];
    let dropped = 0;
    for (const callId of new Set(callIds)) {
      const call = this.calls.get(callId);
      if (call === undefined || call.lastAt < cutoff) continue;
      dropped += call.dropped;
      for (const m of call.messages) messages.push(present(callId, m));
    }
    messages.sort((a, b) => a.atMs - b.atMs);
    return { messages, dropped };
  }

  get enabled(): boolean {
    return this.config.enabled;
  }

  /** Call-IDs held now (tests, the health page). */
  get size(): number {
    return this.calls.size;
  }

  clear(): void {
    this.calls.clear();
  }

  /** Makes room for one more Call-ID: the oldest go while there are too many or they are past retention. */
  private evict(at: number): void {
    const cutoff = at - this.retentionMs;
    for (const [callId, call] of this.calls) {
      if (this.calls.size < this.config.maxCalls && call.lastAt >= cutoff) return;
      this.calls.delete(callId);
    }
  }
}

function peerName(peer: Peer | string): string {
  if (typeof peer === "string") return peer;
  return "remoteAddress" in peer ? `${peer.transport}:${peer.remoteAddress}:${peer.remotePort}` : `${peer.transport}:${peer.address}:${peer.port}`;
}

/**
 * A UDP datagram arrives in a Buffer of its own (node's dgram), kept as it is; a TCP/TLS message may be a view
 * into a larger stream chunk, so it is copied and the trace holds only the message.
 */
function keepable(message: Buffer | string, transport: string): Buffer | string {
  return typeof message === "string" || transport === "udp" ? message : Buffer.from(message);
}

/** The start line and headers, up to and including the blank line (RFC 3261 §7). */
function headersOnly(message: Buffer | string, transport: string): Buffer | string {
  if (typeof message === "string") {
    const end = message.indexOf("\r\n\r\n");
    return end < 0 ? message : message.slice(0, end + 4);
  }
  const end = message.indexOf(HEADER_END);
  return keepable(end < 0 ? message : message.subarray(0, end + 4), transport);
}

function present(sipCallId: string, m: StoredMessage): TracedMessage {
  const text = typeof m.raw === "string" ? m.raw : m.raw.toString("utf8");
  const firstLine = text.slice(0, Math.max(0, text.indexOf("\r\n"))) || text.slice(0, 200);
  const response = /^SIP\/2\.0\s+(\d{3})\s*(.*)$/.exec(firstLine);
  const cseq = /^CSeq:\s*\d+\s+(\S+)/im.exec(text);
  const method = response ? (cseq?.[1] ?? "") : (firstLine.split(" ")[0] ?? "");
  const base = { at: new Date(m.at).toISOString(), atMs: m.at, direction: m.direction, sipCallId, peer: peerName(m.peer), method, text };
  if (!response) return { ...base, label: method };
  const status = Number(response[1]);
  return { ...base, label: `${status} ${response[2] ?? ""}`.trim(), status };
}
