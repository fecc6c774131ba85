/**
 * The UDP reliability layer: sits between the sockets and the sip.js cores so that the cores, which
 * assume a reliable transport, see one. It does the RFC 3261 §17 retransmissions sip.js leaves out
 * (Timers A, E, G) and keeps the state sip.js drops at once (Timers D, I, J, K are 0 there), so
 * retransmitted requests get our last response and duplicate responses never reach the core.
 * Reliable flows (TCP/TLS) pass straight through: §17 says no retransmissions on them.
 *
 * Wiring (done by the stack): every outgoing string goes through `outgoing` (which sends it);
 * every parsed incoming UDP message through `incomingRequest`/`incomingResponse` before sip.js,
 * after Via stamping. A `false` answer means "absorbed: do not pass it to sip.js".
 */
import type { Logger } from "@tandem/sdk";
import type { IncomingRequestMessage, IncomingResponseMessage } from "sip.js/lib/core/index.js";
import type { SipTimerConfig } from "./timer-config.js";
import type { Flow, Target } from "../transport/flow.js";
import type { OutgoingPeek } from "../transport/outgoing-peek.js";
import { exceedsUdpLimit } from "../transport/udp-size.js";
import { ClientSide } from "./client-side.js";
import { ReliabilityErrors } from "./errors.js";
import { ReliabilityContext, topViaOf, type ReliabilitySend } from "./reliability-context.js";
import { ServerSide } from "./server-side.js";
import { TimerQueue } from "./timer-queue.js";
import { timerValues } from "./timer-values.js";

export interface ReliabilityLayerOptions {
  timers: SipTimerConfig;
  /**
   * Hands bytes to the transport (a throw is caught and logged). Return the transport's
   * `send()` promise (resolving to the Flow used) so requests moved to TCP stop their UDP timers.
   */
  send: ReliabilitySend;
  logger: Logger;
  /**
   * The transport's `udpMtu` (default 1300, as `sip.udpMtu`). Used only when `send` returns nothing:
   * a request to a UDP target larger than `udpMtu - 200` bytes is then taken to have gone over TCP
   * (RFC 3261 §18.1.1) and gets no UDP retransmissions (its responses come back over TCP, which the
   * stack does not show us, so they would never stop Timer A/E).
   */
  udpMtu?: number;
  /** Millisecond clock for the timer queue (default: monotonic). Tests pass `Date.now` with fake timers. */
  clock?: () => number;
}

export interface ReliabilityStats {
  /** Requests and responses we sent again (Timers A/E/G, and answers to retransmitted requests). */
  retransmissions: number;
  /** Incoming retransmissions and duplicates kept from the core. */
  absorbed: number;
  /** Server entries holding a response to re-send. */
  cachedResponses: number;
  /** Client and server entries alive. */
  pending: number;
}

export class ReliabilityLayer {
  private readonly ctx: ReliabilityContext;
  private readonly client: ClientSide;
  private readonly server: ServerSide;
  private readonly queue: TimerQueue;

  constructor(private readonly options: ReliabilityLayerOptions) {
    this.queue = new TimerQueue((error) => {
      const err = ReliabilityErrors.timer((error as Error)?.message ?? String(error));
      options.logger.error({ code: err.code, err: error }, err.message);
    }, options.clock);
    this.ctx = new ReliabilityContext(timerValues(options.timers), this.queue, options.send, options.logger);
    this.client = new ClientSide(this.ctx);
    this.server = new ServerSide(this.ctx);
  }

  /** Sends an outgoing message now and, on UDP, schedules its retransmissions or caches it. */
  outgoing(text: string, peek: OutgoingPeek, to: Flow | Target): void {
    if (to.transport !== "udp") {
      void this.ctx.send(text, to);
      return;
    }
    if (peek.isRequest) this.client.outgoingRequest(text, peek, to, this.likelyStream(text, to));
    else this.server.outgoingResponse(text, peek, to);
  }

  /** False when the request is a retransmission (our cached response was re-sent) or a duplicate ACK. */
  incomingRequest(message: IncomingRequestMessage, flow: Flow): boolean {
    if (flow.transport !== "udp") return true;
    const via = topViaOf(message);
    if (!via) return true;
    return this.server.incomingRequest(message.method, via);
  }

  /** False when the response is a duplicate (re-ACKed when it was a non-2xx final to our INVITE). */
  incomingResponse(message: IncomingResponseMessage, flow: Flow): boolean {
    if (flow.transport !== "udp") return true;
    return this.client.incomingResponse(message);
  }

  stats(): ReliabilityStats {
    return {
      retransmissions: this.ctx.counters.retransmissions,
      absorbed: this.ctx.counters.absorbed,
      cachedResponses: this.server.cachedResponses(),
      pending: this.client.size + this.server.size,
    };
  }

  /** Cancels every timer and forgets every entry. */
  stop(): void {
    this.queue.stop();
    this.client.clear();
    this.server.clear();
  }

  /** §18.1.1 size rule, for a send callback that does not report the transport it used. */
  private likelyStream(text: string, to: Flow | Target): boolean {
    if ("localPort" in to) return false;
    return exceedsUdpLimit(Buffer.byteLength(text), this.options.udpMtu ?? 1300);
  }
}
