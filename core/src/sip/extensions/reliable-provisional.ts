/**
 * Reliable provisional responses (RFC 3262 §3) for an INVITE we received with `100rel` in Require or Supported.
 *
 * Why: a caller that requires 100rel (some gateways and SBCs) must get every 18x reliably; and a caller that only
 * supports it still needs the 183 that carries our early answer (a queue treatment, an agent's ringback) to arrive,
 * or it hears nothing until the 200. Each reliable 18x carries `Require: 100rel` and a new `RSeq`; it is sent
 * again at T1, 2·T1, 4·T1 … until the caller's PRACK (matched by its `RAck`) arrives, and the INVITE is given up
 * with a 5xx after 64·T1 without one. Only one is unacknowledged at a time: a later 18x waits for the PRACK.
 */
import { Timers, type IncomingPrackRequest, type IncomingRequestMessage, type Session } from "sip.js/lib/core/index.js";

/** `required`: every 18x goes reliably; `supported`: the 18x that carry SDP do. */
export type ReliabilityMode = "required" | "supported";

/** What the caller asked for in its INVITE (RFC 3262 §3, §4), or undefined when it knows nothing of 100rel. */
export function reliabilityOf(invite: IncomingRequestMessage): ReliabilityMode | undefined {
  if (listsTag(invite.getHeaders("require"), "100rel")) return "required";
  if (listsTag(invite.getHeaders("supported"), "100rel")) return "supported";
  return undefined;
}

function listsTag(values: string[], tag: string): boolean {
  return values.some((value) => value.split(",").some((item) => item.trim().toLowerCase() === tag));
}

/** Sends the 18x with these extra header lines and returns its early dialog (undefined when it could not go). */
export type SendProvisional = (extraHeaders: string[]) => Session | undefined;

interface Unacknowledged {
  rseq: number;
  send: SendProvisional;
  timer: ReturnType<typeof setTimeout>;
  interval: number;
  elapsed: number;
}

interface Waiting {
  send: SendProvisional;
  hasSdp: boolean;
}

/** RAck: response-num CSeq-num Method (RFC 3262 §7.2). */
const RACK = /^\s*(\d+)\s+(\d+)\s+([A-Za-z]+)\s*$/;

export class ReliableProvisionals {
  /** RFC 3262 §3: the first RSeq is chosen at random between 1 and 2^31 − 1. */
  private nextRseq = 1 + Math.floor(Math.random() * 0x7ffffffe);
  private unacknowledged: Unacknowledged | undefined;
  private waiting: Waiting | undefined;

  constructor(
    readonly mode: ReliabilityMode,
    /** CSeq number of the INVITE: a PRACK's RAck must name it. */
    private readonly inviteCseq: number,
    /** No PRACK within 64·T1: the INVITE is to be rejected with a 5xx (§3). */
    private readonly onNoPrack: () => void,
  ) {}

  /** Whether an 18x goes reliably: every one when the caller requires 100rel, the ones with SDP otherwise. */
  wants(hasSdp: boolean): boolean {
    return this.mode === "required" || hasSdp;
  }

  /** Sends an 18x reliably now, or once the one before it is acknowledged (§3: one at a time). */
  send(send: SendProvisional, hasSdp: boolean): void {
    if (this.unacknowledged) {
      // The latest waits in place of an earlier one, but never pushes out an early answer for one without SDP.
      if (!this.waiting?.hasSdp || hasSdp) this.waiting = { send, hasSdp };
      return;
    }
    const rseq = this.nextRseq;
    this.nextRseq = rseq >= 0x7fffffff ? 1 : rseq + 1;
    const session = send(reliableHeaders(rseq));
    if (!session) return;
    session.delegate = { onPrack: (request) => this.prack(request) };
    const entry: Unacknowledged = { rseq, send, interval: Timers.T1, elapsed: 0, timer: setTimeout(() => this.retransmit(entry), Timers.T1) };
    this.unacknowledged = entry;
  }

  /** The INVITE got its final response: nothing is sent again (§3), nothing waits. */
  stop(): void {
    if (this.unacknowledged) clearTimeout(this.unacknowledged.timer);
    this.unacknowledged = undefined;
    this.waiting = undefined;
  }

  private retransmit(entry: Unacknowledged): void {
    if (this.unacknowledged !== entry) return;
    entry.elapsed += entry.interval;
    const limit = 64 * Timers.T1;
    if (entry.elapsed >= limit) {
      this.stop();
      this.onNoPrack();
      return;
    }
    entry.send(reliableHeaders(entry.rseq)); // the same response again: same RSeq, same body
    entry.interval = Math.min(entry.interval * 2, limit - entry.elapsed);
    entry.timer = setTimeout(() => this.retransmit(entry), entry.interval);
  }

  /** §3: a PRACK that matches the unacknowledged 18x gets 200; any other gets 481. */
  private prack(request: IncomingPrackRequest): void {
    const entry = this.unacknowledged;
    const rack = RACK.exec(request.message.getHeader("rack") ?? "");
    const matches =
      entry !== undefined &&
      rack !== null &&
      Number(rack[1]) === entry.rseq &&
      Number(rack[2]) === this.inviteCseq &&
      rack[3]?.toUpperCase() === "INVITE";
    if (!matches) {
      request.reject({ statusCode: 481, reasonPhrase: "No Matching Provisional Response" });
      return;
    }
    clearTimeout(entry.timer);
    this.unacknowledged = undefined;
    request.accept();
    const next = this.waiting;
    this.waiting = undefined;
    if (next) this.send(next.send, next.hasSdp);
  }
}

function reliableHeaders(rseq: number): string[] {
  return ["Require: 100rel", `RSeq: ${rseq}`];
}
