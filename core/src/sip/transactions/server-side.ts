/**
 * Server-transaction reliability for requests that reach us over UDP (RFC 3261 §17.2), beneath
 * sip.js's server transactions (Timer G is a TODO there; I and J are 0, so a retransmitted BYE
 * after our 200 got a 481 and a retransmitted NOTIFY a 500).
 *
 * Entries are matched as §17.2.3 says: branch + sent-by of the top Via + method (ACK matches the
 * INVITE's entry) — not the branch alone. A request matching an entry is a retransmission: our last
 * response is re-sent (or, with none yet, the copy is dropped) and sip.js never sees it.
 * - INVITE: provisional responses are cached; a non-2xx final is retransmitted by Timer G (T1,
 *   doubling, capped at T2) until the ACK, at most Timer H (64·T1); the first ACK goes up to
 *   sip.js, copies are absorbed for Timer I (T4). A 2xx is not ours to retransmit (sip.js's dialog
 *   does it); INVITE copies after it are absorbed for 64·T1 (RFC 6026 Accepted state).
 * - non-INVITE: the final is cached for Timer J (64·T1) (§17.2.2).
 */
import type { Flow, Target } from "../transport/flow.js";
import type { OutgoingPeek } from "../transport/outgoing-peek.js";
import type { ViaParts } from "../transport/via-parse.js";
import { isRfc3261Branch, type ReliabilityContext } from "./reliability-context.js";
import type { TimerHandle } from "./timer-queue.js";

type ServerState = "trying" | "proceeding" | "accepted" | "completed" | "confirmed";

interface ServerEntry {
  readonly key: string;
  readonly invite: boolean;
  state: ServerState;
  /** The response re-sent to a retransmitted request (not a 2xx to INVITE). */
  response: string | undefined;
  to: Flow | Target | undefined;
  interval: number;
  retransmit: TimerHandle | undefined;
  lifetime: TimerHandle | undefined;
}

export class ServerSide {
  private readonly entries = new Map<string, ServerEntry>();
  /** Entries holding a response (kept as a count: `stats()` may be read on every metrics scrape). */
  private cached = 0;

  constructor(private readonly ctx: ReliabilityContext) {}

  get size(): number {
    return this.entries.size;
  }

  cachedResponses(): number {
    return this.cached;
  }

  clear(): void {
    this.entries.clear();
    this.cached = 0;
  }

  /** Returns false when the request is a retransmission that was answered (or dropped) here. */
  incomingRequest(method: string, via: ViaParts): boolean {
    if (!isRfc3261Branch(via.branch)) return true;
    const key = `${via.branch}|${via.sentBy}|${method === "ACK" ? "INVITE" : method}`;
    const entry = this.entries.get(key);
    if (method === "ACK") return this.ack(entry);
    if (entry) {
      if (entry.response !== undefined && entry.to) this.ctx.resend(entry.response, entry.to);
      this.ctx.counters.absorbed++;
      return false;
    }
    const fresh: ServerEntry = {
      key,
      invite: method === "INVITE",
      state: "trying",
      response: undefined,
      to: undefined,
      interval: 0,
      retransmit: undefined,
      lifetime: undefined,
    };
    // Until the TU answers, copies are absorbed for 64·T1; then sip.js's own handling takes over.
    this.setLifetime(fresh, this.ctx.timers.TIMER_J);
    this.entries.set(key, fresh);
    return true;
  }

  private ack(entry: ServerEntry | undefined): boolean {
    if (entry?.state === "completed") {
      // §17.2.1: the ACK stops Timer G; Confirmed absorbs ACK copies for Timer I. The first one goes up.
      this.ctx.queue.cancel(entry.retransmit);
      entry.retransmit = undefined;
      entry.state = "confirmed";
      this.setLifetime(entry, this.ctx.timers.TIMER_I);
      return true;
    }
    if (entry?.state === "confirmed") {
      this.ctx.counters.absorbed++;
      return false;
    }
    return true; // an ACK to a 2xx (its own transaction): the dialog layer's business
  }

  /** Sends one of our responses and caches or retransmits it as its transaction needs. */
  outgoingResponse(text: string, peek: OutgoingPeek, to: Flow | Target): void {
    void this.ctx.send(text, to);
    if (!isRfc3261Branch(peek.branch)) return;
    const key = `${peek.branch}|${peek.sentBy}|${peek.method}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { key, invite: peek.method === "INVITE", state: "trying", response: undefined, to: undefined, interval: 0, retransmit: undefined, lifetime: undefined };
      this.entries.set(key, entry);
    }
    if (entry.state === "completed" || entry.state === "confirmed") return; // a final already went out
    const t = this.ctx.timers;
    const status = peek.status;
    if (status < 200) {
      entry.state = "proceeding";
      this.cache(entry, text, to);
      this.setLifetime(entry, t.TIMER_J); // refreshed by each provisional, so a long ring stays covered
    } else if (entry.invite && status < 300) {
      if (entry.state === "accepted") return; // sip.js's dialog retransmitting its 2xx
      entry.state = "accepted";
      this.cache(entry, undefined, undefined);
      this.setLifetime(entry, 64 * t.T1);
    } else {
      entry.state = "completed";
      this.cache(entry, text, to);
      if (entry.invite) {
        entry.interval = t.TIMER_G;
        entry.retransmit = this.ctx.queue.schedule(entry.interval, () => this.onTimerG(entry));
      }
      this.setLifetime(entry, entry.invite ? t.TIMER_H : t.TIMER_J);
    }
  }

  /** Timer G (§17.2.1): re-send the non-2xx final, next interval MIN(2·interval, T2). */
  private onTimerG(entry: ServerEntry): void {
    entry.retransmit = undefined;
    if (entry.state !== "completed" || entry.response === undefined || !entry.to) return;
    this.ctx.resend(entry.response, entry.to);
    entry.interval = Math.min(2 * entry.interval, this.ctx.timers.T2);
    entry.retransmit = this.ctx.queue.schedule(entry.interval, () => this.onTimerG(entry));
  }

  private setLifetime(entry: ServerEntry, ms: number): void {
    this.ctx.queue.cancel(entry.lifetime);
    entry.lifetime = this.ctx.queue.schedule(ms, () => this.remove(entry));
  }

  private remove(entry: ServerEntry): void {
    this.ctx.queue.cancel(entry.retransmit);
    this.ctx.queue.cancel(entry.lifetime);
    if (this.entries.get(entry.key) !== entry) return;
    this.entries.delete(entry.key);
    this.cache(entry, undefined, undefined);
  }

  private cache(entry: ServerEntry, response: string | undefined, to: Flow | Target | undefined): void {
    this.cached += (response !== undefined ? 1 : 0) - (entry.response !== undefined ? 1 : 0);
    entry.response = response;
    entry.to = to;
  }
}
