/**
 * Record writes of one event-loop turn committed together. In WAL mode each autocommit statement is its own
 * transaction with its own WAL append; a routed call made about fifteen of them (call row, legs, agent states,
 * dialogs), which cost more than the rest of the call. Writes made through {@link writeInTurn} join one
 * transaction that commits at the end of the turn (setImmediate), so a busy turn handling many SIP messages pays
 * for one commit.
 *
 * What it changes: a kill -9 can lose the record writes of the turn it interrupts (at most one turn, as the event
 * log's `flushMs` may lose its batch), never a committed one. A write inside someone else's transaction simply
 * joins it. Before the event log commits its own batch, and before the database closes, the turn's writes are
 * committed, so event seqs stay visible only once durable and nothing written is dropped by a close.
 */
import type Database from "better-sqlite3";
import { StorageErrors } from "./errors.js";

class TurnWrites {
  private open = false;
  private readonly begin: Database.Statement;
  private readonly end: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.begin = db.prepare("BEGIN");
    this.end = db.prepare("COMMIT");
    // better-sqlite3 rolls back an open transaction on close: commit the turn's writes first.
    const close = db.close.bind(db);
    db.close = () => {
      this.commit();
      return close();
    };
  }

  run<T>(write: () => T): T {
    if (!this.open && !this.db.inTransaction) {
      this.begin.run();
      this.open = true;
      setImmediate(() => this.commit());
    }
    return write();
  }

  commit(): void {
    if (!this.open) return;
    this.open = false;
    // A failed statement that rolled the whole transaction back (SQLITE_FULL, IOERR) leaves nothing to commit.
    if (!this.db.open || !this.db.inTransaction) return;
    try {
      this.end.run();
    } catch (err) {
      // Never left open (later writes would join a transaction nobody commits), never thrown from a timer.
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      const coded = StorageErrors.turnCommit(err instanceof Error ? err.message : String(err));
      process.emitWarning(coded.message, { code: coded.code });
    }
  }
}

const turns = new WeakMap<Database.Database, TurnWrites>();

function turnOf(db: Database.Database): TurnWrites {
  let turn = turns.get(db);
  if (!turn) {
    turn = new TurnWrites(db);
    turns.set(db, turn);
  }
  return turn;
}

/** Runs a record write in the turn's transaction (opened by the turn's first write, committed at its end). */
export function writeInTurn<T>(db: Database.Database, write: () => T): T {
  return turnOf(db).run(write);
}

/** Commits the turn's writes now (before a transaction that must be durable once it returns). */
export function commitTurnWrites(db: Database.Database): void {
  turns.get(db)?.commit();
}
