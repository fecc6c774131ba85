/**
 * The recording events, one per request kind, numbered as Genesys numbers the private services and their events
 * (3013 start, 3014 stop, 3015 suspend, 3016 resume); a recording that ends on its own error is
 * EventRecordingFailed (with EventError for the desktop) and carries 3014 too, since it stopped.
 */
import { RECORDING_PRIVATE_SERVICES as RECORDING_PRIVATE_SERVICE, type EventBus, type EventData } from "@tandem/sdk";

export type RecordingEventName = "EventRecordingStarted" | "EventRecordingStopped" | "EventRecordingPaused" | "EventRecordingResumed" | "EventRecordingFailed";

const PRIVATE_ID: Record<RecordingEventName, number> = {
  EventRecordingStarted: RECORDING_PRIVATE_SERVICE.start,
  EventRecordingStopped: RECORDING_PRIVATE_SERVICE.stop,
  EventRecordingFailed: RECORDING_PRIVATE_SERVICE.stop,
  EventRecordingPaused: RECORDING_PRIVATE_SERVICE.pause,
  EventRecordingResumed: RECORDING_PRIVATE_SERVICE.resume,
};

/** Who asked (echoed on the event): a desktop request's DN and referenceId, or the trigger's name. */
export interface RequestOrigin {
  readonly source: string;
  readonly dn?: string;
  readonly referenceId?: string;
}

export function emitRecordingEvent(bus: EventBus, name: RecordingEventName, where: { connId: string; dn?: string | null }, origin: RequestOrigin, data: EventData): void {
  const dn = origin.dn ?? where.dn ?? undefined;
  bus.emit(name, {
    connId: where.connId,
    source: origin.source,
    ...(dn ? { dn } : {}),
    ...(origin.referenceId ? { referenceId: origin.referenceId } : {}),
    data: { privateEventId: PRIVATE_ID[name], ...data },
  });
}
