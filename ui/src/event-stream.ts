/**
 * The live event stream (`/api/v1/events/stream`, Server-Sent Events) read with fetch, because EventSource
 * cannot send an Authorization header and the token must never ride in the URL. After a drop it reconnects
 * with `Last-Event-ID` set to the last seq seen, so the server replays exactly what was missed.
 */
import type { Api } from "./api.js";
import type { TandemEvent } from "./api-types.js";

export type StreamStatus = "connecting" | "live" | "reconnecting" | "unauthorized";

/** The window event (a CustomEvent whose detail is the TandemEvent) each streamed event is re-dispatched as. */
export const TANDEM_EVENT = "tandem:event";

export interface StreamHandlers {
  event(event: TandemEvent): void;
  status(status: StreamStatus): void;
  /** After a reconnect, before replayed events: a chance to refetch snapshots. */
  resumed(): void;
}

const RETRY_MS = 2000;

export class EventStream {
  private lastSeq: number | undefined;
  private readonly abort = new AbortController();
  private stopped = false;

  constructor(private readonly api: Api, private readonly handlers: StreamHandlers) {}

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
  }

  private async loop(): Promise<void> {
    let first = true;
    while (!this.stopped) {
      this.handlers.status(first ? "connecting" : "reconnecting");
      try {
        const headers = this.api.headers(this.lastSeq === undefined ? {} : { "last-event-id": String(this.lastSeq) });
        const response = await fetch("/api/v1/events/stream", { headers, signal: this.abort.signal, cache: "no-store" });
        if (response.status === 401) {
          this.handlers.status("unauthorized");
          return;
        }
        if (response.ok && response.body) {
          if (!first) this.handlers.resumed();
          this.handlers.status("live");
          first = false;
          await this.read(response.body);
        }
      } catch {
        // dropped or refused: retried below
      }
      if (this.stopped) return;
      first = false;
      this.handlers.status("reconnecting");
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        this.frame(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  /** One SSE frame: `id:` and `data:` lines; comments (heartbeats) and `retry:` are skipped. */
  private frame(text: string): void {
    let data = "";
    for (const line of text.split("\n")) {
      if (line.startsWith("data:")) data += line.slice(5).trimStart();
    }
    if (data === "") return;
    const event = JSON.parse(data) as TandemEvent;
    this.lastSeq = event.seq;
    this.handlers.event(event);
  }
}
