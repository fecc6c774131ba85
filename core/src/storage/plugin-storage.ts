/**
 * A plugin's share of the database: tables `<plugin_id>__<name>`, `{{name}}` in SQL replaced by the full
 * table name, migrations under scope `plugin.<id>`, statements prepared once and cached.
 */
import type Database from "better-sqlite3";
import type { Migration, PluginStorage, RunResult, SqlParams } from "@tandem/sdk";
import { StorageErrors } from "./errors.js";
import { applyMigrations } from "./migrations.js";

const TABLE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export class SqlitePluginStorage implements PluginStorage {
  readonly tablePrefix: string;
  private readonly statements = new Map<string, Database.Statement>();

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
    const steps = migrations.map((m) => ({ version: m.version, up: this.expand(m.up) }));
    applyMigrations(this.db, `plugin.${this.pluginId}`, steps);
  }

  run(sql: string, params?: SqlParams): RunResult {
    const result = this.bind(this.prepare(sql), params, (s, p) => s.run(...p));
    return { changes: result.changes, lastInsertRowid: result.lastInsertRowid };
  }

  get<T = Record<string, unknown>>(sql: string, params?: SqlParams): T | undefined {
    return this.bind(this.prepare(sql), params, (s, p) => s.get(...p)) as T | undefined;
  }

  all<T = Record<string, unknown>>(sql: string, params?: SqlParams): T[] {
    return this.bind(this.prepare(sql), params, (s, p) => s.all(...p)) as T[];
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
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

  /** better-sqlite3 takes positional params spread and named params as one object. */
  private bind<R>(statement: Database.Statement, params: SqlParams | undefined, fn: (s: Database.Statement, p: unknown[]) => R): R {
    if (params === undefined) return fn(statement, []);
    return fn(statement, Array.isArray(params) ? [...(params as readonly unknown[])] : [params]);
  }
}
