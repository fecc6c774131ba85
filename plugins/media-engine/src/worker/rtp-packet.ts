/**
 * RTP fixed header (RFC 3550 §5.1): parsing what parties send, with every length checked so that a malformed
 * packet is refused rather than read past its end, and writing the engine's own packets into a reused buffer.
 */

export const RTP_HEADER_BYTES = 12;

/** A parsed RTP packet; `payload` is a view into the received buffer. */
export interface RtpIn {
  readonly payloadType: number;
  readonly marker: boolean;
  readonly sequence: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly payload: Uint8Array;
}

/** The packet, or undefined when it is not well-formed RTP version 2 (§5.1, §5.3.1) or is RTCP (RFC 5761 §4). */
export function parseRtp(data: Buffer): RtpIn | undefined {
  if (data.length < RTP_HEADER_BYTES) return undefined;
  const first = data[0] as number;
  if (first >> 6 !== 2) return undefined;
  const second = data[1] as number;
  if (second >= 200 && second <= 204) return undefined;
  let offset = RTP_HEADER_BYTES + 4 * (first & 0x0f);
  if (first & 0x10) {
    if (offset + 4 > data.length) return undefined;
    offset += 4 + 4 * data.readUInt16BE(offset + 2);
  }
  let end = data.length;
  if (first & 0x20) {
    const padding = data[end - 1] as number;
    if (padding === 0) return undefined;
    end -= padding;
  }
  if (offset > end) return undefined;
  return {
    payloadType: second & 0x7f,
    marker: (second & 0x80) !== 0,
    sequence: data.readUInt16BE(2),
    timestamp: data.readUInt32BE(4),
    ssrc: data.readUInt32BE(8),
    payload: data.subarray(offset, end),
  };
}

/** Writes a V=2 header without CSRCs into `packet` (the payload follows at {@link RTP_HEADER_BYTES}). */
export function writeRtpHeader(packet: Buffer, payloadType: number, marker: boolean, sequence: number, timestamp: number, ssrc: number): void {
  packet[0] = 0x80;
  packet[1] = (marker ? 0x80 : 0) | (payloadType & 0x7f);
  packet.writeUInt16BE(sequence & 0xffff, 2);
  packet.writeUInt32BE(timestamp >>> 0, 4);
  packet.writeUInt32BE(ssrc >>> 0, 8);
}

/** True when sequence number `a` comes after `b`, modulo 2^16 (RFC 3550 Appendix A.1). */
export function seqAfter(a: number, b: number): boolean {
  const d = (a - b) & 0xffff;
  return d !== 0 && d < 0x8000;
}
