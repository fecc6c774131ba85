/**
 * Record writes off the hot path's clock. In WAL mode each autocommit statement is its own transaction with its own
 * WAL append; a routed call makes about fifteen writes (call row, legs, agent states, dialogs), which cost more than
 * the rest of the call. Writes made through {@link writeInTurn} are grouped:
 *
 * - **thread** (a database file, the default): queued and written by the storage writer thread on its own
 *   connection, one transaction per batch (writer/writer-client.ts). The statements and commits run on another
 *   core; the main thread pays for queuing the values.
 * - **inline** (`:memory:`, or `storage.writerThread: false`): one transaction on the main connection, opened by the
 *   turn's first write and committed at the end of the turn (setImmediate).
 *
 * Either way the writes are made in the order they were queued, and a kill -9 can lose those not yet committed (the
 * batch in flight, as the event log's `flushMs` batch may), never a committed one. {@link settleTurnWrites} is the
 * barrier before anything reads or writes on the main connection, so it sees every queued write;
 * {@link commitTurnWrites} makes them durable before it returns (the event log calls it before its own batch, so
 * an event is never stored before the records it follows). A write inside someone else's transaction on the main
 * connection joins it. Closing the database writes everything queued first.
 */
import type Database from "better-sqlite3";
import { StorageErrors } from "./errors.js";
import { WriterClient, type QueuedWrite } from "./writer/writer-client.js";
import type { WriteParams } from "./writer/writer-protocol.js";

class TurnWrites {
  /** Inline mode: this object's own transaction is open. */
  private open = false;
  private writer: WriterClient | undefined;
  private threaded: boolean;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    threaded: boolean,
  ) {
    this.threaded = threaded && !db.memory;
    // better-sqlite3 rolls back an open transaction on close: write what is queued first.
    const close = db.close.bind(db);
    db.close = () => {
      this.commit();
      this.writer?.close();
      this.writer = undefined;
      return close();
    };
  }

  write(sql: string, params: WriteParams): void {
    // A closed database takes the inline path, which throws as any statement on it does.
    if (this.threaded && this.db.open && !this.db.inTransaction) {
      this.writer ??= this.startWriter();
      this.writer.write(sql, params);
      return;
    }
    if (!this.open && !this.db.inTransaction) {
      this.statement("BEGIN").run();
      this.open = true;
      setImmediate(() => this.commit());
    }
    this.runHere({ sql, params });
  }

  /** Everything queued is visible to the main connection. */
  settle(): void {
    if (this.writer) this.writer.drain();
  }

  /** Runs `run` once everything queued so far is committed, while nothing else writes (see WriterClient.whenIdle). */
  afterWrites(run: () => void): void {
    if (this.writer) return this.writer.whenIdle(run);
    this.commit();
    run();
  }

  /** Everything queued is committed. */
  commit(): void {
    this.settle();
    if (!this.open) return;
    this.open = false;
    // A failed statement that rolled the whole transaction back (SQLITE_FULL, IOERR) leaves nothing to commit.
    if (!this.db.open || !this.db.inTransaction) return;
    try {
      this.statement("COMMIT").run();
    } catch (err) {
      // Never left open (later writes would join a transaction nobody commits), never thrown from a timer.
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      warn(StorageErrors.turnCommit(err instanceof Error ? err.message : String(err)));
    }
  }

  private startWriter(): WriterClient {
    return new WriterClient(this.db.name, {
      failed: (failures, lost) => {
        const first = failures[0];
        warn(StorageErrors.write(failures.length, lost, first ? `${first.reason} (${first.sql.trim().slice(0, 120)})` : "commit failed"));
      },
      stopped: (reason, unwritten) => this.fallBack(reason, unwritten),
    });
  }

  /** The thread stopped: its unanswered writes, and every later one, are made here (inline mode). */
  private fallBack(reason: string, unwritten: QueuedWrite[]): void {
    this.threaded = false;
    this.writer = undefined;
    warn(StorageErrors.writerStopped(reason, unwritten.length));
    if (!this.db.open) return;
    for (const write of unwritten) {
      try {
        this.write(write.sql, write.params);
      } catch (err) {
        warn(StorageErrors.write(1, 0, `${err instanceof Error ? err.message : String(err)} (${write.sql.trim().slice(0, 120)})`));
      }
    }
  }

  private runHere(write: QueuedWrite): void {
    const statement = this.statement(write.sql);
    const params = write.params;
    if (params === undefined) statement.run();
    else if (Array.isArray(params)) statement.run(...(params as unknown[]));
    else statement.run(params);
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

function warn(error: Error & { code?: string }): void {
  process.emitWarning(error.message, error.code === undefined ? {} : { code: error.code });
}

const turns = new WeakMap<Database.Database, TurnWrites>();
/** Databases opened with the writer thread off (`openDatabase`'s option). */
const inlineOnly = new WeakSet<Database.Database>();

/** Makes `db`'s record writes inline (on the main connection); called by `openDatabase` before any write. */
export function keepWritesInline(db: Database.Database): void {
  inlineOnly.add(db);
}

function turnOf(db: Database.Database): TurnWrites {
  let turn = turns.get(db);
  if (!turn) {
    turn = new TurnWrites(db, !inlineOnly.has(db));
    turns.set(db, turn);
  }
  return turn;
}

/** Queues a record write (an expanded SQL statement and its bind values) for the turn's batch. */
export function writeInTurn(db: Database.Database, sql: string, params?: WriteParams): void {
  turnOf(db).write(sql, params);
}

/** Makes every queued write visible to the main connection (blocks until the writer thread has made them). */
export function settleTurnWrites(db: Database.Database): void {
  turns.get(db)?.settle();
}

/**
 * Runs `run` once every write queued so far is committed, at a moment the writer thread is idle, so `run` may write
 * on the main connection at once (without {@link commitTurnWrites}'s wait). Inline, it commits the turn's
 * transaction and runs at once.
 */
export function afterTurnWrites(db: Database.Database, run: () => void): void {
  const turn = turns.get(db);
  if (turn) turn.afterWrites(run);
  else run();
}

/** Commits every queued write now (before a transaction that must be durable once it returns). */
export function commitTurnWrites(db: Database.Database): void {
  turns.get(db)?.commit();
}
