/**
 * What the client and server halves of the reliability layer share: timer values, the timer queue,
 * the send callback (wrapped so it never throws) and the counters.
 */
import type { Logger } from "@tandem/sdk";
import type { Flow, Target } from "../transport/flow.js";
import { firstViaValue, parseVia, type ViaParts } from "../transport/via-parse.js";
import { ReliabilityErrors } from "./errors.js";
import { BRANCH_COOKIE } from "./random-ids.js";
import type { TimerQueue } from "./timer-queue.js";
import type { TimerValues } from "./timer-values.js";

/**
 * Hands bytes to the transport. It may return the transport's promise of the flow actually used: a
 * request to a UDP target that the transport moved to TCP (RFC 3261 §18.1.1) then stops its UDP timers.
 */
export type ReliabilitySend = (data: string, to: Flow | Target) => void | Promise<unknown>;

export interface ReliabilityCounters {
  retransmissions: number;
  absorbed: number;
}

export class ReliabilityContext {
  readonly counters: ReliabilityCounters = { retransmissions: 0, absorbed: 0 };

  constructor(
    readonly timers: TimerValues,
    readonly queue: TimerQueue,
    private readonly sendFn: ReliabilitySend,
    readonly logger: Logger,
  ) {}

  /** Sends without ever throwing; a failure is logged (the transaction's own timers handle the loss). */
  send(data: string, to: Flow | Target): void | Promise<unknown> {
    try {
      const sending = this.sendFn(data, to);
      // Mark a rejection as handled here: the transport logs it, and the §17 timers cover the loss.
      if (sending && typeof sending.catch === "function") sending.catch(() => undefined);
      return sending;
    } catch (error) {
      const err = ReliabilityErrors.retransmit(data.slice(0, data.indexOf("\r\n")), describe(to), (error as Error).message);
      this.logger.warn({ code: err.code }, err.message);
      return undefined;
    }
  }

  /** Sends again (counts a retransmission). */
  resend(data: string, to: Flow | Target): void {
    this.counters.retransmissions++;
    void this.send(data, to);
  }
}

function describe(to: Flow | Target): string {
  return "remoteAddress" in to ? `${to.transport}:${to.remoteAddress}:${to.remotePort}` : `${to.transport}:${to.address}:${to.port}`;
}

/** True for an RFC 3261 branch; RFC 2543 peers (no magic cookie) are passed through untouched. */
export function isRfc3261Branch(branch: string): boolean {
  return branch.startsWith(BRANCH_COOKIE);
}

/** The top Via of an incoming message as sip.js stores it (one raw entry per Via line). */
export function topViaOf(message: { headers: { [name: string]: Array<{ raw: string }> } }): ViaParts | undefined {
  const line = message.headers["Via"]?.[0];
  return line ? parseVia(firstViaValue(line.raw)) : undefined;
}

/** The transport of the flow a send promise resolved with, if it looks like a Flow. */
export function flowTransport(value: unknown): string | undefined {
  return typeof value === "object" && value !== null && "transport" in value ? String((value as Flow).transport) : undefined;
}
