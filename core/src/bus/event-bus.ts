/**
 * The event bus: `emit` gives the event its `seq` and `ts`, queues it in the durable log and delivers it to
 * listeners, all synchronously. An event emitted by a listener is delivered after the current one has reached
 * every listener, so every listener sees events in seq order. Listeners run in-process before the event is
 * committed; anything that shows a seq outside the process reads it through `since` / `lastSeq`, which commit
 * first, so a crash can never take back a seq someone has seen.
 */
import type { EventBus, EventData, EventInput, EventListener, EventName, Logger, TandemEvent, Unsubscribe } from "@tandem/sdk";
import { BusErrors } from "./errors.js";
import { serialiseData, type EventLog } from "./event-log.js";

const NAME_RE = /^Event[A-Za-z0-9]+$/;
const DEFAULT_LIMIT = 1000;

export class CoreEventBus implements EventBus {
  private readonly listeners = new Map<string, Set<EventListener>>();
  private readonly pending: TandemEvent[] = [];
  private dispatching = false;
  /** Events emitted per name since start (read by a metrics gauge). */
  readonly emitted = new Map<string, number>();

  constructor(
    private readonly log: EventLog,
    private readonly logger: Logger,
  ) {}

  emit<D extends EventData>(name: EventName, input: EventInput<D> = {}): TandemEvent<D> {
    if (typeof name !== "string" || !NAME_RE.test(name)) throw BusErrors.eventName(JSON.stringify(name));
    const data = input.data ?? ({} as D);
    // Serialised now, so bad data fails here for its emitter and the stored copy cannot change afterwards.
    const dataJson = serialiseData({ name, data });
    const event: TandemEvent<D> = {
      seq: this.log.lastAppended() + 1,
      ts: new Date().toISOString(),
      name,
      ...(input.dn === undefined ? {} : { dn: input.dn }),
      ...(input.connId === undefined ? {} : { connId: input.connId }),
      ...(input.source === undefined ? {} : { source: input.source }),
      ...(input.referenceId === undefined ? {} : { referenceId: input.referenceId }),
      data,
    };
    this.log.append(event, dataJson);
    this.emitted.set(name, (this.emitted.get(name) ?? 0) + 1);
    this.pending.push(event);
    if (!this.dispatching) this.drain();
    return event;
  }

  on(name: EventName | "*", listener: EventListener): Unsubscribe {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /** Committed events only (commits the queue first). */
  since(after: number, limit: number = DEFAULT_LIMIT): TandemEvent[] {
    return this.log.since(after, limit);
  }

  /** The highest committed seq (commits the queue first). */
  lastSeq(): number {
    return this.log.lastSeq();
  }

  /** Calls back once `seq` is committed; the log writes its queue soon, never making this caller wait. */
  afterCommit(seq: number, callback: (committed: number) => void): void {
    this.log.afterCommit(seq, callback);
  }

  /** The durable log's counters and queue length (for metrics). */
  logStats(): { pending: number; written: number; batches: number; failedBatches: number } {
    const { written, batches, failedBatches } = this.log.stats;
    return { pending: this.log.pending(), written, batches, failedBatches };
  }

  private drain(): void {
    this.dispatching = true;
    try {
      for (let event = this.pending.shift(); event; event = this.pending.shift()) {
        this.deliver(event, this.listeners.get(event.name));
        this.deliver(event, this.listeners.get("*"));
      }
    } finally {
      this.dispatching = false;
    }
  }

  private deliver(event: TandemEvent, set: Set<EventListener> | undefined): void {
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(event);
      } catch (err) {
        this.logger.error({ err, seq: event.seq, name: event.name }, "event listener threw; other listeners still run");
      }
    }
  }
}
