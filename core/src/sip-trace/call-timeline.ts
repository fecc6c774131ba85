/**
 * The event timeline of one call: the events of its ConnID from the durable event log, read by the time range
 * the call covers (the log is indexed by time, not by ConnID), so a lookup never scans the whole log.
 */
import type { TandemEvent } from "@tandem/sdk";
import type { EventLog } from "../bus/event-log.js";

/** Most events returned for one call (a call that bounced between many agents stays readable). */
export const MAX_TIMELINE_EVENTS = 1000;
/** Events emitted just after a call's end (EventReleased of the last party, after-call work) still belong to it. */
const GRACE_MS = 60_000;

export class CallTimeline {
  constructor(private readonly log: Pick<EventLog, "connectionEvents">) {}

  /** Events of `connId` between `startedAt` and `endedAt` (now for a call in progress), oldest first. */
  events(connId: string, startedAt: string, endedAt: string | undefined): TandemEvent[] {
    const from = new Date(Date.parse(startedAt) - 1000).toISOString();
    const to = new Date((endedAt === undefined ? Date.now() : Date.parse(endedAt)) + GRACE_MS).toISOString();
    // The log commits whatever it still holds in memory first, so the newest events are on disk to read.
    return this.log.connectionEvents(connId, from, to, MAX_TIMELINE_EVENTS);
  }
}
