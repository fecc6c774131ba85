/**
 * Counters of the SIP stack, kept locally for `stats()` and exported through `deps.metrics`
 * (`tandem_sip_*` in `/api/v1/metrics`). Every label value comes from a closed set (metric-labels.ts).
 */
import type { Counter, Metrics } from "@tandem/sdk";
import { methodLabel, statusLabel } from "./metric-labels.js";

export type Direction = "in" | "out";

/** Why a received message got no answer of substance; the `reason` label of `sip_dropped_total`. */
export type DropReason = "parse-error" | "untrusted";

export interface StackGauges {
  transactions(): number;
  dialogs(): number;
  retransmissions(): number;
  absorbed(): number;
  /** The transport layer's counters (TCP/TLS connections and their limits). */
  connections(): { connections: number; refusedUntrusted: number; refusedOverLimit: number; incompleteMessages: number };
}

export class StackMetrics {
  messagesIn = 0;
  messagesOut = 0;
  parseErrors = 0;
  dropped = 0;
  coreErrors = 0;
  private readonly messages: Counter;
  private readonly parseErrorCounter: Counter;
  private readonly dropCounter: Counter;
  private readonly coreErrorCounter: Counter;

  constructor(metrics: Metrics, gauges: StackGauges) {
    this.messages = metrics.counter({
      name: "sip_messages_total",
      help: "SIP messages of trusted peers received and sent, by method (known ones, else other) and status",
      labelNames: ["direction", "method", "status"],
    });
    this.parseErrorCounter = metrics.counter({ name: "sip_parse_errors_total", help: "Malformed SIP messages received" });
    this.dropCounter = metrics.counter({
      name: "sip_dropped_total",
      help: "Received SIP messages not served: unparsable and unanswerable, or from an untrusted source",
      labelNames: ["reason"],
    });
    this.coreErrorCounter = metrics.counter({
      name: "sip_core_errors_total",
      help: "Exceptions caught from the sip.js core while handling a message",
    });
    metrics.gauge({ name: "sip_transactions_alive", help: "Live SIP transactions", collect: gauges.transactions });
    metrics.gauge({ name: "sip_dialogs_alive", help: "Live SIP dialogs", collect: gauges.dialogs });
    metrics.gauge({
      name: "sip_retransmissions",
      help: "UDP retransmissions sent by the reliability layer since start",
      collect: gauges.retransmissions,
    });
    metrics.gauge({
      name: "sip_absorbed_retransmissions",
      help: "Retransmitted UDP messages absorbed by the reliability layer since start",
      collect: gauges.absorbed,
    });
    metrics.gauge({ name: "sip_stream_connections", help: "Open TCP/TLS connections", collect: () => gauges.connections().connections });
    metrics.gauge({
      name: "sip_stream_refused",
      help: "TCP/TLS connections closed at accept since start: untrusted source, or its per-source limit reached",
      labelNames: ["reason"],
      collect: () => {
        const c = gauges.connections();
        return [
          { labels: { reason: "untrusted" }, value: c.refusedUntrusted },
          { labels: { reason: "per-source-limit" }, value: c.refusedOverLimit },
        ];
      },
    });
    metrics.gauge({
      name: "sip_stream_incomplete_messages",
      help: "TCP/TLS connections closed since start because a message stayed incomplete past sip.connections.messageTimeoutMs",
      collect: () => gauges.connections().incompleteMessages,
    });
  }

  /**
   * Counts one message of a trusted peer; `method` is the request method or the CSeq method of a response.
   * Messages of untrusted sources are counted by `drop("untrusted")` alone.
   */
  message(direction: Direction, method: string, status: number | undefined): void {
    if (direction === "in") this.messagesIn++;
    else this.messagesOut++;
    this.messages.inc({ direction, method: methodLabel(method), status: statusLabel(status) });
  }

  parseError(): void {
    this.parseErrors++;
    this.parseErrorCounter.inc();
  }

  drop(reason: DropReason): void {
    this.dropped++;
    this.dropCounter.inc({ reason });
  }

  coreError(): void {
    this.coreErrors++;
    this.coreErrorCounter.inc();
  }
}
