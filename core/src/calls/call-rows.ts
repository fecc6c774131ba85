/**
 * Rows of `calls__calls`, one per call: what a new row holds, the columns that change over a call's life, the
 * queries that read rows back, and the call record a row (with its legs) makes.
 */
import type { CallHistoryFilter, CallOutcome, CallRecord, CallState, LegRecord } from "./call-types.js";
import { opt } from "./optional-field.js";

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

export const UPDATE_COLUMNS: Record<keyof CallRowUpdate, string> = {
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

export interface CallRow {
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

export const INSERT_CALL = `INSERT INTO {{calls}} (conn_id, state, ani, dnis, entry_dn, started_at, user_data)
  VALUES (@connId, @state, @ani, @dnis, @entryDn, @startedAt, @userData)`;
export const OPEN_CALLS = "SELECT * FROM {{calls}} WHERE ended_at IS NULL ORDER BY rowid";
export const CALL_BY_CONN_ID = "SELECT * FROM {{calls}} WHERE conn_id = ?";

/** The call history query: newest first, filtered by the fields given, one page. */
export function historyQuery(filter: CallHistoryFilter): { sql: string; params: Record<string, unknown> } {
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
  return { sql, params };
}

/** The call record of a row and its legs. */
export function toCallRecord(row: CallRow, legs: LegRecord[]): CallRecord {
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
