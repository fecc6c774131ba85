/**
 * RFC 4733 telephone-events (DTMF) in RTP: the 4-byte payload (§2.3), and the packets of one event as a
 * phone sends them: one per 20 ms with the same timestamp (the event's start) and a growing duration, the
 * first with the marker bit (§2.5.1.2), then the end packet three times (§2.5.1.4).
 */
import type { RtpArrival } from "./rtp-stream-stats.js";

/** The usual dynamic payload type of telephone-event (`a=rtpmap:101 telephone-event/8000`). */
export const TELEPHONE_EVENT_PAYLOAD_TYPE = 101;

const DIGITS = "0123456789*#ABCD";

/** The RFC 4733 §3.2 event code of a DTMF key (`0-9`, `*`, `#`, `A-D`). */
export function eventCode(key: string): number {
  const code = DIGITS.indexOf(key.toUpperCase());
  if (key.length !== 1 || code < 0) throw new RangeError(`not a DTMF key: ${key}`);
  return code;
}

/** The DTMF key of an event code, or the code itself for other events. */
export function eventKey(code: number): string {
  return DIGITS[code] ?? String(code);
}

/** The fields of a telephone-event payload. */
export interface TelephoneEvent {
  code: number;
  end: boolean;
  /** Power level, 0 to −63 dBm0 given as 0–63. */
  volume: number;
  /** In timestamp units (8000 per second). */
  duration: number;
}

/** The 4-byte payload of one telephone-event packet (RFC 4733 §2.3). */
export function encodeTelephoneEvent(event: TelephoneEvent): Uint8Array {
  const duration = Math.min(0xffff, event.duration);
  return Uint8Array.of(event.code & 0xff, (event.end ? 0x80 : 0) | (event.volume & 0x3f), duration >> 8, duration & 0xff);
}

/** The payload's fields, or undefined when it is shorter than 4 bytes. */
export function parseTelephoneEvent(payload: Uint8Array): TelephoneEvent | undefined {
  if (payload.length < 4) return undefined;
  const [code = 0, flags = 0, high = 0, low = 0] = payload;
  return { code, end: (flags & 0x80) !== 0, volume: flags & 0x3f, duration: (high << 8) | low };
}

/** The payloads of one event, one per 20 ms packet: growing durations, then the end packet three times. */
export function telephoneEventPayloads(key: string, durationMs: number, volume = 10): Uint8Array[] {
  const code = eventCode(key);
  const packets = Math.max(1, Math.round(durationMs / 20));
  const payloads = Array.from({ length: packets }, (_, i) => encodeTelephoneEvent({ code, end: false, volume, duration: (i + 1) * 160 }));
  const end = encodeTelephoneEvent({ code, end: true, volume, duration: packets * 160 });
  return [...payloads, end, end, end];
}

/** One event as received: its key, final duration and how many packets carried it. */
export interface ReceivedTelephoneEvent {
  ssrc: number;
  key: string;
  durationMs: number;
  packets: number;
  /** Whether its first packet had the marker bit. */
  marker: boolean;
  /** Whether an end packet arrived. */
  ended: boolean;
}

/** The events in `arrivals` of `payloadType`, one per SSRC and start timestamp (RFC 4733 §2.5.2.1), in order. */
export function telephoneEventsIn(arrivals: readonly RtpArrival[], payloadType = TELEPHONE_EVENT_PAYLOAD_TYPE): ReceivedTelephoneEvent[] {
  const events = new Map<string, ReceivedTelephoneEvent>();
  for (const { packet } of arrivals) {
    if (packet.payloadType !== payloadType) continue;
    const fields = parseTelephoneEvent(packet.payload);
    if (!fields) continue;
    const id = `${packet.ssrc}/${packet.timestamp}`;
    const seen = events.get(id);
    const durationMs = fields.duration / 8;
    if (seen) {
      seen.packets++;
      seen.durationMs = Math.max(seen.durationMs, durationMs);
      seen.ended ||= fields.end;
    } else events.set(id, { ssrc: packet.ssrc, key: eventKey(fields.code), durationMs, packets: 1, marker: packet.marker, ended: fields.end });
  }
  return [...events.values()];
}
