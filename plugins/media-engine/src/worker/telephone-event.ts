/**
 * RFC 4733 telephone-events (DTMF) as parties send them: one event is a run of packets with the same RTP timestamp,
 * the last ones with the E bit (§2.3.9), usually sent three times (§2.5.1.4). The event is reported once, when the
 * first end packet arrives.
 */

const NAMES = "0123456789*#ABCD";

/** The event's name: `0-9`, `*`, `#`, `A-D` (§3.2), else its number. */
export function eventName(code: number): string {
  return code < NAMES.length ? NAMES.charAt(code) : String(code);
}

/** An ended event, once. */
export interface EndedEvent {
  readonly event: string;
  readonly durationMs: number;
}

export class TelephoneEventDetector {
  private lastEnded = -1;

  /** Feeds one packet's payload and RTP timestamp; answers the event the first time its end is seen. */
  take(payload: Uint8Array, timestamp: number, clockRate = 8000): EndedEvent | undefined {
    if (payload.length < 4) return undefined;
    const ended = ((payload[1] as number) & 0x80) !== 0;
    if (!ended || timestamp === this.lastEnded) return undefined;
    this.lastEnded = timestamp;
    const duration = ((payload[2] as number) << 8) | (payload[3] as number);
    return { event: eventName(payload[0] as number), durationMs: Math.round((duration * 1000) / clockRate) };
  }
}
