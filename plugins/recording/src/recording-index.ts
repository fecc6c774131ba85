/**
 * The index of recordings, one row per recording in the plugin's table `recording__recordings`. A row is written
 * before the file exists (`recording`) and changed to `complete` only after the file has its final name, so a file
 * is never in the folder without its row saying what it is; a recording that could not be finished is `failed`
 * with the error's code.
 */
import type { PluginStorage } from "@tandem/sdk";

export type RecordingStatus = "recording" | "complete" | "failed";

/** One party as the index keeps it: who, on which side, from when (and until when, once gone). */
export interface RecordedParty {
  dn: string;
  role: "customer" | "agent" | "destination";
  from: string;
  to?: string;
}

/** A paused stretch (silence in the file), ISO times; `to` is absent while paused. */
export interface RecordedPause {
  from: string;
  to?: string;
}

export interface RecordingRow {
  id: string;
  connId: string;
  status: RecordingStatus;
  /** What started it: `dn`, `queue`, `user-data`, `desktop`, `admin`. */
  trigger: string;
  /** File name inside the folder. */
  file: string;
  ani: string | null;
  dnis: string | null;
  agentDn: string | null;
  parties: RecordedParty[];
  startedAt: string;
  endedAt: string | null;
  pauses: RecordedPause[];
  sizeBytes: number | null;
  sha256: string | null;
  durationMs: number | null;
  pausedMs: number | null;
  errorCode: string | null;
  errorMessage: string | null;
}

export interface RecordingFilter {
  connId?: string;
  agentDn?: string;
  ani?: string;
  dnis?: string;
  status?: RecordingStatus;
  /** Started at or after (ISO). */
  from?: string;
  /** Started before (ISO). */
  to?: string;
  limit?: number;
  offset?: number;
}

interface Row {
  id: string;
  conn_id: string;
  status: RecordingStatus;
  trigger: string;
  file: string;
  ani: string | null;
  dnis: string | null;
  agent_dn: string | null;
  parties: string;
  started_at: string;
  ended_at: string | null;
  pauses: string;
  size_bytes: number | null;
  sha256: string | null;
  duration_ms: number | null;
  paused_ms: number | null;
  error_code: string | null;
  error_message: string | null;
}

const MIGRATIONS = [
  {
    version: 1,
    up: `CREATE TABLE {{recordings}} (
      id TEXT PRIMARY KEY,
      conn_id TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('recording', 'complete', 'failed')),
      trigger TEXT NOT NULL,
      file TEXT NOT NULL,
      ani TEXT, dnis TEXT, agent_dn TEXT,
      parties TEXT NOT NULL DEFAULT '[]',
      started_at TEXT NOT NULL,
      ended_at TEXT,
      pauses TEXT NOT NULL DEFAULT '[]',
      size_bytes INTEGER, sha256 TEXT, duration_ms INTEGER, paused_ms INTEGER,
      error_code TEXT, error_message TEXT
    );
    CREATE INDEX {{recordings}}_conn ON {{recordings}} (conn_id);
    CREATE INDEX {{recordings}}_started ON {{recordings}} (started_at);`,
  },
];

function fromRow(r: Row): RecordingRow {
  return {
    id: r.id,
    connId: r.conn_id,
    status: r.status,
    trigger: r.trigger,
    file: r.file,
    ani: r.ani,
    dnis: r.dnis,
    agentDn: r.agent_dn,
    parties: JSON.parse(r.parties) as RecordedParty[],
    startedAt: r.started_at,
    endedAt: r.ended_at,
    pauses: JSON.parse(r.pauses) as RecordedPause[],
    sizeBytes: r.size_bytes,
    sha256: r.sha256,
    durationMs: r.duration_ms,
    pausedMs: r.paused_ms,
    errorCode: r.error_code,
    errorMessage: r.error_message,
  };
}

export class RecordingIndex {
  private readonly t: string;

  constructor(private readonly storage: PluginStorage) {
    this.t = storage.table("recordings");
    storage.migrate(MIGRATIONS);
  }

  /** A recording that starts now (status `recording`). */
  begin(row: Pick<RecordingRow, "id" | "connId" | "trigger" | "file" | "ani" | "dnis" | "agentDn" | "parties" | "startedAt">): void {
    this.storage.run(
      `INSERT INTO ${this.t} (id, conn_id, status, trigger, file, ani, dnis, agent_dn, parties, started_at) VALUES (?, ?, 'recording', ?, ?, ?, ?, ?, ?, ?)`,
      [row.id, row.connId, row.trigger, row.file, row.ani, row.dnis, row.agentDn, JSON.stringify(row.parties), row.startedAt],
    );
  }

  setParties(id: string, parties: readonly RecordedParty[], agentDn: string | null): void {
    this.storage.run(`UPDATE ${this.t} SET parties = ?, agent_dn = COALESCE(?, agent_dn) WHERE id = ?`, [JSON.stringify(parties), agentDn, id]);
  }

  setPauses(id: string, pauses: readonly RecordedPause[]): void {
    this.storage.run(`UPDATE ${this.t} SET pauses = ? WHERE id = ?`, [JSON.stringify(pauses), id]);
  }

  complete(id: string, done: { endedAt: string; sizeBytes: number; sha256: string; durationMs: number; pausedMs: number }): void {
    this.storage.run(
      `UPDATE ${this.t} SET status = 'complete', ended_at = ?, size_bytes = ?, sha256 = ?, duration_ms = ?, paused_ms = ? WHERE id = ?`,
      [done.endedAt, done.sizeBytes, done.sha256, done.durationMs, done.pausedMs, id],
    );
  }

  fail(id: string, failure: { endedAt: string; code: string; message: string; sizeBytes?: number }): void {
    this.storage.run(`UPDATE ${this.t} SET status = 'failed', ended_at = ?, error_code = ?, error_message = ?, size_bytes = ? WHERE id = ?`, [
      failure.endedAt,
      failure.code,
      failure.message,
      failure.sizeBytes ?? null,
      id,
    ]);
  }

  get(id: string): RecordingRow | undefined {
    const row = this.storage.get<Row>(`SELECT * FROM ${this.t} WHERE id = ?`, [id]);
    return row ? fromRow(row) : undefined;
  }

  list(filter: RecordingFilter = {}): { total: number; recordings: RecordingRow[] } {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      where.push(sql);
      params.push(value);
    };
    if (filter.connId !== undefined) add("conn_id = ?", filter.connId);
    if (filter.agentDn !== undefined) {
      // Any agent that was on the recording, not only the first one (a transfer or conference adds others).
      where.push("(agent_dn = ? OR parties LIKE ?)");
      params.push(filter.agentDn, `%"dn":${JSON.stringify(filter.agentDn)},"role":"agent"%`);
    }
    if (filter.ani !== undefined) add("ani = ?", filter.ani);
    if (filter.dnis !== undefined) add("dnis = ?", filter.dnis);
    if (filter.status !== undefined) add("status = ?", filter.status);
    if (filter.from !== undefined) add("started_at >= ?", filter.from);
    if (filter.to !== undefined) add("started_at < ?", filter.to);
    const clause = where.length ? `WHERE ${where.join(" AND ")}` : "";
    const total = this.storage.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${this.t} ${clause}`, params)?.n ?? 0;
    const rows = this.storage.all<Row>(`SELECT * FROM ${this.t} ${clause} ORDER BY started_at DESC, id LIMIT ? OFFSET ?`, [...params, filter.limit ?? 100, filter.offset ?? 0]);
    return { total, recordings: rows.map(fromRow) };
  }

  /** Finished recordings (complete or failed) that started before `before` (ISO): what retention removes. */
  expired(before: string): RecordingRow[] {
    return this.storage.all<Row>(`SELECT * FROM ${this.t} WHERE status != 'recording' AND started_at < ? ORDER BY started_at`, [before]).map(fromRow);
  }

  /** Rows left `recording` by a process that stopped without finishing them. */
  unfinished(): RecordingRow[] {
    return this.storage.all<Row>(`SELECT * FROM ${this.t} WHERE status = 'recording'`).map(fromRow);
  }

  delete(id: string): boolean {
    return this.storage.run(`DELETE FROM ${this.t} WHERE id = ?`, [id]).changes > 0;
  }
}
