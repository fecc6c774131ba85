/**
 * The call model's tables (`calls__calls`, one row per call; `calls__legs`, one per SIP leg; `calls__dialogs`, the
 * dialogs of answered calls) and their migrations, under the storage id the call model keeps them by.
 */

/** The storage id of the call model: its tables are `calls__<name>`. */
export const CALL_STORAGE_ID = "calls";

/**
 * The tables the call model made before its storage was namespaced (scope `core.calls`, version 3), renamed in
 * place to the names below when such a database is opened (storage/area-storage.ts).
 */
export const LEGACY_CALL_TABLES = { scope: "core.calls", tables: { calls: "calls", call_legs: "legs", call_dialogs: "dialogs" } } as const;

// The index names are the ones the first tables had; a database taken over keeps them, so new ones get them too.
export const CALL_TABLE_MIGRATIONS = [
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
