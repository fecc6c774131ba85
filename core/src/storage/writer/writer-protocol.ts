/**
 * Messages between the main thread and the storage writer thread. A batch carries the statements it uses for the
 * first time (`defs`, id → SQL) and its writes as a flat list `[statementId, params, statementId, params, …]`, so a
 * statement's text crosses the thread boundary once. The thread answers each batch, in order, with its number and
 * the writes that failed; the same number is also stored in the shared counter a waiting main thread watches.
 */

/** Index of the shared counter of batches committed (or given up) by the thread. */
export const DONE_SLOT = 0;
/** Index of the shared flag the thread raises when it cannot write at all (it stopped). */
export const FAILED_SLOT = 1;
/** Slots of the shared `Int32Array`. */
export const SHARED_SLOTS = 2;

/** Positional or named bind values of one statement, as better-sqlite3 takes them. */
export type WriteParams = readonly unknown[] | Readonly<Record<string, unknown>> | undefined;

export interface WriterSettings {
  /** The database file (never `:memory:`, which another connection cannot see). */
  readonly path: string;
  /** `Int32Array` over a `SharedArrayBuffer` of {@link SHARED_SLOTS} slots. */
  readonly shared: Int32Array;
}

export interface WriteBatch {
  readonly kind: "batch";
  /** 1, 2, 3 … in the order posted. */
  readonly n: number;
  readonly defs: ReadonlyArray<readonly [id: number, sql: string]>;
  readonly ops: readonly unknown[];
}

export interface CloseWriter {
  readonly kind: "close";
}

export type ToWriter = WriteBatch | CloseWriter;

/** A write the thread could not make: the statement and SQLite's reason. */
export interface FailedWrite {
  readonly sql: string;
  readonly reason: string;
}

export type FromWriter =
  | { readonly kind: "done"; readonly n: number; readonly failed: readonly FailedWrite[]; readonly lost: number }
  | { readonly kind: "stopped"; readonly reason: string };
