/**
 * Call records through the SDK's storage, as a plugin keeps its own (tables `calls__calls`, one row per call, and
 * `calls__legs`, one per SIP leg). Rows are written at the few moments that matter (arrival, answer, end) so the
 * SIP path stays cheap, and the writes of one event-loop turn commit together (`PluginStorage.runInTurn`).
 */
import type { PluginStorage } from "@tandem/sdk";
import type { DialogRecord } from "../sip/index.js";
import { CallState, type CallHistoryFilter, type CallOutcome, type CallRecord, type LegRecord } from "./call-types.js";

/** The storage id of the call model: its tables are `calls__<name>`. */
export const CALL_STORAGE_ID = "calls";

/**
 * The tables the call model made before its storage was namespaced (scope `core.calls`, version 3), renamed in
 * place to the names below when such a database is opened (storage/area-storage.ts).
 */
export const LEGACY_CALL_TABLES = { scope: "core.calls", tables: { calls: "calls", call_legs: "legs", call_dialogs: "dialogs" } } as const;

// The index names are the ones the first tables had; a database taken over keeps them, so new ones get them too.
const MIGRATIONS = [
  {
    version: 1,
    up: `
      CREATE TABLE {{calls}} (
        conn_id TEXT PRIMARY KEY, state TEXT NOT NULL, outcome TEXT, ani TEXT, dnis TEXT NOT NULL,
        entry_dn TEXT NOT NULL, agent_dn TEXT, queue TEXT, started_at TEXT NOT NULL, answered_at TEXT,
        ended_at TEXT, queue_wait_ms INTEGER, released_by TEXT, reject_status INTEGER, user_data TEXT NOT NULL
      );
      CREATE INDEX calls_started ON {{calls}} (started_at);
      CREATE INDEX calls_open ON {{calls}} (ended_at) WHERE ended_at IS NULL;
      CREATE TABLE {{legs}} (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        conn_id TEXT NOT NULL REFERENCES {{calls}} (conn_id) ON DELETE CASCADE,
        role TEXT NOT NULL, dn TEXT, sip_call_id TEXT NOT NULL, direction TEXT NOT NULL,
        started_at TEXT NOT NULL, answered_at TEXT, ended_at TEXT, status INTEGER, ended_by TEXT
      );
      CREATE INDEX call_legs_conn ON {{legs}} (conn_id);
    `,
  },
  {
    // The dialogs of an answered call, so a restart after a crash can send each leg its BYE (dialog-record.ts).
    version: 2,
    up: `
      CREATE TABLE {{dialogs}} (
        conn_id TEXT NOT NULL REFERENCES {{calls}} (conn_id) ON DELETE CASCADE,
        role TEXT NOT NULL, dialog TEXT NOT NULL, PRIMARY KEY (conn_id, role)
      );
    `,
  },
  {
    // Legs beyond the customer and agent (a consultation's target, a conference's parties): whom a restart tells.
    version: 3,
    up: `ALTER TABLE {{dialogs}} ADD COLUMN tell TEXT;`,
  },
] as const;

/**
 * The row a leg's dialog is kept under: the call's customer and agent legs by their role, any other leg of the
 * call (a consultation's target, a conference party) by its own Call-ID.
 */
export type DialogSlot = "customer" | "agent" | `party:${string}`;

/** Whom a restart tells that a party's leg is gone: EventReleased on each DN for the ConnID their desktops know. */
export interface DialogParty {
  connId: string;
  dns: string[];
}

/** A recorded dialog of a call an earlier process left up. */
export interface OpenCallDialog {
  connId: string;
  role: DialogSlot;
  dialog: DialogRecord;
  party?: DialogParty;
}

/** What a new call row holds. */
export interface NewCallRow {
  connId: string;
  state: CallState;
  ani: string | undefined;
  dnis: string;
  entryDn: string;
  startedAt: string;
  userData: Record<string, unknown>;
}

/** Columns of a call row that change over its life. */
export interface CallRowUpdate {
  state?: CallState;
  outcome?: CallOutcome;
  agentDn?: string;
  queue?: string;
  answeredAt?: string;
  endedAt?: string;
  queueWaitMs?: number;
  releasedBy?: string;
  rejectStatus?: number;
  userData?: Record<string, unknown>;
}

const UPDATE_COLUMNS: Record<keyof CallRowUpdate, string> = {
  state: "state",
  outcome: "outcome",
  agentDn: "agent_dn",
  queue: "queue",
  answeredAt: "answered_at",
  endedAt: "ended_at",
  queueWaitMs: "queue_wait_ms",
  releasedBy: "released_by",
  rejectStatus: "reject_status",
  userData: "user_data",
};

interface CallRow {
  conn_id: string;
  state: string;
  outcome: string | null;
  ani: string | null;
  dnis: string;
  entry_dn: string;
  agent_dn: string | null;
  queue: string | null;
  started_at: string;
  answered_at: string | null;
  ended_at: string | null;
  queue_wait_ms: number | null;
  released_by: string | null;
  reject_status: number | null;
  user_data: string;
}

interface LegRow {
  id: number;
  conn_id: string;
  role: LegRecord["role"];
  dn: string | null;
  sip_call_id: string;
  direction: LegRecord["direction"];
  started_at: string;
  answered_at: string | null;
  ended_at: string | null;
  status: number | null;
  ended_by: string | null;
}

const INSERT_CALL = `INSERT INTO {{calls}} (conn_id, state, ani, dnis, entry_dn, started_at, user_data)
  VALUES (@connId, @state, @ani, @dnis, @entryDn, @startedAt, @userData)`;
const INSERT_LEG = `INSERT INTO {{legs}} (conn_id, role, dn, sip_call_id, direction, started_at)
  VALUES (@connId, @role, @dn, @sipCallId, @direction, @startedAt)`;
const UPDATE_LEG = `UPDATE {{legs}} SET answered_at = COALESCE(@answeredAt, answered_at), ended_at = COALESCE(@endedAt, ended_at),
  status = COALESCE(@status, status), ended_by = COALESCE(@endedBy, ended_by) WHERE id = @id`;
const LEGS_OF = "SELECT * FROM {{legs}} WHERE conn_id = ? ORDER BY id";
const SAVE_DIALOG = "INSERT OR REPLACE INTO {{dialogs}} (conn_id, role, dialog, tell) VALUES (?, ?, ?, ?)";
const FORGET_DIALOG = "DELETE FROM {{dialogs}} WHERE conn_id = ? AND role = ?";
const FORGET_CALL_DIALOGS = "DELETE FROM {{dialogs}} WHERE conn_id = ?";

export class CallStore {
  /** Calls with rows in the dialogs table, so calls that never had one cost no DELETE when they end. */
  private readonly withDialogs = new Set<string>();
  // Bind values of the writes made per answered leg and per ended call, reused (better-sqlite3 copies them as it
  // binds, synchronously): those paths allocate no array of their own, as they did not with bare statements.
  private readonly dialogRow: unknown[] = [null, null, null, null];
  private readonly dialogKey: unknown[] = [null, null];
  private readonly callKey: unknown[] = [null];

  constructor(private readonly storage: PluginStorage) {
    storage.migrate(MIGRATIONS);
  }

  /**
   * Writes (or rewrites, on a target refresh or a new leg) the dialog of one leg. Once per leg at answer, so the
   * SIP path stays cheap; the rows go when the call ends (`updateCall` with `endedAt`).
   */
  saveDialog(connId: string, role: DialogSlot, dialog: DialogRecord, party?: DialogParty): void {
    const tell = party ? JSON.stringify(party) : null;
    // Joins the turn's transaction, committed when the turn ends (setImmediate), with the call row's answer: the
    // 2xx this dialog follows was handed to the socket before this runs either way, so a commit of its own
    // only narrowed a window that kill -9 can hit anyway, at the price of a WAL commit per answered leg. Everything
    // a restart or an observer reads about the answer (the event log commits the turn's writes before its batch,
    // so EventEstablished is never logged before its dialogs) stays ordered after the commit.
    const row = this.dialogRow;
    row[0] = connId;
    row[1] = role;
    row[2] = JSON.stringify(dialog);
    row[3] = tell;
    this.storage.runInTurn(SAVE_DIALOG, row);
    this.withDialogs.add(connId);
  }

  /** Drops one leg's row (the leg left a call that goes on, or moved to another slot). */
  forgetDialog(connId: string, role: DialogSlot): void {
    if (!this.withDialogs.has(connId)) return;
    this.storage.commitTurn();
    const key = this.dialogKey;
    key[0] = connId;
    key[1] = role;
    this.storage.run(FORGET_DIALOG, key);
  }

  /**
   * Every recorded dialog. Read at start, before any call of this process exists, it lists what earlier processes
   * left: calls that never ended, and calls closed as lost by a start that died before its BYEs were done.
   */
  leftoverDialogs(): OpenCallDialog[] {
    const rows = this.storage.all<{ conn_id: string; role: DialogSlot; dialog: string; tell: string | null }>(
      "SELECT conn_id, role, dialog, tell FROM {{dialogs}} ORDER BY rowid",
    );
    return rows.map((row) => ({
      connId: row.conn_id,
      role: row.role,
      dialog: JSON.parse(row.dialog) as DialogRecord,
      ...(row.tell === null ? {} : { party: JSON.parse(row.tell) as DialogParty }),
    }));
  }

  /** Calls that no end was written for, with their legs (read before `closeOpenAsLost`). */
  openCalls(): CallRecord[] {
    return this.storage.all<CallRow>("SELECT * FROM {{calls}} WHERE ended_at IS NULL ORDER BY rowid").map((row) => this.toRecord(row));
  }

  /** Drops the recorded dialogs of these calls (a restart has ended them). */
  forgetDialogs(connIds: readonly string[]): void {
    this.storage.transaction(() => connIds.forEach((connId) => this.storage.run(FORGET_CALL_DIALOGS, [connId])));
  }

  createCall(row: NewCallRow): void {
    const params = { ...row, ani: row.ani ?? null, userData: JSON.stringify(row.userData) };
    this.storage.runInTurn(INSERT_CALL, params);
  }

  updateCall(connId: string, update: CallRowUpdate): void {
    const sets: string[] = [];
    const params: Record<string, unknown> = { connId };
    for (const [key, value] of Object.entries(update) as [keyof CallRowUpdate, unknown][]) {
      if (value === undefined) continue;
      sets.push(`${UPDATE_COLUMNS[key]} = @${key}`);
      params[key] = key === "userData" ? JSON.stringify(value) : value;
    }
    if (sets.length === 0) return;
    // Few distinct texts occur; the storage prepares each once.
    this.storage.runInTurn(`UPDATE {{calls}} SET ${sets.join(", ")} WHERE conn_id = @connId`, params);
    // An ended call has no dialog left to end after a crash.
    if (update.endedAt !== undefined && this.withDialogs.delete(connId)) {
      // With the end it goes with (committed together): a restart never BYEs a leg whose call has ended.
      this.callKey[0] = connId;
      this.storage.runInTurn(FORGET_CALL_DIALOGS, this.callKey);
      this.storage.commitTurn();
    }
  }

  /** Adds a leg; returns its row id for later updates. */
  addLeg(connId: string, leg: Pick<LegRecord, "role" | "dn" | "sipCallId" | "direction" | "startedAt">): number {
    const params = { connId, ...leg, dn: leg.dn ?? null };
    return Number(this.storage.runInTurn(INSERT_LEG, params).lastInsertRowid);
  }

  updateLeg(id: number, update: Partial<Pick<LegRecord, "answeredAt" | "endedAt" | "status" | "endedBy">>): void {
    const params = {
      id,
      answeredAt: update.answeredAt ?? null,
      endedAt: update.endedAt ?? null,
      status: update.status ?? null,
      endedBy: update.endedBy ?? null,
    };
    this.storage.runInTurn(UPDATE_LEG, params);
  }

  /**
   * Closes every call and leg still open (the process stopped under them) at `lastKnown`, or at its own
   * latest time when that is later; returns the number of calls closed.
   */
  closeOpenAsLost(lastKnown: string): number {
    // ISO 8601 UTC strings order as text, so SQLite's scalar MAX picks the latest.
    const end = "MAX(?, started_at, COALESCE(answered_at, started_at))";
    return this.storage.transaction(() => {
      this.storage.run(`UPDATE {{legs}} SET ended_at = ${end}, ended_by = 'lost' WHERE ended_at IS NULL`, [lastKnown]);
      return this.storage.run(`UPDATE {{calls}} SET state = ?, outcome = 'lost', ended_at = ${end} WHERE ended_at IS NULL`, [
        CallState.Lost,
        lastKnown,
      ]).changes;
    });
  }

  get(connId: string): CallRecord | undefined {
    const row = this.storage.get<CallRow>("SELECT * FROM {{calls}} WHERE conn_id = ?", [connId]);
    return row ? this.toRecord(row) : undefined;
  }

  history(filter: CallHistoryFilter): CallRecord[] {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    const add = (sql: string, key: string, value: unknown): void => {
      if (value === undefined) return;
      where.push(sql);
      params[key] = value;
    };
    add("started_at >= @from", "from", filter.from);
    add("started_at < @to", "to", filter.to);
    add("agent_dn = @agentDn", "agentDn", filter.agentDn);
    add("ani = @ani", "ani", filter.ani);
    add("dnis = @dnis", "dnis", filter.dnis);
    add("entry_dn = @entryDn", "entryDn", filter.entryDn);
    add("outcome = @outcome", "outcome", filter.outcome);
    params.limit = filter.limit ?? 100;
    params.offset = filter.offset ?? 0;
    const sql = `SELECT * FROM {{calls}} ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY started_at DESC, rowid DESC LIMIT @limit OFFSET @offset`;
    return this.storage.all<CallRow>(sql, params).map((row) => this.toRecord(row));
  }

  private toRecord(row: CallRow): CallRecord {
    const legs = this.storage.all<LegRow>(LEGS_OF, [row.conn_id]).map(toLeg);
    return {
      connId: row.conn_id,
      state: row.state as CallState,
      dnis: row.dnis,
      entryDn: row.entry_dn,
      startedAt: row.started_at,
      userData: JSON.parse(row.user_data) as Record<string, unknown>,
      legs,
      ...opt("outcome", row.outcome as CallOutcome | null),
      ...opt("ani", row.ani),
      ...opt("agentDn", row.agent_dn),
      ...opt("queue", row.queue),
      ...opt("answeredAt", row.answered_at),
      ...opt("endedAt", row.ended_at),
      ...opt("queueWaitMs", row.queue_wait_ms),
      ...opt("releasedBy", row.released_by),
      ...opt("rejectStatus", row.reject_status),
    };
  }
}

function toLeg(row: LegRow): LegRecord {
  return {
    role: row.role,
    sipCallId: row.sip_call_id,
    direction: row.direction,
    startedAt: row.started_at,
    ...opt("dn", row.dn),
    ...opt("answeredAt", row.answered_at),
    ...opt("endedAt", row.ended_at),
    ...opt("status", row.status),
    ...opt("endedBy", row.ended_by),
  };
}

function opt<K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } {
  return (value === null || value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
