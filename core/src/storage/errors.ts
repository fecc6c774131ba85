/** Coded errors of the storage area (SQLite). */
import { defineError } from "@tandem/sdk";

export const StorageErrors = {
  open: defineError("TANDEM_ERR_STORAGE_OPEN", "cannot open the database %s: %s"),
  migration: defineError("TANDEM_ERR_STORAGE_MIGRATION", "migration %s of %s failed: %s"),
  migrationOrder: defineError("TANDEM_ERR_STORAGE_MIGRATION_ORDER", "migrations of %s must have unique positive integer versions: %s"),
  turnCommit: defineError("TANDEM_ERR_STORAGE_TURN_COMMIT", "the record writes of one event-loop turn could not be committed and were rolled back: %s"),
  write: defineError("TANDEM_ERR_STORAGE_WRITE", "%s queued record writes failed (%s more lost with their transaction): %s"),
  writerStopped: defineError("TANDEM_ERR_STORAGE_WRITER_STOPPED", "the storage writer thread stopped (%s); its %s unwritten writes and all later ones are made by the main thread"),
  writerStuck: defineError("TANDEM_ERR_STORAGE_WRITER_STUCK", "the storage writer thread has not answered %s batches in %s ms"),
  tableName: defineError("TANDEM_ERR_STORAGE_TABLE_NAME", "table name %s is not allowed; use letters, digits and underscores"),
} as const;
