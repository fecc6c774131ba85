/**
 * A desktop's outgoing messages, held until every event among them is committed to the event log, then
 * written in order. Events reach the plugin at emit, before their commit; a desktop that saw a seq which a
 * crash then took back would resume after it and silently miss the event that reused it.
 */

/** How long to wait before trying again while the database refuses writes. */
const RETRY_MS = 100;

export class DurableOutbox {
  private readonly queue: Array<{ text: string; seq: number }> = [];
  private scheduled = false;
  private retry: NodeJS.Timeout | undefined;
  /** Waiting for `afterCommit` to call back. */
  private waiting = false;
  private closed = false;

  /**
   * @param committed commits the log's queue and returns the highest committed seq (`bus.lastSeq()`)
   * @param write puts one message on the wire
   * @param afterCommit the bus's `afterCommit`, when it has one: the outbox then waits for the commit instead of
   *   forcing it, so a desktop shown events on every turn never makes the SIP thread wait for the disk
   */
  constructor(
    private readonly committed: () => number,
    private readonly write: (text: string) => void,
    private readonly afterCommit?: (seq: number, callback: (committed: number) => void) => void,
  ) {}

  /** Queues a message; `seq` is the event's seq, 0 for a message that is not a log entry. */
  send(text: string, seq: number): void {
    if (this.closed) return;
    this.queue.push({ text, seq });
    if (this.scheduled || this.retry || this.waiting) return;
    // One commit for everything queued in this turn of the event loop (a request's events and its ACK go out
    // together; a burst of SIP messages handled in one turn costs one commit).
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
  }

  private flush(): void {
    if (this.closed) return;
    if (this.afterCommit) return this.flushAfterCommit(this.afterCommit);
    this.writeUpTo(this.committed());
    if (this.queue.length > 0) {
      this.retry = setTimeout(() => {
        this.retry = undefined;
        this.flush();
      }, RETRY_MS);
      this.retry.unref();
    }
  }

  /** Writes, in order, the messages up to the first event above `committed`. */
  private writeUpTo(committed: number): void {
    let sent = 0;
    for (const message of this.queue) {
      if (message.seq > committed) break;
      this.write(message.text);
      sent++;
    }
    this.queue.splice(0, sent);
  }

  /** Writes what the log has committed once it has committed the newest event queued here. */
  private flushAfterCommit(afterCommit: (seq: number, callback: (committed: number) => void) => void): void {
    let newest = 0;
    for (const message of this.queue) newest = Math.max(newest, message.seq);
    this.waiting = true;
    afterCommit(newest, (committed) => {
      this.waiting = false;
      if (this.closed) return;
      this.writeUpTo(committed);
      // Queued while this waited: their own wait starts now.
      if (this.queue.length > 0) this.flush();
    });
  }
}
