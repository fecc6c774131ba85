/**
 * Schema migrations per scope (`core.registry`, `core.events`, `plugin.<id>` …): one row per scope in
 * `_migrations` holds the version applied; each step runs in its own transaction.
 */
import type Database from "better-sqlite3";
import { StorageErrors } from "./errors.js";
import { settleTurnWrites } from "./turn-writes.js";

export interface MigrationStep {
  readonly version: number;
  readonly up: string;
}

function ensureTable(db: Database.Database): void {
  db.exec("CREATE TABLE IF NOT EXISTS _migrations (scope TEXT PRIMARY KEY, version INTEGER NOT NULL)");
}

function checkVersions(scope: string, migrations: readonly MigrationStep[]): MigrationStep[] {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  const versions = sorted.map((m) => m.version);
  const bad = versions.some((v, i) => !Number.isInteger(v) || v < 1 || versions[i - 1] === v);
  if (bad) throw StorageErrors.migrationOrder(scope, versions.join(", "));
  return sorted;
}

/** Applies the steps of `scope` newer than its recorded version; returns the version now applied. */
export function applyMigrations(db: Database.Database, scope: string, migrations: readonly MigrationStep[]): number {
  settleTurnWrites(db);
  ensureTable(db);
  const steps = checkVersions(scope, migrations);
  const row = db.prepare("SELECT version FROM _migrations WHERE scope = ?").get(scope) as { version: number } | undefined;
  let current = row?.version ?? 0;
  const record = db.prepare(
    "INSERT INTO _migrations (scope, version) VALUES (?, ?) ON CONFLICT(scope) DO UPDATE SET version = excluded.version",
  );
  for (const step of steps) {
    if (step.version <= current) continue;
    try {
      db.transaction(() => {
        db.exec(step.up);
        record.run(scope, step.version);
      })();
    } catch (err) {
      throw StorageErrors.migration(step.version, scope, err instanceof Error ? err.message : String(err));
    }
    current = step.version;
  }
  return current;
}
