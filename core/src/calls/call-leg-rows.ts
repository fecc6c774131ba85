/** Rows of `calls__legs`, one per SIP leg of a call: the statements that write and read them, and their records. */
import type { LegRecord } from "./call-types.js";
import { opt } from "./optional-field.js";

export interface LegRow {
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

/** Its id is given: the write is queued (`runInTurn`), and the call model keeps the id to update the row by. */
export const INSERT_LEG = `INSERT INTO {{legs}} (id, conn_id, role, dn, sip_call_id, direction, started_at)
  VALUES (@id, @connId, @role, @dn, @sipCallId, @direction, @startedAt)`;
/** The highest leg id ever given (AUTOINCREMENT remembers it in `sqlite_sequence` even once its row is gone). */
export const HIGHEST_LEG_ID = `SELECT MAX(COALESCE((SELECT MAX(id) FROM {{legs}}), 0),
  COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{{legs}}'), 0)) AS id`;
export const UPDATE_LEG = `UPDATE {{legs}} SET answered_at = COALESCE(@answeredAt, answered_at), ended_at = COALESCE(@endedAt, ended_at),
  status = COALESCE(@status, status), ended_by = COALESCE(@endedBy, ended_by) WHERE id = @id`;
export const LEGS_OF = "SELECT * FROM {{legs}} WHERE conn_id = ? ORDER BY id";

export function toLeg(row: LegRow): LegRecord {
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
