/**
 * One Server-Sent Events client. The stream is a pump over the event log from a cursor: it reads `since(cursor)`
 * in pages, writes them, and sleeps until the bus announces a new event. Because every event comes from the log
 * by seq, the backlog and the live part can neither skip nor repeat an event, whatever arrives while a page is
 * being written (https://html.spec.whatwg.org/multipage/server-sent-events.html for the wire format).
 */
import type { ServerResponse } from "node:http";
import type { EventBus, Logger, TandemEvent } from "@tandem/sdk";

const PAGE = 500;

export interface SseOptions {
  bus: EventBus;
  logger: Logger;
  after: number;
  heartbeatMs: number;
}

export class SseStream {
  private cursor: number;
  private closed = false;
  private wake: (() => void) | undefined;
  private signalled = false;
  private readonly unsubscribe: () => void;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly res: ServerResponse,
    private readonly options: SseOptions,
  ) {
    this.cursor = options.after;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write("retry: 2000\n\n");
    this.unsubscribe = options.bus.on("*", () => this.signal());
    this.heartbeat = setInterval(() => {
      res.write(": heartbeat\n\n");
      // Events held back while the database refused writes wake no one when the retry commits them.
      this.signal();
    }, options.heartbeatMs);
    res.on("close", () => this.close());
    res.on("error", () => this.close());
    void this.pump().catch((err: unknown) => {
      options.logger.warn({ err }, "event stream failed");
      this.close();
    });
  }

  /** Ends the stream (client gone or server closing). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    clearInterval(this.heartbeat);
    this.signal();
    if (!this.res.writableEnded) this.res.end();
  }

  private async pump(): Promise<void> {
    while (!this.closed) {
      const page = this.options.bus.since(this.cursor, PAGE);
      if (page.length === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const flowing = this.res.write(page.map(frame).join(""));
      this.cursor = page[page.length - 1]?.seq ?? this.cursor;
      if (!flowing) await this.drained();
    }
  }

  private drained(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        this.res.off("drain", done);
        this.wake = undefined;
        resolve();
      };
      this.res.once("drain", done);
      this.wake = done;
    });
  }

  /**
   * Wakes the pump on the next turn of the event loop, once per turn: everything emitted while the turn's
   * I/O was handled (a burst of SIP messages) goes out in one commit and one write.
   */
  private signal(): void {
    if (this.signalled) return;
    this.signalled = true;
    setImmediate(() => {
      this.signalled = false;
      const wake = this.wake;
      this.wake = undefined;
      wake?.();
    });
  }
}

function frame(event: TandemEvent): string {
  return `id: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Where a stream starts: `Last-Event-ID` (a reconnecting EventSource) wins over `?after=`, else only new events.
 * A cursor above the last seq can only come from another database (seq is never reused), so it is clamped:
 * otherwise the client would silently skip every event up to its stale cursor.
 */
export function streamStart(lastEventId: string | string[] | undefined, after: number | undefined, lastSeq: number): number {
  const header = Array.isArray(lastEventId) ? lastEventId[0] : lastEventId;
  const requested = header !== undefined && /^\d+$/.test(header.trim()) ? Number(header.trim()) : after;
  return Math.min(requested ?? lastSeq, lastSeq);
}
