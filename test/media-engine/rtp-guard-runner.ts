/**
 * Run by rtp-guard.test.ts inside a loopback-only network namespace: Tandem with the media and media-engine
 * plugins, a room of a listening test party and a talking party, and packets the engine must drop — from another
 * host, from another port of the party's host, malformed, oversized, of a payload type not negotiated, of a foreign
 * SSRC while the party's own stream is live. Prints one JSON line: what the listener heard, the engine's drop
 * counters and the drop metrics.
 */
import { createSocket, type Socket } from "node:dgram";
import { randomInt } from "node:crypto";
import type { MediaRooms } from "@tandem/sdk";
import { createTestHost } from "@tandem/testing";
import { buildRtpPacket, ToneSource } from "@tandem/sdk/testing/media";
import media from "@tandem/plugin-media";
import mediaEngine from "@tandem/plugin-media-engine";
import { enginePort, heard, partyOffer, portRange, sleep } from "./engine-fixture.js";
import { RtpParty, fractionHearing } from "@tandem/sdk/testing/media";
import { roomsConsumer } from "../support/media/rooms-consumer.js";

function bound(address: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket("udp4");
    socket.once("error", reject);
    socket.bind(0, address, () => resolve(socket));
  });
}

const found: { rooms?: MediaRooms } = {};
const host = await createTestHost({
  plugins: [media, mediaEngine, roomsConsumer(found)],
  config: { plugins: { media: { enabled: true }, "media-engine": { enabled: true, ...(await portRange(8)) }, "rooms-user": { enabled: true } } },
});
const room = await found.rooms!.createRoom({ label: "guard" });
const listener = await RtpParty.open();
await room.join({ partyId: "listener", offer: partyOffer(listener.port) });

// The talker sends its own 700 Hz stream and, from the very same socket, everything malformed.
const talker = await bound("127.0.0.1");
const talkerParty = await room.join({ partyId: "talker", offer: partyOffer(talker.address().port) });
const target = enginePort(talkerParty.localSdp);
const tone = new ToneSource([700]);
const ssrc = randomInt(1, 0xffffffff);
let seq = randomInt(0, 0xffff);
let timestamp = randomInt(0, 0xffffffff);
const timer = setInterval(() => {
  talker.send(buildRtpPacket({ payloadType: 0, sequenceNumber: seq++ & 0xffff, timestamp: (timestamp += 160) >>> 0, ssrc }, tone.nextFrame("PCMU")), target, "127.0.0.1");
}, 20);
await sleep(500);

const intruderTone = new ToneSource([1100]);
const intrusion = (s = 0xbad): Buffer => buildRtpPacket({ payloadType: 0, sequenceNumber: seq, timestamp, ssrc: s }, intruderTone.nextFrame("PCMU"));
const otherHost = await bound("127.0.0.2");
const otherPort = await bound("127.0.0.1");
const sent = { "foreign-source": 0, malformed: 0, oversize: 0, "payload-type": 0, "foreign-ssrc": 0 };
const malformed = [
  Buffer.from([0x80, 0x00, 0x00]),
  Buffer.concat([Buffer.from([0x40]), intrusion().subarray(1)]), // version 1
  Buffer.concat([Buffer.from([0x8f]), intrusion().subarray(1, 20)]), // 15 CSRCs announced, not there
  Buffer.concat([Buffer.from([0x90]), intrusion().subarray(1, 12), Buffer.from([0xbe, 0xde, 0xff, 0xff])]), // extension past the end
  Buffer.concat([Buffer.from([0xa0]), intrusion().subarray(1, 12), Buffer.from([0xff])]), // padding longer than the packet
];
const fromStart = listener.now();
for (let round = 0; round < 20; round++) {
  otherHost.send(intrusion(ssrc), target, "127.0.0.1");
  otherPort.send(intrusion(ssrc), target, "127.0.0.1");
  sent["foreign-source"] += 2;
  for (const m of malformed) talker.send(m, target, "127.0.0.1");
  sent.malformed += malformed.length;
  talker.send(Buffer.concat([intrusion(ssrc), Buffer.alloc(1200)]), target, "127.0.0.1");
  talker.send(buildRtpPacket({ payloadType: 0, sequenceNumber: seq, timestamp, ssrc }, new Uint8Array(640)), target, "127.0.0.1");
  sent.oversize += 2;
  talker.send(buildRtpPacket({ payloadType: 96, sequenceNumber: seq, timestamp, ssrc }, new Uint8Array(160)), target, "127.0.0.1");
  sent["payload-type"]++;
  talker.send(intrusion(), target, "127.0.0.1");
  sent["foreign-ssrc"]++;
  await sleep(50);
}
await sleep(1500);
const fromEnd = listener.now();
clearInterval(timer);
const metricsText = (await host.inject({ method: "GET", url: "/api/v1/metrics" })).body;
const dropMetrics = Object.fromEntries(
  [...metricsText.matchAll(/^tandem_media_engine_rtp_dropped_total\{reason="([a-z-]+)"\} (\d+)/gm)].map((m) => [m[1], Number(m[2])]),
);
const rooms = found.rooms!;
const windows = heard(listener, fromStart + 200, fromEnd - 200);
const result = {
  sent,
  heard700Only: fractionHearing(windows, [700]),
  heard1100: windows.filter((w) => w.tones.includes(1100)).length,
  windows: windows.length,
  metrics: dropMetrics,
  health: rooms.health(),
};
await room.close();
await listener.close();
for (const s of [talker, otherHost, otherPort]) s.close();
await host.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
