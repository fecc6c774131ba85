/**
 * Client-transaction reliability for our requests over UDP (RFC 3261 §17.1), beneath sip.js's own
 * client transactions (which send once: Timer A/E are TODOs there, D/K are 0).
 *
 * - INVITE: Timer A retransmits at T1, 2·T1, 4·T1 … while no response has arrived; Timer B (64·T1)
 *   ends it (§17.1.1.2). A non-2xx final starts Timer D (≥ 32 s): retransmissions of that final are
 *   answered with the ACK sip.js built, and are not passed up (sip.js's ICT is already gone).
 * - non-INVITE: Timer E retransmits at T1, then doubling up to T2, every T2 once a provisional has
 *   arrived, until a final; Timer F (64·T1) ends it (§17.1.2.2). After the final, Timer K (T4)
 *   absorbs duplicate responses.
 * - 1xx/2xx to INVITE pass through: sip.js re-ACKs 2xx retransmissions itself (ICT Accepted state).
 * Entries are keyed by branch + method; our branches are random (CANCEL shares the INVITE's branch).
 */
import type { Flow, Target } from "../transport/flow.js";
import type { OutgoingPeek } from "../transport/outgoing-peek.js";
import { flowTransport, isRfc3261Branch, type ReliabilityContext } from "./reliability-context.js";
import type { TimerHandle } from "./timer-queue.js";

type ClientState = "calling" | "proceeding" | "completed";

interface ClientEntry {
  readonly key: string;
  readonly invite: boolean;
  readonly text: string;
  readonly to: Flow | Target;
  state: ClientState;
  interval: number;
  retransmit: TimerHandle | undefined;
  lifetime: TimerHandle | undefined;
  /** INVITE after a non-2xx final: the ACK sip.js sent, re-sent for retransmitted finals. */
  ack: string | undefined;
  ackTo: Flow | Target | undefined;
}

/** The response fields this needs (sip.js `IncomingResponseMessage`: `method` is the CSeq method). */
export interface ResponseView {
  statusCode: number | undefined;
  method: string;
  viaBranch: string;
}

export class ClientSide {
  private readonly entries = new Map<string, ClientEntry>();

  constructor(private readonly ctx: ReliabilityContext) {}

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }

  /**
   * Sends one of our requests and starts Timer A/E. `likelyStream` is the §18.1.1 size guess, used
   * only when the send callback does not tell us which transport was really used.
   */
  outgoingRequest(text: string, peek: OutgoingPeek, to: Flow | Target, likelyStream: boolean): void {
    const sending = this.ctx.send(text, to);
    if (!isRfc3261Branch(peek.branch)) return;
    if (peek.method === "ACK") {
      // The ACK to a non-2xx final reuses the INVITE's branch (§17.1.1.3); keep it for Timer D.
      const entry = this.entries.get(`${peek.branch}|INVITE`);
      if (entry?.state === "completed") {
        entry.ack = text;
        entry.ackTo = to;
      }
      return;
    }
    const key = `${peek.branch}|${peek.method}`;
    if (this.entries.has(key)) return; // the same request sent again by the TU: timers already run
    if (!sending && likelyStream) return;
    const t = this.ctx.timers;
    const entry: ClientEntry = {
      key,
      invite: peek.method === "INVITE",
      text,
      to,
      state: "calling",
      interval: t.T1,
      retransmit: undefined,
      lifetime: undefined,
      ack: undefined,
      ackTo: undefined,
    };
    entry.retransmit = this.ctx.queue.schedule(t.T1, () => this.onRetransmit(entry));
    entry.lifetime = this.ctx.queue.schedule(entry.invite ? t.TIMER_B : t.TIMER_F, () => this.remove(entry));
    this.entries.set(key, entry);
    // The transport moved it to TCP (§18.1.1): reliable, so no retransmissions (§17.1.1.2, §17.1.2.2).
    sending?.then(
      (flow) => {
        if (flowTransport(flow) !== "udp" && flowTransport(flow) !== undefined) this.remove(entry);
      },
      () => undefined,
    );
  }

  /** Timer A (§17.1.1.2) or Timer E (§17.1.2.2) fired. */
  private onRetransmit(entry: ClientEntry): void {
    entry.retransmit = undefined;
    if (entry.state === "completed" || (entry.invite && entry.state !== "calling")) return;
    this.ctx.resend(entry.text, entry.to);
    const { T2 } = this.ctx.timers;
    if (entry.invite) entry.interval *= 2;
    else entry.interval = entry.state === "proceeding" ? T2 : Math.min(2 * entry.interval, T2);
    entry.retransmit = this.ctx.queue.schedule(entry.interval, () => this.onRetransmit(entry));
  }

  private remove(entry: ClientEntry): void {
    this.ctx.queue.cancel(entry.retransmit);
    this.ctx.queue.cancel(entry.lifetime);
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
  }

  /** Returns false when the response is a duplicate that must not reach sip.js. */
  incomingResponse(response: ResponseView): boolean {
    const status = response.statusCode ?? 0;
    if (!isRfc3261Branch(response.viaBranch)) return true;
    const key = `${response.viaBranch}|${response.method}`;
    const entry = this.entries.get(key);
    if (response.method === "INVITE") return this.inviteResponse(key, entry, status);
    if (!entry) return true;
    if (entry.state === "completed") {
      this.ctx.counters.absorbed++; // Timer K window (§17.1.2.2)
      return false;
    }
    if (status < 200) {
      entry.state = "proceeding"; // Timer E keeps running, at T2 from its next firing
      return true;
    }
    this.complete(entry, this.ctx.timers.TIMER_K);
    return true;
  }

  private inviteResponse(key: string, entry: ClientEntry | undefined, status: number): boolean {
    if (entry?.state === "completed" && status >= 300) {
      // A retransmitted non-2xx final: re-send our ACK, do not pass it up (§17.1.1.2).
      if (entry.ack && entry.ackTo) this.ctx.resend(entry.ack, entry.ackTo);
      this.ctx.counters.absorbed++;
      return false;
    }
    if (status < 200) {
      if (entry?.state === "calling") {
        entry.state = "proceeding"; // any response stops Timer A
        this.ctx.queue.cancel(entry.retransmit);
        entry.retransmit = undefined;
      }
      return true;
    }
    if (status < 300) {
      if (entry) this.remove(entry); // 2xx: sip.js's ICT (Accepted) and dialog take over
      return true;
    }
    // First non-2xx final. Without an entry (it outlived Timer B while ringing) make one for Timer D.
    const target = entry ?? this.newCompleted(key);
    this.complete(target, this.ctx.timers.TIMER_D);
    return true;
  }

  private newCompleted(key: string): ClientEntry {
    const entry: ClientEntry = {
      key,
      invite: true,
      text: "",
      to: { transport: "udp", address: "", port: 0 },
      state: "completed",
      interval: 0,
      retransmit: undefined,
      lifetime: undefined,
      ack: undefined,
      ackTo: undefined,
    };
    this.entries.set(key, entry);
    return entry;
  }

  /** Enters Completed: retransmissions stop; the entry lives `lifetimeMs` more (Timer D or K). */
  private complete(entry: ClientEntry, lifetimeMs: number): void {
    this.ctx.queue.cancel(entry.retransmit);
    this.ctx.queue.cancel(entry.lifetime);
    entry.retransmit = undefined;
    entry.state = "completed";
    entry.lifetime = this.ctx.queue.schedule(lifetimeMs, () => this.remove(entry));
  }
}
