/**
 * The storage a first-party area of the core gets (the call model): the same `PluginStorage` a plugin gets, so the
 * area could move into a plugin unchanged. Its tables made before it had one, named freely under a migration scope
 * of their own, are taken over first: renamed in place to `<owner>__<name>` with their rows, indexes and foreign keys
 * (SQLite's `ALTER TABLE … RENAME TO` rewrites the REFERENCES to a renamed table), and the version they had reached
 * carried over to the new scope, so the area's migrations go on from there.
 */
import type Database from "better-sqlite3";
import { StorageErrors } from "./errors.js";
import { settleTurnWrites } from "./turn-writes.js";
import { pluginScope, SqlitePluginStorage } from "./plugin-storage.js";

/** Tables an area made under its own scope, before its storage was namespaced. */
export interface LegacyTables {
  /** The migration scope they were made under (`core.calls`). */
  readonly scope: string;
  /** Old table name → the short name the storage knows it by (`call_legs` → `legs`, i.e. `calls__legs`). */
  readonly tables: Readonly<Record<string, string>>;
}

export function openAreaStorage(db: Database.Database, id: string, legacy?: LegacyTables): SqlitePluginStorage {
  const storage = new SqlitePluginStorage(db, id);
  if (legacy) takeOver(db, storage, legacy, pluginScope(id));
  return storage;
}

function takeOver(db: Database.Database, storage: SqlitePluginStorage, legacy: LegacyTables, scope: string): void {
  settleTurnWrites(db);
  const known = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_migrations'").get();
  const row = known ? (db.prepare("SELECT version FROM _migrations WHERE scope = ?").get(legacy.scope) as { version: number } | undefined) : undefined;
  if (!row) return;
  const renames = Object.entries(legacy.tables).map(([from, to]) => {
    // Both names are checked like any table name, as they are written into the SQL.
    storage.table(from);
    return `ALTER TABLE ${from} RENAME TO ${storage.table(to)};`;
  });
  try {
    db.transaction(() => {
      db.exec(renames.join("\n"));
      db.prepare("UPDATE _migrations SET scope = ? WHERE scope = ?").run(scope, legacy.scope);
    })();
  } catch (err) {
    throw StorageErrors.migration(`${row.version} (renaming ${legacy.scope}'s tables)`, scope, err instanceof Error ? err.message : String(err));
  }
}
