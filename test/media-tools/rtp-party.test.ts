/**
 * RTP test parties on 127.0.0.1: a tone stream sent by one is heard by the other, paced in real time and
 * without loss; two senders into one party are heard as their mixture; a lost packet is counted and leaves
 * silence where it belonged on the time line, and a late-read backlog does not shift it; close releases the port.
 */
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { after, describe, it } from "node:test";
import { assembleAudio, describeSegments, detectTones, fractionHearing, type RtpArrival, RtpParty, silentSpans, telephoneEventsIn, toneFrames, toneSegments, toneSpans } from "@tandem/sdk/testing/media";
import { until } from "../support/until.js";

const CANDIDATES = [400, 600, 800, 1000, 1200];
const parties: RtpParty[] = [];
after(() => Promise.all(parties.map((p) => p.close())));

async function party(codec: "PCMU" | "PCMA" = "PCMU"): Promise<RtpParty> {
  const p = await RtpParty.open({ codec });
  parties.push(p);
  return p;
}

describe("RTP test party", { timeout: 300_000 }, () => {
  it("sends a tone in real time that the other party hears whole, both ways at once", async () => {
    const [a, b] = [await party("PCMU"), await party("PCMA")];
    const started = a.now();
    const toB = a.sendTone({ to: { port: b.port }, frequencies: [600], durationMs: 1000 });
    const toA = b.sendTone({ to: { port: a.port }, frequencies: [1000, 1200], durationMs: 1000 });
    await Promise.all([toB.done, toA.done]);
    const tookMs = a.now() - started;
    assert.ok(tookMs >= 960, `paced in real time: 50 frames took ${tookMs} ms`);
    await until(() => a.arrivals.length >= 50 && b.arrivals.length >= 50, 3000, "all 50 frames each way");

    const [stats] = b.streams();
    assert.deepEqual([stats?.ssrc, stats?.received, stats?.lost, stats?.duplicates, stats?.payloadTypes], [toB.ssrc, 50, 0, 0, [0]]);
    assert.deepEqual(a.streams()[0]?.payloadTypes, [8]);
    const heardByB = detectTones(b.audio().pcm, { frequencies: CANDIDATES });
    const heardByA = detectTones(a.audio().pcm, { frequencies: CANDIDATES });
    assert.equal(fractionHearing(heardByB, [600]), 1, describeSegments(toneSegments(heardByB)));
    assert.equal(fractionHearing(heardByA, [1000, 1200]), 1, describeSegments(toneSegments(heardByA)));
  });

  it("hears two senders at once as their mixture, and each stream alone by SSRC", async () => {
    const [listener, x, y] = [await party(), await party(), await party()];
    const sx = x.sendTone({ to: { port: listener.port }, frequencies: [400], durationMs: 800 });
    const sy = y.sendTone({ to: { port: listener.port }, frequencies: [800], durationMs: 800 });
    await Promise.all([sx.done, sy.done]);
    await until(() => listener.arrivals.length >= 80, 3000, "both streams");
    const audio = listener.audio();
    // The first and last windows may hold one stream only: the two did not start at the same instant.
    const windows = detectTones(audio.pcm, { frequencies: CANDIDATES, startMs: audio.startMs });
    assert.ok(fractionHearing(windows, [400, 800], audio.startMs + 100, audio.startMs + 700) === 1, describeSegments(toneSegments(windows)));
    const onlyY = detectTones(listener.audio({ ssrc: sy.ssrc }).pcm, { frequencies: CANDIDATES });
    assert.equal(fractionHearing(onlyY, [800]), 1);
    assert.equal(listener.streams().length, 2);
  });

  it("a paused stream keeps its SSRC and sequence, its clock runs on, and the packet after the pause has the marker", async () => {
    const [a, b] = [await party(), await party()];
    const stream = a.sendTone({ to: { port: b.port }, frequencies: [800] });
    await until(() => b.arrivals.length >= 15, 3000, "the first 300 ms");
    stream.pause();
    await new Promise((r) => setTimeout(r, 400));
    const beforeResume = b.arrivals.length;
    stream.resume();
    await until(() => b.arrivals.length >= beforeResume + 15, 3000, "300 ms after the pause");
    stream.stop();
    await stream.done;
    const [stats] = b.streams();
    assert.deepEqual([b.streams().length, stats?.lost], [1, 0]);
    const markers = b.arrivals.filter((x) => x.packet.marker).length;
    assert.equal(markers, 2, "the first packet and the first after the pause");
    const gaps = silentSpans(detectTones(b.audio().pcm, { frequencies: CANDIDATES }));
    assert.equal(gaps.length, 1, "the pause is one silent stretch on the time line");
    assert.ok((gaps[0]?.toMs ?? 0) - (gaps[0]?.fromMs ?? 0) >= 300, JSON.stringify(gaps));
  });

  it("ignores datagrams that are not RTP, and releases its port on close", async () => {
    const p = await RtpParty.open();
    const socket = createSocket("udp4");
    await new Promise<void>((resolve) => socket.send(Buffer.from("not rtp"), p.port, "127.0.0.1", () => resolve()));
    await until(() => p.notRtp === 1, 2000, "the datagram");
    assert.equal(p.arrivals.length, 0);
    await p.close();
    socket.close();
    const again = await RtpParty.open({ port: p.port });
    await again.close();
  });
});

describe("received audio", { timeout: 300_000 }, () => {
  it("places frames by RTP timestamp: a lost packet is counted and leaves 20 ms of silence", () => {
    const frames = toneFrames("PCMU", [600], 1000);
    const arrivals: RtpArrival[] = frames.flatMap((payload, i) =>
      i === 25
        ? []
        : [{ packet: { payloadType: 0, sequenceNumber: (65500 + i) & 0xffff, timestamp: (0xfffff000 + i * 160) >>> 0, ssrc: 9, marker: false, csrcs: [], payload }, arrivalMs: 5000 + i * 20 + (i % 3), from: { address: "127.0.0.1", port: 1 } }],
    );
    const audio = assembleAudio(arrivals);
    assert.equal(audio.startMs, 5000);
    assert.equal(audio.pcm.length, 8000, "the time stamps wrapped past 2^32 and the time line still runs on");
    const windows = detectTones(audio.pcm, { frequencies: CANDIDATES, windowMs: 20, startMs: audio.startMs });
    assert.deepEqual(silentSpans(windows), [{ fromMs: 5500, toMs: 5520 }]);
    assert.equal(fractionHearing(windows, [600], 5000, 5500), 1);
  });

  it("a receiver that stalled and read a backlog at once does not shift the time line", () => {
    const frames = toneFrames("PCMA", [1000], 1000);
    // The first 10 frames were read together 200 ms late; the rest arrived on time.
    const arrivals: RtpArrival[] = frames.map((payload, i) => ({
      packet: { payloadType: 8, sequenceNumber: i, timestamp: i * 160, ssrc: 3, marker: false, csrcs: [], payload },
      arrivalMs: i < 10 ? 5200 : 5000 + i * 20,
      from: { address: "127.0.0.1", port: 1 },
    }));
    const audio = assembleAudio(arrivals);
    assert.equal(audio.startMs, 5000);
    assert.equal(audio.pcm.length, 8000);
  });
});

describe("telephone-events", { timeout: 300_000 }, () => {
  it("a DTMF key goes out in the tone's stream per RFC 4733: same SSRC and sequence, one start time, marker first, the end three times", async () => {
    const [a, b] = [await party(), await party()];
    const stream = a.sendTone({ to: { port: b.port }, frequencies: [600], durationMs: 800 });
    await new Promise((r) => setTimeout(r, 200));
    await stream.sendEvent("5", 100);
    await stream.sendEvent("#", 60);
    await stream.done;
    await until(() => b.arrivals.length >= 40, 3000, "the stream");
    const events = telephoneEventsIn(b.arrivals);
    assert.deepEqual(
      events.map((e) => [e.ssrc, e.key, e.durationMs, e.packets, e.marker, e.ended]),
      [
        [stream.ssrc, "5", 100, 8, true, true],
        [stream.ssrc, "#", 60, 6, true, true],
      ],
    );
    const [stats] = b.streams();
    assert.deepEqual([b.streams().length, stats?.lost, stats?.payloadTypes.sort((x, y) => x - y)], [1, 0, [0, 101]]);
    // The events take the place of audio frames: the tone before them, none during, the tone after.
    const heard = detectTones(b.audio().pcm, { frequencies: CANDIDATES });
    const spans = toneSpans(heard, 600);
    assert.equal(spans.length, 2, describeSegments(toneSegments(heard)));
    assert.ok((spans[0]?.toMs ?? 0) >= 200 && (spans[1]?.fromMs ?? 0) >= 400, describeSegments(toneSegments(heard)));
  });
});
