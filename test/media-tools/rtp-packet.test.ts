/**
 * RTP packets (RFC 3550 §5.1) built and parsed, including what a mixer or another stack may add (CSRCs,
 * a header extension, padding), anything that is not RTP v2 refused; and per-SSRC loss, duplicate and
 * reordering counts across a 16-bit sequence wrap (RFC 3550 Appendix A.1).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildRtpPacket, extendSequence, parseRtpPacket, type RtpArrival, rtpStreamStats } from "@tandem/sdk/testing/media";

const PAYLOAD = Uint8Array.from({ length: 160 }, (_, i) => i);

describe("RTP packets", { timeout: 300_000 }, () => {
  it("round-trips the fixed header, marker and CSRC list", () => {
    const header = { payloadType: 8, sequenceNumber: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef, marker: true, csrcs: [1, 0xffffffff] };
    const packet = buildRtpPacket(header, PAYLOAD);
    assert.equal(packet.length, 12 + 8 + 160);
    assert.equal(packet[0], 0x82, "V=2, CC=2");
    assert.deepEqual(parseRtpPacket(packet), { ...header, payload: PAYLOAD });
  });

  it("skips a header extension and drops padding", () => {
    const base = buildRtpPacket({ payloadType: 0, sequenceNumber: 7, timestamp: 160, ssrc: 42 }, Uint8Array.of(1, 2, 3));
    const extension = Buffer.from([0xbe, 0xde, 0x00, 0x01, 0xaa, 0xbb, 0xcc, 0xdd]);
    const padded = Buffer.concat([base.subarray(0, 12), extension, base.subarray(12), Buffer.from([0, 0, 3])]);
    padded[0] = (padded[0] ?? 0) | 0x30;
    assert.deepEqual(parseRtpPacket(padded)?.payload, Uint8Array.of(1, 2, 3));
  });

  it("refuses what is not RTP version 2 or does not add up", () => {
    const good = buildRtpPacket({ payloadType: 0, sequenceNumber: 1, timestamp: 1, ssrc: 1 }, PAYLOAD);
    const v1 = Buffer.from(good);
    v1[0] = 0x40;
    const rtcp = Buffer.from(good);
    rtcp[1] = 200;
    const tooManyCsrcs = Buffer.from(good.subarray(0, 16));
    tooManyCsrcs[0] = 0x8f;
    const overPadded = Buffer.from(good);
    overPadded[0] = 0xa0;
    overPadded[overPadded.length - 1] = 250;
    for (const bad of [good.subarray(0, 11), v1, rtcp, tooManyCsrcs, overPadded]) assert.equal(parseRtpPacket(bad), undefined);
  });
});

describe("RTP stream statistics", { timeout: 300_000 }, () => {
  it("extends sequence numbers across the 16-bit wrap, both ways", () => {
    assert.equal(extendSequence(undefined, 65530), 65530);
    assert.equal(extendSequence(65535, 0), 65536);
    assert.equal(extendSequence(65536, 65535), 65535);
    assert.equal(extendSequence(131071, 2), 131074);
  });

  it("counts losses, duplicates and reordering per SSRC across the wrap", () => {
    const arrival = (ssrc: number, sequenceNumber: number, arrivalMs: number): RtpArrival => ({
      packet: { payloadType: 0, sequenceNumber, timestamp: 0, ssrc, marker: false, csrcs: [], payload: PAYLOAD },
      arrivalMs,
      from: { address: "127.0.0.1", port: 1 },
    });
    const seqs = [65533, 65534, 0, 65535, 2, 2, 3];
    const arrivals = [...seqs.map((s, i) => arrival(1, s, i * 20)), arrival(2, 10, 0), arrival(2, 11, 300)];
    const [a, b] = rtpStreamStats(arrivals);
    assert.deepEqual(
      { received: a?.received, expected: a?.expected, lost: a?.lost, duplicates: a?.duplicates, reordered: a?.reordered },
      { received: 7, expected: 7, lost: 1, duplicates: 1, reordered: 1 },
    );
    assert.equal(a?.maxGapMs, 20);
    assert.deepEqual([b?.ssrc, b?.received, b?.lost, b?.maxGapMs], [2, 2, 0, 300]);
  });
});
