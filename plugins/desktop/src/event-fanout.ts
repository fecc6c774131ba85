/**
 * Live delivery and replay of platform events by DN. One bus listener for the whole plugin hands each event
 * to the sessions that registered its DN (instead of one `"*"` listener per connection).
 */
import type { EventBus, TandemEvent, Unsubscribe } from "@tandem/sdk";
import { DesktopErrors } from "./errors.js";

/** Something that receives the live events of the DNs it registered. */
export interface EventSink {
  push(event: TandemEvent): void;
}

export class EventFanout {
  private readonly byDn = new Map<string, Set<EventSink>>();
  private readonly unsubscribe: Unsubscribe;

  constructor(private readonly bus: EventBus) {
    this.unsubscribe = bus.on("*", (event) => this.deliver(event));
  }

  add(dn: string, sink: EventSink): void {
    let sinks = this.byDn.get(dn);
    if (!sinks) {
      sinks = new Set();
      this.byDn.set(dn, sinks);
    }
    sinks.add(sink);
  }

  remove(dn: string, sink: EventSink): void {
    const sinks = this.byDn.get(dn);
    if (!sinks) return;
    sinks.delete(sink);
    if (sinks.size === 0) this.byDn.delete(dn);
  }

  stop(): void {
    this.unsubscribe();
    this.byDn.clear();
  }

  /**
   * The events of `dn` with `after < seq <= upTo`, oldest first, read from the durable log.
   * Runs synchronously, like `bus.emit`, so no live event can slip between the replay and the live feed.
   * @throws TANDEM_ERR_DESKTOP_RESUME_INVALID when `after` lies in the future (another database?),
   *   TANDEM_ERR_DESKTOP_RESUME_TOO_FAR when more than `maxScan` logged events would have to be read.
   */
  replay(dn: string, after: number, upTo: number, maxScan: number): TandemEvent[] {
    if (after > this.bus.lastSeq()) throw DesktopErrors.resumeInvalid(after, this.bus.lastSeq());
    if (upTo - after > maxScan) throw DesktopErrors.resumeTooFar(after, maxScan);
    const out: TandemEvent[] = [];
    let cursor = after;
    while (cursor < upTo) {
      const page = this.bus.since(cursor, 1000);
      if (page.length === 0) break;
      for (const event of page) {
        if (event.seq > upTo) return out;
        if (event.dn === dn) out.push(event);
      }
      cursor = page[page.length - 1]?.seq ?? upTo;
    }
    return out;
  }

  private deliver(event: TandemEvent): void {
    if (event.dn === undefined) return;
    const sinks = this.byDn.get(event.dn);
    if (!sinks) return;
    for (const sink of [...sinks]) sink.push(event);
  }
}
