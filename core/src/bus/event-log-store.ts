/** SQL of the event log: one table keyed by seq, batched inserts, range reads, pruning by time. */
import type Database from "better-sqlite3";
import type { EventData, EventName, TandemEvent } from "@tandem/sdk";
import { commitTurnWrites, settleTurnWrites } from "../storage/turn-writes.js";

interface EventRow {
  seq: number;
  ts: string;
  name: string;
  dn: string | null;
  conn_id: string | null;
  source: string | null;
  reference_id: string | null;
  data: string;
}

export class EventLogStore {
  /**
   * AUTOINCREMENT makes SQLite remember the highest seq ever stored (in `sqlite_sequence`), so seq keeps rising
   * after a restart even when pruning emptied the table.
   */
  static readonly MIGRATIONS = [
    {
      version: 1,
      up: `
        CREATE TABLE core__events (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          ts TEXT NOT NULL,
          name TEXT NOT NULL,
          dn TEXT,
          conn_id TEXT,
          source TEXT,
          reference_id TEXT,
          data TEXT NOT NULL
        );
        CREATE INDEX core__events_ts ON core__events (ts);
      `,
    },
  ] as const;

  private readonly insert;
  private readonly readAfter;
  private readonly readConnection;
  private readonly deleteOld;
  private readonly writeBatch: (events: readonly TandemEvent[], data: readonly string[]) => void;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      "INSERT INTO core__events (seq, ts, name, dn, conn_id, source, reference_id, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.readAfter = db.prepare<[number, number], EventRow>("SELECT * FROM core__events WHERE seq > ? ORDER BY seq LIMIT ?");
    this.readConnection = db.prepare<[string, string, string, number], EventRow>(
      "SELECT * FROM core__events WHERE ts >= ? AND ts <= ? AND conn_id = ? ORDER BY seq LIMIT ?",
    );
    this.deleteOld = db.prepare<[string]>("DELETE FROM core__events WHERE ts < ?");
    this.writeBatch = db.transaction((events: readonly TandemEvent[], data: readonly string[]) => {
      for (const [i, e] of events.entries()) {
        this.insert.run(
          e.seq,
          e.ts,
          e.name,
          e.dn ?? null,
          e.connId ?? null,
          e.source ?? null,
          e.referenceId ?? null,
          data[i] ?? JSON.stringify(e.data),
        );
      }
    });
  }

  /** Highest seq ever stored, pruned or not (0 for a new database). */
  highestSeq(): number {
    settleTurnWrites(this.db);
    const max = this.db.prepare("SELECT MAX(seq) AS seq FROM core__events").get() as { seq: number | null };
    const seqRow = this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'core__events'").get() as
      | { seq: number }
      | undefined;
    return Math.max(max.seq ?? 0, seqRow?.seq ?? 0);
  }

  /** `ts` of the newest stored event (undefined for an empty log). */
  lastTs(): string | undefined {
    settleTurnWrites(this.db);
    const row = this.db.prepare("SELECT ts FROM core__events ORDER BY seq DESC LIMIT 1").get() as { ts: string } | undefined;
    return row?.ts;
  }

  /**
   * Inserts a batch in one transaction; `data` holds each event's data already as JSON. `recordsCommitted`: the
   * caller runs where every queued record write is committed (`afterTurnWrites`), so there is nothing to wait for.
   */
  write(events: readonly TandemEvent[], data: readonly string[], recordsCommitted = false): void {
    if (recordsCommitted) return this.writeBatch(events, data);
    // Its own transaction, after the queued record writes are committed (an event never stored before the records it
    // follows), and committed when this returns (seqs become visible).
    commitTurnWrites(this.db);
    this.writeBatch(events, data);
  }

  read(after: number, limit: number): TandemEvent[] {
    settleTurnWrites(this.db);
    return this.readAfter.all(after, limit).map(toEvent);
  }

  /**
   * Events of `connId` with `ts` from `fromIso` to `toIso`, oldest first, at most `limit`: read by the time
   * range (the log is indexed by time, not by ConnID), so a lookup never scans the whole log.
   */
  readConnectionBetween(connId: string, fromIso: string, toIso: string, limit: number): TandemEvent[] {
    settleTurnWrites(this.db);
    return this.readConnection.all(fromIso, toIso, connId, limit).map(toEvent);
  }

  deleteBefore(cutoffIso: string): number {
    settleTurnWrites(this.db);
    return this.deleteOld.run(cutoffIso).changes;
  }
}

function toEvent(row: EventRow): TandemEvent {
  return {
    seq: row.seq,
    ts: row.ts,
    name: row.name as EventName,
    ...(row.dn === null ? {} : { dn: row.dn }),
    ...(row.conn_id === null ? {} : { connId: row.conn_id }),
    ...(row.source === null ? {} : { source: row.source }),
    ...(row.reference_id === null ? {} : { referenceId: row.reference_id }),
    data: JSON.parse(row.data) as EventData,
  };
}
