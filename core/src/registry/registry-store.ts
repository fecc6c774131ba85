/**
 * SQLite persistence of DNs and agent states (scope `core.registry`). Agent state rows cascade with their DN.
 */
import type Database from "better-sqlite3";
import type { DnOptions, DnRecord, DnType, WorkMode } from "@tandem/sdk";
import { applyMigrations } from "../storage/migrations.js";
import { settleTurnWrites, writeInTurn } from "../storage/turn-writes.js";
import type { AgentBlock, AgentState, BaseState } from "./agent-arbiter.js";

const MIGRATIONS = [
  {
    version: 1,
    up: `
      CREATE TABLE core__dns (
        number TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        options TEXT NOT NULL DEFAULT '{}',
        origin TEXT NOT NULL CHECK (origin IN ('config', 'api')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE core__agent_states (
        dn TEXT PRIMARY KEY REFERENCES core__dns(number) ON DELETE CASCADE,
        base TEXT NOT NULL CHECK (base IN ('LoggedOut', 'NotReady', 'Ready')),
        reason_code TEXT,
        work_mode TEXT,
        since TEXT NOT NULL,
        set_by TEXT,
        calls TEXT NOT NULL DEFAULT '[]',
        blocks TEXT NOT NULL DEFAULT '{}'
      );
    `,
  },
] as const;

interface DnRow {
  number: string;
  type: string;
  options: string;
  origin: "config" | "api";
  created_at: string;
  updated_at: string;
}

interface AgentRow {
  dn: string;
  base: string;
  reason_code: string | null;
  work_mode: string | null;
  since: string;
  set_by: string | null;
  calls: string;
  blocks: string;
}

const PUT_AGENT = `INSERT OR REPLACE INTO core__agent_states (dn, base, reason_code, work_mode, since, set_by, calls, blocks)
  VALUES (@dn, @base, @reasonCode, @workMode, @since, @setBy, @calls, @blocks)`;

/**
 * Prepared statements over the registry tables. Agent state rows are queued record writes (turn-writes.ts); every
 * other statement first waits for the queued writes, so it reads them and never writes beside the writer thread.
 */
export class RegistryStore {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    applyMigrations(db, "core.registry", MIGRATIONS);
    this.stmts = {
      allDns: db.prepare<[], DnRow>("SELECT * FROM core__dns ORDER BY number"),
      putDn: db.prepare(
        `INSERT INTO core__dns (number, type, options, origin, created_at, updated_at)
         VALUES (@number, @type, @options, @origin, @createdAt, @updatedAt)
         ON CONFLICT(number) DO UPDATE SET type = excluded.type, options = excluded.options,
           origin = excluded.origin, updated_at = excluded.updated_at`,
      ),
      deleteDn: db.prepare<[string]>("DELETE FROM core__dns WHERE number = ?"),
      allAgents: db.prepare<[], AgentRow>("SELECT * FROM core__agent_states"),
      deleteAgent: db.prepare<[string]>("DELETE FROM core__agent_states WHERE dn = ?"),
    };
  }

  /** Runs `fn` in one transaction. */
  transaction<T>(fn: () => T): T {
    settleTurnWrites(this.db);
    return this.db.transaction(fn)();
  }

  loadDns(): DnRecord[] {
    settleTurnWrites(this.db);
    return this.stmts.allDns.all().map((row) => ({
      number: row.number,
      type: row.type as DnType,
      options: JSON.parse(row.options) as DnOptions,
      origin: row.origin,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }));
  }

  putDn(dn: DnRecord): void {
    settleTurnWrites(this.db);
    this.stmts.putDn.run({ ...dn, options: JSON.stringify(dn.options) });
  }

  deleteDn(number: string): void {
    settleTurnWrites(this.db);
    this.stmts.deleteDn.run(number);
  }

  loadAgents(): AgentState[] {
    settleTurnWrites(this.db);
    return this.stmts.allAgents.all().map((row) => ({
      dn: row.dn,
      base: row.base as BaseState,
      since: row.since,
      calls: JSON.parse(row.calls) as string[],
      blocks: JSON.parse(row.blocks) as Record<string, AgentBlock>,
      ...(row.reason_code === null ? {} : { reasonCode: row.reason_code }),
      ...(row.work_mode === null ? {} : { workMode: row.work_mode as WorkMode }),
      ...(row.set_by === null ? {} : { setBy: row.set_by }),
    }));
  }

  /** Every agent state change of a call is a write: they commit with the turn's other writes (turn-writes.ts). */
  putAgent(state: AgentState): void {
    const row = {
      dn: state.dn,
      base: state.base,
      reasonCode: state.reasonCode ?? null,
      workMode: state.workMode ?? null,
      since: state.since,
      setBy: state.setBy ?? null,
      calls: JSON.stringify(state.calls),
      blocks: JSON.stringify(state.blocks),
    };
    writeInTurn(this.db, PUT_AGENT, row);
  }

  deleteAgent(dn: string): void {
    settleTurnWrites(this.db);
    this.stmts.deleteAgent.run(dn);
  }
}
