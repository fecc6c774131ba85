/**
 * Rows of `calls__dialogs`: the dialog of each answered leg of a call, kept so a restart after a crash can send
 * each leg its BYE (dialog-record.ts), and whom to tell that the leg is gone.
 */
import type { DialogRecord } from "../sip/index.js";

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

export interface DialogRow {
  conn_id: string;
  role: DialogSlot;
  dialog: string;
  tell: string | null;
}

export const SAVE_DIALOG = "INSERT OR REPLACE INTO {{dialogs}} (conn_id, role, dialog, tell) VALUES (?, ?, ?, ?)";
export const FORGET_DIALOG = "DELETE FROM {{dialogs}} WHERE conn_id = ? AND role = ?";
export const FORGET_CALL_DIALOGS = "DELETE FROM {{dialogs}} WHERE conn_id = ?";
export const ALL_DIALOGS = "SELECT conn_id, role, dialog, tell FROM {{dialogs}} ORDER BY rowid";

export function toOpenDialog(row: DialogRow): OpenCallDialog {
  return {
    connId: row.conn_id,
    role: row.role,
    dialog: JSON.parse(row.dialog) as DialogRecord,
    ...(row.tell === null ? {} : { party: JSON.parse(row.tell) as DialogParty }),
  };
}
