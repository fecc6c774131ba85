/**
 * What arrived of each RTP stream (one per SSRC, RFC 3550 §8): packets, losses, duplicates and reordering
 * from the sequence numbers, extended over 16-bit wrap-around as in RFC 3550 Appendix A.1, and arrival times.
 */
import type { RtpPacket } from "./rtp-packet.js";

/** One RTP packet as it arrived at a party. */
export interface RtpArrival {
  packet: RtpPacket;
  /** Monotonic arrival time, `performance.now()` ms. */
  arrivalMs: number;
  from: { address: string; port: number };
}

/** What arrived of one SSRC. */
export interface RtpStreamStats {
  ssrc: number;
  payloadTypes: number[];
  received: number;
  /** Distinct sequence numbers between the first and highest seen, inclusive (RFC 3550 §6.4.1 "expected"). */
  expected: number;
  lost: number;
  duplicates: number;
  /** Packets that arrived after one with a higher sequence number. */
  reordered: number;
  firstArrivalMs: number;
  lastArrivalMs: number;
  /** Longest time between two consecutive arrivals, ms: a stall the loss count alone does not show. */
  maxGapMs: number;
}

/** Extends 16-bit sequence numbers to a monotonic counter, choosing the cycle nearest the previous one. */
export function extendSequence(previous: number | undefined, seq: number): number {
  if (previous === undefined) return seq;
  const cycle = previous - (previous & 0xffff);
  const candidates = [cycle - 0x10000 + seq, cycle + seq, cycle + 0x10000 + seq];
  let best = candidates[1] ?? seq;
  for (const c of candidates) if (Math.abs(c - previous) < Math.abs(best - previous)) best = c;
  return best;
}

/** Statistics of every SSRC in `arrivals` (in arrival order). */
export function rtpStreamStats(arrivals: readonly RtpArrival[]): RtpStreamStats[] {
  const bySsrc = new Map<number, RtpArrival[]>();
  for (const a of arrivals) {
    const list = bySsrc.get(a.packet.ssrc) ?? [];
    list.push(a);
    bySsrc.set(a.packet.ssrc, list);
  }
  return [...bySsrc.entries()].map(([ssrc, list]) => statsOf(ssrc, list));
}

function statsOf(ssrc: number, list: readonly RtpArrival[]): RtpStreamStats {
  const seen = new Set<number>();
  const payloadTypes = new Set<number>();
  let last: number | undefined;
  let highest = -Infinity;
  let lowest = Infinity;
  let duplicates = 0;
  let reordered = 0;
  let maxGapMs = 0;
  let previousArrival: number | undefined;
  for (const a of list) {
    const ext = extendSequence(last, a.packet.sequenceNumber);
    last = ext;
    payloadTypes.add(a.packet.payloadType);
    if (seen.has(ext)) duplicates++;
    else if (ext < highest) reordered++;
    seen.add(ext);
    highest = Math.max(highest, ext);
    lowest = Math.min(lowest, ext);
    if (previousArrival !== undefined) maxGapMs = Math.max(maxGapMs, a.arrivalMs - previousArrival);
    previousArrival = a.arrivalMs;
  }
  const expected = highest - lowest + 1;
  return {
    ssrc,
    payloadTypes: [...payloadTypes],
    received: list.length,
    expected,
    lost: expected - seen.size,
    duplicates,
    reordered,
    firstArrivalMs: list[0]?.arrivalMs ?? 0,
    lastArrivalMs: list[list.length - 1]?.arrivalMs ?? 0,
    maxGapMs,
  };
}
