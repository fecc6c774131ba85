/** Opens the one SQLite database Tandem keeps its state in. */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { StorageErrors } from "./errors.js";
import { keepWritesInline } from "./turn-writes.js";

export interface DatabaseOptions {
  /**
   * Record writes (`writeInTurn`) made by a writer thread with its own connection (default), or on the main
   * connection at the end of each turn. `:memory:` always writes inline: no other connection can see it.
   */
  readonly writerThread?: boolean;
}

/**
 * Opens (creating the folder and file if needed) a database in WAL mode with foreign keys on.
 * `:memory:` gives a private in-memory database (tests).
 */
export function openDatabase(path: string, options: DatabaseOptions = {}): Database.Database {
  try {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    // WAL lets the event-log batches commit without blocking readers of the registry.
    if (path !== ":memory:") db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last batch.
    db.pragma("synchronous = NORMAL");
    if (options.writerThread === false) keepWritesInline(db);
    return db;
  } catch (err) {
    throw StorageErrors.open(path, err instanceof Error ? err.message : String(err));
  }
}
