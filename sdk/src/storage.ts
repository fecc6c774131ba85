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
}
