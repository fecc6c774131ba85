/**
 * The storage writer thread: one SQLite connection of its own to the database file, which writes the batches the
 * main thread queues, each in one transaction, in the order they come. It runs on another core, so the statements
 * and the WAL commit of the call records (about fifteen writes and one commit per routed call) leave the thread
 * that handles SIP. A write that fails (a constraint, a full disk) is reported and the batch goes on; a failure
 * that rolls the whole transaction back loses what the batch wrote before it, and the answer counts those.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { DONE_SLOT, FAILED_SLOT, type FailedWrite, type FromWriter, type ToWriter, type WriteBatch, type WriterSettings, type WriteParams } from "./writer-protocol.js";

const settings = workerData as WriterSettings;
const port = parentPort;

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function tell(message: FromWriter): void {
  port?.postMessage(message);
}

/** Gives up: the main thread sees the flag, stops waiting and writes on its own connection from then on. */
function stop(reason: string): void {
  Atomics.store(settings.shared, FAILED_SLOT, 1);
  Atomics.notify(settings.shared, DONE_SLOT);
  tell({ kind: "stopped", reason });
  port?.close();
}

function open(): Database.Database | undefined {
  try {
    const db = new Database(settings.path);
    // The same settings as the main connection (database.ts): cascades hold, and a commit waits out a reader's lock.
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    db.pragma("synchronous = NORMAL");
    return db;
  } catch (err) {
    stop(`cannot open ${settings.path}: ${reasonOf(err)}`);
    return undefined;
  }
}

class BatchWriter {
  private readonly sqlOf = new Map<number, string>();
  private readonly statements = new Map<number, Database.Statement>();
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.begin = db.prepare("BEGIN");
    this.commit = db.prepare("COMMIT");
  }

  write(batch: WriteBatch): { failed: FailedWrite[]; lost: number } {
    for (const [id, sql] of batch.defs) this.sqlOf.set(id, sql);
    const failed: FailedWrite[] = [];
    let lost = 0;
    // Writes made since the transaction began: lost if it is rolled back as a whole.
    let pending = 0;
    this.begin.run();
    for (let i = 0; i < batch.ops.length; i += 2) {
      const id = batch.ops[i] as number;
      try {
        this.run(id, batch.ops[i + 1] as WriteParams);
        pending++;
      } catch (err) {
        failed.push({ sql: this.sqlOf.get(id) ?? `statement ${id}`, reason: reasonOf(err) });
        // A constraint undoes only its statement; SQLITE_FULL or an I/O error rolls the transaction back.
        if (!this.db.inTransaction) {
          lost += pending;
          pending = 0;
          this.begin.run();
        }
      }
    }
    try {
      this.commit.run();
    } catch (err) {
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      failed.push({ sql: "COMMIT", reason: reasonOf(err) });
      lost += pending;
    }
    return { failed, lost };
  }

  private run(id: number, params: WriteParams): void {
    let statement = this.statements.get(id);
    if (!statement) {
      statement = this.db.prepare(this.sqlOf.get(id) ?? "");
      this.statements.set(id, statement);
    }
    if (params === undefined) statement.run();
    else if (Array.isArray(params)) statement.run(...(params as unknown[]));
    else statement.run(params);
  }
}

const db = open();
if (db && port) {
  const writer = new BatchWriter(db);
  port.on("message", (message: ToWriter) => {
    if (message.kind === "close") {
      db.close();
      port.close();
      return;
    }
    let result: { failed: FailedWrite[]; lost: number };
    try {
      result = writer.write(message);
    } catch (err) {
      // BEGIN itself failed (the file went away, the disk is gone): nothing of this batch was written.
      result = { failed: [{ sql: "BEGIN", reason: reasonOf(err) }], lost: message.ops.length / 2 };
    }
    Atomics.store(settings.shared, DONE_SLOT, message.n);
    Atomics.notify(settings.shared, DONE_SLOT);
    tell({ kind: "done", n: message.n, failed: result.failed, lost: result.lost });
  });
}
