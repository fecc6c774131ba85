/**
 * The event timeline of one call: the events of its ConnID from the durable event log, read by the time range
 * the call covers (the log is indexed by time, not by ConnID), so a lookup never scans the whole log.
 */
import type Database from "better-sqlite3";
import type { EventBus, EventData, EventName, TandemEvent } from "@tandem/sdk";

/** Most events returned for one call (a call that bounced between many agents stays readable). */
export const MAX_TIMELINE_EVENTS = 1000;
/** Events emitted just after a call's end (EventReleased of the last party, after-call work) still belong to it. */
const GRACE_MS = 60_000;

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

export class CallTimeline {
  private readonly query: Database.Statement<[string, string, string, number], EventRow>;

  constructor(db: Database.Database, private readonly bus: EventBus) {
    this.query = db.prepare(
      "SELECT * FROM core__events WHERE ts >= ? AND ts <= ? AND conn_id = ? ORDER BY seq LIMIT ?",
    );
  }

  /** Events of `connId` between `startedAt` and `endedAt` (now for a call in progress), oldest first. */
  events(connId: string, startedAt: string, endedAt: string | undefined): TandemEvent[] {
    // lastSeq commits whatever the log still holds in memory, so the newest events are on disk to read.
    this.bus.lastSeq();
    const from = new Date(Date.parse(startedAt) - 1000).toISOString();
    const to = new Date((endedAt === undefined ? Date.now() : Date.parse(endedAt)) + GRACE_MS).toISOString();
    return this.query.all(from, to, connId, MAX_TIMELINE_EVENTS).map(toEvent);
  }
}

function toEvent(row: EventRow): TandemEvent {
  return {
    seq: row.seq,
    ts: row.ts,
    name: row.name as EventName,
    ...(row.dn !== null ? { dn: row.dn } : {}),
    ...(row.conn_id !== null ? { connId: row.conn_id } : {}),
    ...(row.source !== null ? { source: row.source } : {}),
    ...(row.reference_id !== null ? { referenceId: row.reference_id } : {}),
    data: JSON.parse(row.data) as EventData,
  };
}
