/**
 * Call records through the SDK's storage, as a plugin keeps its own (tables `calls__calls`, one row per call, and
 * `calls__legs`, one per SIP leg). Rows are written at the few moments that matter (arrival, answer, end) so the
 * SIP path stays cheap, and they are queued writes (`PluginStorage.runInTurn`): made in order, in batches, by the
 * storage writer thread.
 */
import type { PluginStorage } from "@tandem/sdk";
import type { DialogRecord } from "../sip/index.js";
import { ALL_DIALOGS, FORGET_CALL_DIALOGS, FORGET_DIALOG, SAVE_DIALOG, toOpenDialog, type DialogParty, type DialogRow, type DialogSlot, type OpenCallDialog } from "./call-dialog-rows.js";
import { HIGHEST_LEG_ID, INSERT_LEG, LEGS_OF, UPDATE_LEG, toLeg, type LegRow } from "./call-leg-rows.js";
import { CALL_BY_CONN_ID, INSERT_CALL, OPEN_CALLS, UPDATE_COLUMNS, historyQuery, toCallRecord, type CallRow, type CallRowUpdate, type NewCallRow } from "./call-rows.js";
import { CALL_TABLE_MIGRATIONS } from "./call-tables.js";
import { CallState, type CallHistoryFilter, type CallRecord, type LegRecord } from "./call-types.js";

export { CALL_STORAGE_ID, LEGACY_CALL_TABLES } from "./call-tables.js";
export type { DialogParty, DialogSlot, OpenCallDialog } from "./call-dialog-rows.js";
export type { CallRowUpdate, NewCallRow } from "./call-rows.js";

export class CallStore {
  /** Calls with rows in the dialogs table, so calls that never had one cost no DELETE when they end. */
  private readonly withDialogs = new Set<string>();
  // Bind values of the writes made per answered leg and per ended call, reused (better-sqlite3 copies them as it
  // binds, synchronously): those paths allocate no array of their own, as they did not with bare statements.
  private readonly dialogRow: unknown[] = [null, null, null, null];
  private readonly dialogKey: unknown[] = [null, null];
  private readonly callKey: unknown[] = [null];

  /** The last leg id given: leg rows are queued writes, so their ids are given here rather than by SQLite. */
  private lastLegId: number;

  constructor(private readonly storage: PluginStorage) {
    storage.migrate(CALL_TABLE_MIGRATIONS);
    this.lastLegId = storage.get<{ id: number }>(HIGHEST_LEG_ID)?.id ?? 0;
  }

  /**
   * Writes (or rewrites, on a target refresh or a new leg) the dialog of one leg. Once per leg at answer, so the
   * SIP path stays cheap; the rows go when the call ends (`updateCall` with `endedAt`).
   */
  saveDialog(connId: string, role: DialogSlot, dialog: DialogRecord, party?: DialogParty): void {
    const tell = party ? JSON.stringify(party) : null;
    // A queued write, committed with the call row's answer: the 2xx this dialog follows was handed to the socket
    // before this runs either way, so a commit of its own only narrowed a window that kill -9 can hit anyway, at
    // the price of a WAL commit per answered leg. Everything a restart or an observer reads about the answer (the
    // event log commits the queued writes before its batch, so EventEstablished is never logged before its
    // dialogs) stays ordered after the commit.
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
    const key = this.dialogKey;
    key[0] = connId;
    key[1] = role;
    this.storage.runInTurn(FORGET_DIALOG, key);
  }

  /**
   * Every recorded dialog. Read at start, before any call of this process exists, it lists what earlier processes
   * left: calls that never ended, and calls closed as lost by a start that died before its BYEs were done.
   */
  leftoverDialogs(): OpenCallDialog[] {
    return this.storage.all<DialogRow>(ALL_DIALOGS).map(toOpenDialog);
  }

  /** Calls that no end was written for, with their legs (read before `closeOpenAsLost`). */
  openCalls(): CallRecord[] {
    return this.storage.all<CallRow>(OPEN_CALLS).map((row) => this.toRecord(row));
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
    // An ended call has no dialog left to end after a crash. Queued right after the end, so both are in one batch
    // (one transaction): a restart finds either the call open with its dialogs or ended without them. A kill -9
    // before that batch commits makes the restart BYE legs whose call had just ended; they answer 481, harmless
    // (RFC 3261 §12.2.2), and the call is closed as lost, as any call the crash caught.
    if (update.endedAt !== undefined && this.withDialogs.delete(connId)) {
      this.callKey[0] = connId;
      this.storage.runInTurn(FORGET_CALL_DIALOGS, this.callKey);
    }
  }

  /** Adds a leg; returns its row id for later updates. */
  addLeg(connId: string, leg: Pick<LegRecord, "role" | "dn" | "sipCallId" | "direction" | "startedAt">): number {
    const id = ++this.lastLegId;
    this.storage.runInTurn(INSERT_LEG, { id, connId, ...leg, dn: leg.dn ?? null });
    return id;
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
    const row = this.storage.get<CallRow>(CALL_BY_CONN_ID, [connId]);
    return row ? this.toRecord(row) : undefined;
  }

  history(filter: CallHistoryFilter): CallRecord[] {
    const { sql, params } = historyQuery(filter);
    return this.storage.all<CallRow>(sql, params).map((row) => this.toRecord(row));
  }

  private toRecord(row: CallRow): CallRecord {
    return toCallRecord(row, this.storage.all<LegRow>(LEGS_OF, [row.conn_id]).map(toLeg));
  }
}
