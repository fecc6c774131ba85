/**
 * RTCP (RFC 3550 §6): the engine sends each party a compound packet of a sender report (§6.4.1) and an SDES
 * CNAME (§6.5.1) — the minimum §6.1 asks for — and accepts only packets that start like one (version 2, a
 * report type first, §6.1 / Appendix A.2) from the party's signalled host.
 */

const NTP_EPOCH_OFFSET_S = 2_208_988_800;

/** True when `data` starts as a valid compound RTCP packet: version 2, SR or RR first, a length that fits. */
export function looksLikeRtcp(data: Buffer): boolean {
  if (data.length < 8) return false;
  const first = data[0] as number;
  const type = data[1] as number;
  if (first >> 6 !== 2 || (type !== 200 && type !== 201)) return false;
  return (data.readUInt16BE(2) + 1) * 4 <= data.length;
}

/** What a sender report tells about the stream sent so far. */
export interface SenderState {
  readonly ssrc: number;
  readonly rtpTimestamp: number;
  readonly packets: number;
  readonly octets: number;
}

/** A compound SR + SDES CNAME packet. */
export function senderReport(state: SenderState, cname: string): Buffer {
  const name = Buffer.from(cname, "utf8").subarray(0, 255);
  // SDES chunk: SSRC, CNAME item (type 1, length, text), then a null end item, padded to 32 bits (§6.5).
  const chunkBytes = Math.ceil((4 + 2 + name.length + 1) / 4) * 4;
  const packet = Buffer.alloc(28 + 4 + chunkBytes);
  packet[0] = 0x80;
  packet[1] = 200;
  packet.writeUInt16BE(6, 2);
  packet.writeUInt32BE(state.ssrc >>> 0, 4);
  const now = Date.now();
  packet.writeUInt32BE((Math.floor(now / 1000) + NTP_EPOCH_OFFSET_S) >>> 0, 8);
  packet.writeUInt32BE(Math.floor(((now % 1000) / 1000) * 2 ** 32) >>> 0, 12);
  packet.writeUInt32BE(state.rtpTimestamp >>> 0, 16);
  packet.writeUInt32BE(state.packets >>> 0, 20);
  packet.writeUInt32BE(state.octets >>> 0, 24);
  const sdes = 28;
  packet[sdes] = 0x81;
  packet[sdes + 1] = 202;
  packet.writeUInt16BE(chunkBytes / 4, sdes + 2);
  packet.writeUInt32BE(state.ssrc >>> 0, sdes + 4);
  packet[sdes + 8] = 1;
  packet[sdes + 9] = name.length;
  name.copy(packet, sdes + 10);
  return packet;
}
