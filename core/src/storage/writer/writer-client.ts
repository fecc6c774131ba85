/**
 * The main thread's side of the storage writer thread (writer-thread.ts). Writes queue in memory and go to the
 * thread as one batch per event-loop turn, but never more than one batch in flight while the process runs freely:
 * under load the next batch grows while the thread commits the last, so commits get fewer as the call rate grows.
 * `drain` is the barrier for everything that must see those writes (a read or a write on the main connection, the
 * event log's batch, a close): it posts what is queued and waits, blocking, until the thread has answered it.
 */
import type { Worker } from "node:worker_threads";
import { spawnWorker } from "../../threads/spawn-worker.js";
import { StorageErrors } from "../errors.js";
import { DONE_SLOT, FAILED_SLOT, SHARED_SLOTS, type FromWriter, type ToWriter, type WriteBatch, type WriteParams, type WriterSettings } from "./writer-protocol.js";

/** Longest a drain waits for the thread before it gives up with `TANDEM_ERR_STORAGE_WRITER_STUCK`. */
const DRAIN_TIMEOUT_MS = 30_000;

/** A queued write: its statement and its bind values. */
export interface QueuedWrite {
  readonly sql: string;
  readonly params: WriteParams;
}

export interface WriterHooks {
  /** Writes the thread could not make (reported, never thrown: the code that queued them has moved on). */
  failed(failures: ReadonlyArray<{ sql: string; reason: string }>, lost: number): void;
  /** The thread stopped: these writes were not answered and must be made on the main connection, in order. */
  stopped(reason: string, unwritten: QueuedWrite[]): void;
}

function copyOf(params: WriteParams): WriteParams {
  // Callers reuse their bind arrays (better-sqlite3 copies as it binds); a queued write must keep its own values.
  if (params === undefined) return undefined;
  return Array.isArray(params) ? params.slice() : { ...(params as Record<string, unknown>) };
}

export class WriterClient {
  private readonly shared = new Int32Array(new SharedArrayBuffer(SHARED_SLOTS * Int32Array.BYTES_PER_ELEMENT));
  private readonly worker: Worker;
  private readonly ids = new Map<string, number>();
  private readonly sqlById: string[] = [];
  private defs: Array<readonly [number, string]> = [];
  private ops: unknown[] = [];
  private posted = 0;
  /** Batches posted and not answered yet: written on the main connection if the thread stops. */
  private unanswered: WriteBatch[] = [];
  private scheduled = false;
  private stopped = false;
  /** Work waiting for the batches up to `upTo` to be answered, run while the thread is idle. */
  private readonly idleWaiters: Array<{ upTo: number; run: () => void }> = [];

  constructor(
    path: string,
    private readonly hooks: WriterHooks,
  ) {
    this.worker = spawnWorker(import.meta.url, "./writer-thread", { path, shared: this.shared } satisfies WriterSettings);
    // The thread never keeps the process alive: a process that ends without closing the database loses what a
    // kill would.
    this.worker.unref();
    this.worker.on("message", (message: FromWriter) => this.answered(message));
    this.worker.on("error", (err) => this.stop(err.message));
    this.worker.on("exit", () => this.stop("the writer thread exited"));
  }

  write(sql: string, params: WriteParams): void {
    let id = this.ids.get(sql);
    if (id === undefined) {
      id = this.sqlById.length;
      this.sqlById.push(sql);
      this.ids.set(sql, id);
      this.defs.push([id, sql]);
    }
    this.ops.push(id, copyOf(params));
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.inFlight()) this.post();
    });
  }

  /** Posts what is queued and blocks until the thread has answered every batch (or stopped). */
  drain(): void {
    this.post();
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    for (;;) {
      const done = Atomics.load(this.shared, DONE_SLOT);
      if (done >= this.posted || this.stopped) return;
      if (Atomics.load(this.shared, FAILED_SLOT) === 1) return this.stop("the writer thread stopped");
      const left = deadline - Date.now();
      if (left <= 0) throw StorageErrors.writerStuck(this.posted - done, DRAIN_TIMEOUT_MS);
      Atomics.wait(this.shared, DONE_SLOT, done, left);
    }
  }

  /**
   * Runs `run` once every write queued so far is committed, at a moment the thread is idle (before the next batch
   * is posted), so `run` may write on the main connection without waiting: the event log's timed batch, which must
   * follow the records its events are about, never blocks the main thread on the writer. At once if nothing is
   * queued or in flight.
   */
  whenIdle(run: () => void): void {
    if (this.stopped || (this.ops.length === 0 && !this.inFlight())) return run();
    if (!this.inFlight()) this.post();
    this.idleWaiters.push({ upTo: this.posted + (this.ops.length > 0 ? 1 : 0), run });
  }

  /** Drains, then lets the thread close its connection. */
  close(): void {
    this.drain();
    if (this.stopped) return;
    this.stopped = true;
    this.worker.postMessage({ kind: "close" } satisfies ToWriter);
  }

  private inFlight(): boolean {
    return Atomics.load(this.shared, DONE_SLOT) < this.posted;
  }

  private post(): void {
    if (this.ops.length === 0 || this.stopped) return;
    const batch: WriteBatch = { kind: "batch", n: ++this.posted, defs: this.defs, ops: this.ops };
    this.defs = [];
    this.ops = [];
    this.unanswered.push(batch);
    this.worker.postMessage(batch satisfies ToWriter);
  }

  private answered(message: FromWriter): void {
    if (message.kind === "stopped") return this.stop(message.reason);
    const done = Atomics.load(this.shared, DONE_SLOT);
    while ((this.unanswered[0]?.n ?? Infinity) <= done) this.unanswered.shift();
    if (message.failed.length > 0 || message.lost > 0) this.hooks.failed(message.failed, message.lost);
    if (this.inFlight()) return;
    // Idle now (a drain may have posted more: then at its last answer): waiting work runs before the next batch.
    while ((this.idleWaiters[0]?.upTo ?? Infinity) <= done) this.idleWaiters.shift()?.run();
    if (!this.scheduled && !this.inFlight()) this.post();
  }

  private stop(reason: string): void {
    if (this.stopped) return;
    this.stopped = true;
    const done = Atomics.load(this.shared, DONE_SLOT);
    const unwritten: QueuedWrite[] = [];
    const batches = [...this.unanswered.filter((batch) => batch.n > done), { ops: this.ops }];
    for (const batch of batches) {
      for (let i = 0; i < batch.ops.length; i += 2) {
        unwritten.push({ sql: this.sqlById[batch.ops[i] as number] ?? "", params: batch.ops[i + 1] as WriteParams });
      }
    }
    this.unanswered = [];
    this.ops = [];
    this.hooks.stopped(reason, unwritten);
    // What waited for the thread runs now: the writes it waited for are made (inline) by the hook above.
    for (const waiter of this.idleWaiters.splice(0)) waiter.run();
  }
}
