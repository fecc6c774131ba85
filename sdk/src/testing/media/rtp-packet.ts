/**
 * RTP fixed header (RFC 3550 §5.1): building the packets a test party sends and parsing what it receives.
 * Parsing skips CSRCs and a header extension (§5.3.1) and drops padding (§5.1, P bit), so audio from a
 * mixer that lists its contributors still decodes.
 */

export const RTP_VERSION = 2;
const FIXED_HEADER_BYTES = 12;

/** The fields of an RTP fixed header a test sets or reads. */
export interface RtpHeader {
  payloadType: number;
  /** 16-bit sequence number (§5.1). */
  sequenceNumber: number;
  /** 32-bit media timestamp, in the payload's clock (8000 Hz for G.711). */
  timestamp: number;
  ssrc: number;
  marker?: boolean;
  /** Contributing sources (§5.1 CSRC list), as a mixer puts them. */
  csrcs?: readonly number[];
}

/** A parsed packet: its header fields and its payload (CSRCs, extension and padding removed). */
export interface RtpPacket extends Required<RtpHeader> {
  payload: Uint8Array;
}

/** One RTP packet: V=2, no padding, no extension. */
export function buildRtpPacket(header: RtpHeader, payload: Uint8Array): Buffer {
  const csrcs = header.csrcs ?? [];
  const packet = Buffer.alloc(FIXED_HEADER_BYTES + 4 * csrcs.length + payload.length);
  packet[0] = (RTP_VERSION << 6) | (csrcs.length & 0x0f);
  packet[1] = ((header.marker ? 1 : 0) << 7) | (header.payloadType & 0x7f);
  packet.writeUInt16BE(header.sequenceNumber & 0xffff, 2);
  packet.writeUInt32BE(header.timestamp >>> 0, 4);
  packet.writeUInt32BE(header.ssrc >>> 0, 8);
  csrcs.forEach((csrc, i) => packet.writeUInt32BE(csrc >>> 0, FIXED_HEADER_BYTES + 4 * i));
  packet.set(payload, FIXED_HEADER_BYTES + 4 * csrcs.length);
  return packet;
}

/** The packet, or undefined when it is not RTP version 2 or its lengths do not add up. */
export function parseRtpPacket(data: Uint8Array): RtpPacket | undefined {
  if (data.length < FIXED_HEADER_BYTES) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const first = data[0] ?? 0;
  if (first >> 6 !== RTP_VERSION) return undefined;
  const second = data[1] ?? 0;
  // RFC 5761 §4: payload types 72–76 with the marker bit are RTCP on a multiplexed port, not media.
  if (second >= 200 && second <= 204) return undefined;
  const csrcCount = first & 0x0f;
  let offset = FIXED_HEADER_BYTES + 4 * csrcCount;
  if (offset > data.length) return undefined;
  const csrcs = Array.from({ length: csrcCount }, (_, i) => view.getUint32(FIXED_HEADER_BYTES + 4 * i));
  if (first & 0x10) {
    if (offset + 4 > data.length) return undefined;
    offset += 4 + 4 * view.getUint16(offset + 2);
  }
  let end = data.length;
  if (first & 0x20) end -= data[data.length - 1] ?? 0;
  if (offset > end) return undefined;
  return {
    payloadType: second & 0x7f,
    marker: (second & 0x80) !== 0,
    sequenceNumber: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
    csrcs,
    // A plain Uint8Array view, whether `data` was a Buffer or not.
    payload: new Uint8Array(data.buffer, data.byteOffset + offset, end - offset),
  };
}
