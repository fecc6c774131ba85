/**
 * A plugin's share of the database: tables `<plugin_id>__<name>`, `{{name}}` in SQL replaced by the full
 * table name, migrations under scope `plugin.<id>`, statements prepared once and cached.
 */
import type Database from "better-sqlite3";
import type { Migration, PluginStorage, RunResult, SqlParams } from "@tandem/sdk";
import { StorageErrors } from "./errors.js";
import { applyMigrations } from "./migrations.js";
import { commitTurnWrites, settleTurnWrites, writeInTurn } from "./turn-writes.js";

const TABLE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** The migration scope of a plugin's tables (`_migrations.scope`). */
export function pluginScope(pluginId: string): string {
  return `plugin.${pluginId}`;
}

export class SqlitePluginStorage implements PluginStorage {
  readonly tablePrefix: string;
  private readonly statements = new Map<string, Database.Statement>();
  /** The SQL of `runInTurn` writes with table names filled in, by the text the caller gave. */
  private readonly expanded = new Map<string, string>();

  constructor(
    private readonly db: Database.Database,
    private readonly pluginId: string,
  ) {
    this.tablePrefix = `${pluginId.replace(/-/g, "_")}__`;
  }

  table(name: string): string {
    if (!TABLE_NAME.test(name)) throw StorageErrors.tableName(name);
    return `${this.tablePrefix}${name}`;
  }

  migrate(migrations: readonly Migration[]): void {
    settleTurnWrites(this.db);
    const steps = migrations.map((m) => ({ version: m.version, up: this.expand(m.up) }));
    applyMigrations(this.db, pluginScope(this.pluginId), steps);
  }

  // Every statement on the main connection first waits for the queued record writes (`runInTurn`), so it sees
  // them and never writes beside the writer thread.
  run(sql: string, params?: SqlParams): RunResult {
    settleTurnWrites(this.db);
    const statement = this.prepare(sql);
    if (params === undefined) return statement.run();
    return isPositional(params) ? statement.run(...params) : statement.run(params);
  }

  get<T = Record<string, unknown>>(sql: string, params?: SqlParams): T | undefined {
    settleTurnWrites(this.db);
    const statement = this.prepare(sql);
    if (params === undefined) return statement.get() as T | undefined;
    return (isPositional(params) ? statement.get(...params) : statement.get(params)) as T | undefined;
  }

  all<T = Record<string, unknown>>(sql: string, params?: SqlParams): T[] {
    settleTurnWrites(this.db);
    const statement = this.prepare(sql);
    if (params === undefined) return statement.all() as T[];
    return (isPositional(params) ? statement.all(...params) : statement.all(params)) as T[];
  }

  transaction<T>(fn: () => T): T {
    settleTurnWrites(this.db);
    return this.db.transaction(fn)();
  }

  runInTurn(sql: string, params?: SqlParams): void {
    let expanded = this.expanded.get(sql);
    if (expanded === undefined) {
      expanded = this.expand(sql);
      this.expanded.set(sql, expanded);
    }
    writeInTurn(this.db, expanded, params);
  }

  commitTurn(): void {
    commitTurnWrites(this.db);
  }

  /** `{{logins}}` → `example__logins`. */
  private expand(sql: string): string {
    return sql.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_m, name: string) => this.table(name));
  }

  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(this.expand(sql));
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** better-sqlite3 takes positional params spread and named params as one object. */
function isPositional(params: SqlParams): params is readonly unknown[] {
  return Array.isArray(params);
}
