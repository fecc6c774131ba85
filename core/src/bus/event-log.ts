/**
 * The durable event log (scope `core.events`). `append` only queues in memory; the queue is written in one
 * transaction per batch (on a `flushMs` timer, or soon after it grows past {@link SOFT_BATCH}), so emitting on
 * the SIP hot path never waits on the disk. A seq becomes visible only once it is committed: `since` and
 * `lastSeq` first commit whatever is queued (a group commit of everything emitted so far), so no reader outside
 * the process can see an event that a crash would lose, and a seq once seen is never given to another event.
 */
import type Database from "better-sqlite3";
import type { Logger, TandemEvent } from "@tandem/sdk";
import { applyMigrations } from "../storage/migrations.js";
import { afterTurnWrites } from "../storage/turn-writes.js";
import { BusErrors } from "./errors.js";
import { EventLogStore } from "./event-log-store.js";

/** Queue length that triggers a flush on the next turn of the event loop. */
export const SOFT_BATCH = 500;
/** Queue length at which `append` flushes synchronously (back-pressure against a producer that never yields). */
export const HARD_BATCH = 20_000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_RETRY_MS = 5_000;

export interface EventLogOptions {
  /** Events older than this many days are deleted; 0 keeps them forever. */
  retentionDays: number;
  /** Longest time an event waits in memory before its batch is written. */
  flushMs: number;
  logger: Logger;
}

export class EventLog {
  private readonly store: EventLogStore;
  private queue: TandemEvent[] = [];
  /** `JSON.stringify(event.data)` of each queued event, made once at append. */
  private queueData: string[] = [];
  /** Highest seq appended (queued or written). */
  private appended: number;
  /** Highest seq committed to the database: the only seqs readers are shown. */
  private committed: number;
  private flushTimer: NodeJS.Timeout | undefined;
  private soonScheduled = false;
  /** A timed batch waits for the queued record writes (`afterTurnWrites`). */
  private awaitingRecords = false;
  /** Callers of `afterCommit` waiting for a seq to be committed, in the order they asked. */
  private commitWaiters: Array<{ seq: number; callback: (committed: number) => void }> = [];
  private readonly pruneTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Set while the database refuses writes: the retry timer flushes, `append` no longer tries inline. */
  private failing = false;
  private failures = 0;
  /**
   * `ts` of the newest event the previous run committed: the last time that run is known to have been alive
   * (calls it left open end there, not at this start).
   */
  readonly lastTsAtOpen: string | undefined;
  /** Totals for metrics and the benchmark. */
  readonly stats = { appended: 0, written: 0, batches: 0, failedBatches: 0 };

  constructor(
    private readonly db: Database.Database,
    private readonly options: EventLogOptions,
  ) {
    if (!(options.flushMs >= 1)) throw BusErrors.options("flushMs", `expected >= 1, got ${options.flushMs}`);
    if (!(options.retentionDays >= 0)) throw BusErrors.options("retentionDays", `expected >= 0, got ${options.retentionDays}`);
    applyMigrations(db, "core.events", EventLogStore.MIGRATIONS);
    this.store = new EventLogStore(db);
    this.appended = this.store.highestSeq();
    this.committed = this.appended;
    this.lastTsAtOpen = this.store.lastTs();
    this.prune();
    if (options.retentionDays > 0) {
      this.pruneTimer = setInterval(() => this.prune(), PRUNE_EVERY_MS);
      this.pruneTimer.unref();
    }
  }

  /**
   * Queues an event whose `seq` is above every seq so far. `dataJson` is its data already serialised (the bus
   * serialises at emit, so data that cannot become JSON fails for the emitter, never later for the whole batch).
   */
  append(event: TandemEvent, dataJson: string = serialiseData(event)): void {
    if (event.seq <= this.appended) throw BusErrors.seqOrder(event.seq, this.appended);
    this.appended = event.seq;
    this.stats.appended++;
    if (this.closed) {
      this.options.logger.warn({ seq: event.seq, name: event.name }, BusErrors.closed(event.seq).message);
      return;
    }
    this.queue.push(event);
    this.queueData.push(dataJson);
    if (this.failing) return; // the retry timer is armed; trying on every append would only add load
    if (this.queue.length >= HARD_BATCH) this.flush();
    else if (this.queue.length >= SOFT_BATCH) this.flushSoon();
    else this.flushTimer ??= setTimeout(() => this.flushAfterRecords(), this.options.flushMs);
  }

  /** Committed events with `seq > after`, oldest first, at most `limit`; commits the queue first. */
  since(after: number, limit: number): TandemEvent[] {
    const max = Math.max(0, Math.floor(limit));
    if (max === 0) return [];
    this.commit();
    return after < this.committed ? this.store.read(after, max) : [];
  }

  /** Committed events of `connId` with `ts` from `fromIso` to `toIso`, oldest first, at most `limit`; commits the queue first. */
  connectionEvents(connId: string, fromIso: string, toIso: string, limit: number): TandemEvent[] {
    this.commit();
    return this.store.readConnectionBetween(connId, fromIso, toIso, limit);
  }

  /** The highest committed seq (or stored before a restart, even if pruned since); commits the queue first. */
  lastSeq(): number {
    this.commit();
    return this.committed;
  }

  /**
   * Calls `callback` once every event up to `seq` is committed. The queue is written as soon as the record writes
   * before it are (`afterTurnWrites`), so a desktop that holds events back until they are durable neither waits
   * for the timed batch nor makes the SIP thread wait for the disk, as `lastSeq` does.
   */
  afterCommit(seq: number, callback: (committed: number) => void): void {
    if (seq <= this.committed) return callback(this.committed);
    this.commitWaiters.push({ seq, callback });
    this.flushAfterRecords();
  }

  /** The highest seq appended, committed or not: where the bus numbers the next event from. */
  lastAppended(): number {
    return this.appended;
  }

  /**
   * Writes the queue now unless the database is refusing writes (then the retry timer owns the queue and
   * the queued events stay invisible). Returns the highest committed seq.
   */
  commit(): number {
    if (this.queue.length > 0 && !this.failing && !this.closed) this.flush();
    return this.committed;
  }

  /**
   * Writes the queued events up to seq `upTo` (all by default) in one transaction, after the queued record writes
   * (`recordsCommitted`: the caller knows they are committed). On failure the events stay queued for the next attempt.
   */
  flush(upTo = Infinity, recordsCommitted = false): void {
    this.clearFlushTimer();
    let count = this.queue.length;
    while (count > 0 && (this.queue[count - 1]?.seq ?? 0) > upTo) count--;
    if (count === 0) return this.rearm();
    const batch = count === this.queue.length ? this.queue : this.queue.slice(0, count);
    const data = count === this.queueData.length ? this.queueData : this.queueData.slice(0, count);
    this.queue = count === this.queue.length ? [] : this.queue.slice(count);
    this.queueData = count === this.queueData.length ? [] : this.queueData.slice(count);
    this.rearm();
    try {
      this.store.write(batch, data, recordsCommitted);
      this.committed = batch[batch.length - 1]?.seq ?? this.committed;
      this.stats.written += batch.length;
      this.stats.batches++;
      this.failing = false;
      this.failures = 0;
    } catch (err) {
      this.queue = batch.concat(this.queue);
      this.queueData = data.concat(this.queueData);
      this.stats.failedBatches++;
      this.failing = true;
      this.failures++;
      const reason = err instanceof Error ? err.message : String(err);
      const coded = BusErrors.flushFailed(batch.length, reason);
      this.options.logger.error({ err, code: coded.code }, coded.message);
      // Back off (up to 5 s) so a database that stays unwritable does not flood the log.
      const delay = Math.min(MAX_RETRY_MS, this.options.flushMs * 2 ** Math.min(this.failures, 16));
      this.clearFlushTimer();
      if (!this.closed) this.flushTimer = setTimeout(() => this.flush(), delay);
      return;
    }
    // After the try: a waiter's failure is its own, never the batch's (which is committed and must not be re-queued).
    this.wakeCommitWaiters();
  }

  /** Deletes events older than the retention; returns how many. */
  prune(now: Date = new Date()): number {
    if (this.options.retentionDays <= 0) return 0;
    const cutoff = new Date(now.getTime() - this.options.retentionDays * DAY_MS).toISOString();
    try {
      const removed = this.store.deleteBefore(cutoff);
      if (removed > 0) this.options.logger.info({ removed, cutoff }, "event log pruned");
      return removed;
    } catch (err) {
      this.options.logger.error({ err }, "event log pruning failed");
      return 0;
    }
  }

  /** Flushes and stops the timers; later appends are delivered by the bus but not stored. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.clearFlushTimer();
    if (this.pruneTimer) clearInterval(this.pruneTimer);
  }

  /** Number of events waiting to be written. */
  pending(): number {
    return this.queue.length;
  }

  private flushSoon(): void {
    if (this.soonScheduled) return;
    this.soonScheduled = true;
    setImmediate(() => {
      this.soonScheduled = false;
      this.flushAfterRecords();
    });
  }

  /**
   * The timed batch: the events queued so far are written once the record writes queued before them are committed,
   * at a moment the storage writer thread is idle, so the main thread never waits on it (`afterTurnWrites`); events
   * queued meanwhile go in a later batch, since their records may not be committed yet.
   */
  private flushAfterRecords(): void {
    this.clearFlushTimer();
    if (this.awaitingRecords || this.queue.length === 0) return;
    this.awaitingRecords = true;
    const upTo = this.appended;
    afterTurnWrites(this.db, () => {
      this.awaitingRecords = false;
      if (this.failing || this.closed) return;
      this.flush(upTo, true);
    });
  }

  private wakeCommitWaiters(): void {
    if (this.commitWaiters.length === 0) return;
    const due = this.commitWaiters.filter((w) => w.seq <= this.committed);
    if (due.length === 0) return;
    this.commitWaiters = this.commitWaiters.filter((w) => w.seq > this.committed);
    for (const waiter of due) {
      try {
        waiter.callback(this.committed);
      } catch (err) {
        this.options.logger.error({ err, seq: waiter.seq }, "a caller waiting for a commit threw; the others are still called");
      }
    }
    // Someone still waits for events queued meanwhile: their batch goes now rather than on the timer.
    if (this.commitWaiters.length > 0) this.flushAfterRecords();
  }

  /** Events left queued get a timed batch of their own. */
  private rearm(): void {
    if (this.queue.length > 0 && !this.closed && !this.failing && !this.awaitingRecords) {
      this.flushTimer ??= setTimeout(() => this.flushAfterRecords(), this.options.flushMs);
    }
  }

  private clearFlushTimer(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }
}

/** The event's data as JSON; throws `TANDEM_ERR_BUS_EVENT_DATA` for data JSON cannot hold (cycles, BigInt). */
export function serialiseData(event: Pick<TandemEvent, "name" | "data">): string {
  try {
    const json = JSON.stringify(event.data);
    if (typeof json !== "string" || !json.startsWith("{")) throw new Error("data must be a plain object");
    return json;
  } catch (err) {
    throw BusErrors.eventData(event.name, err instanceof Error ? err.message : String(err));
  }
}
