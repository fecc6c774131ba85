/**
 * A plugin's share of the SQLite database. Tables are named `<plugin_id>__<name>`; {@link PluginStorage.table}
 * gives the full name so plugins never spell the prefix themselves.
 */

/** One schema step; applied once, in `version` order, inside a transaction. */
export interface Migration {
  version: number;
  /** SQL to run; `{{name}}` is replaced by the plugin's table name for `name`. */
  up: string;
}

/** Result of a write. */
export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

/** Bind parameters: positional or named. */
export type SqlParams = readonly unknown[] | Record<string, unknown>;

/** Storage scoped to one plugin. Statements are prepared once and cached. */
export interface PluginStorage {
  /** `<plugin_id>__` with dashes turned into underscores. */
  readonly tablePrefix: string;
  /** The full table name for a short name. */
  table(name: string): string;
  /** Applies the migrations not applied yet; the applied version is remembered per plugin. */
  migrate(migrations: readonly Migration[]): void;
  run(sql: string, params?: SqlParams): RunResult;
  get<T = Record<string, unknown>>(sql: string, params?: SqlParams): T | undefined;
  all<T = Record<string, unknown>>(sql: string, params?: SqlParams): T[];
  /** Runs `fn` in one transaction (rolled back if it throws). */
  transaction<T>(fn: () => T): T;
  /**
   * A write for a hot path: queued and made in order with the other queued writes, in one transaction per batch,
   * by the storage writer thread (or, with `storage.writerThread: false`, in one transaction per event-loop turn),
   * so a busy turn's many small writes cost one commit, made off the thread that handles SIP. It returns nothing,
   * since it has not run yet: every other call of this storage (`run`, `get`, `all`, `transaction`) first waits for
   * the queued writes, so it sees them. A crash can lose the writes not yet committed (never a committed one); call
   * {@link PluginStorage.commitTurn} first when a later write must be durable.
   */
  runInTurn(sql: string, params?: SqlParams): void;
  /** Commits every queued write now (made by any owner), e.g. before a write that must be durable on return. */
  commitTurn(): void;
}
