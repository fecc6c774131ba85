/**
 * The engine's control side over real sockets: offer/answer in both directions (RFC 3264, RFC 3725 offerless
 * join), re-offers, fresh offers to a party in a room, coded refusals (codecs, SDP, modes, limits, port exhaustion, a closed engine), ports released
 * on leave and close, RFC 4733 events and media inactivity reported through the contract.
 */
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { after, before, describe, it, type TestContext } from "node:test";
import type { MediaEngine } from "@tandem/plugin-media-engine";
import { McuErrors, type McuEvent } from "@tandem/sdk";
import { buildRtpPacket, RtpParty, telephoneEventsIn } from "@tandem/sdk/testing/media";
import { closeParties, enginePort, joinWithTone, type Member, openParty, partyOffer, portRange, shareHearing, sleep, startEngine } from "./engine-fixture.js";
import { until } from "../support/until.js";

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    socket.once("error", () => resolve(false));
    socket.bind({ port, address: "127.0.0.1", exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

function bound(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket("udp4");
    socket.once("error", reject);
    socket.bind({ port, address: "127.0.0.1", exclusive: true }, () => resolve(socket));
  });
}

async function hears(rtp: RtpParty, tones: number[]): Promise<boolean> {
  return shareHearing(rtp, tones, rtp.now() - 500) >= 0.8;
}

/** A room of two talking parties (a: 400 Hz, b: 700 Hz) and a third RTP party to move b's media to. */
async function talkersAndNewAddress(t: TestContext, engine: MediaEngine): Promise<{ a: Member; b: Member; moved: RtpParty }> {
  const room = await engine.createRoom();
  t.after(() => room.close());
  const a = await joinWithTone(room, "a", 400);
  const b = await joinWithTone(room, "b", 700);
  const moved = await openParty();
  t.after(() => Promise.all([a.rtp.close(), b.rtp.close(), moved.close()]));
  return { a, b, moved };
}

describe("media engine control", { timeout: 300_000 }, () => {
  let engine: MediaEngine;
  const events: McuEvent[] = [];
  before(async () => {
    engine = await startEngine({ inactivityMs: 1000 });
    engine.onEvent((e) => events.push(e));
  });
  after(async () => {
    await closeParties();
    await engine.close();
  });

  it("makes the offer for an offerless join and takes the party's answer (RFC 3725), A-law chosen by the answer", async (t) => {
    const room = await engine.createRoom();
    t.after(() => room.close());
    const talker = await joinWithTone(room, "talker", 400);
    const listener = await openParty("PCMA");
    t.after(() => Promise.all([talker.rtp.close(), listener.close()]));
    const party = await room.join({ partyId: "late" });
    assert.match(party.localSdp, /m=audio \d+ RTP\/AVP 0 8 101/);
    await sleep(300);
    assert.equal(listener.arrivals.length, 0, "no media before the answer");
    await party.accept(partyOffer(listener.port, "PCMA"));
    await assert.rejects(party.accept(partyOffer(listener.port, "PCMA")), (e: Error) => McuErrors.wrongState.is(e));
    await until(() => hears(listener, [400]), 8000, "the late party hearing the talker");
    assert.ok(listener.arrivals.every((a) => a.packet.payloadType === 8), "A-law as answered");
  });

  it("a re-offer moves the party's media to its new address", async (t) => {
    const { a, b, moved } = await talkersAndNewAddress(t, engine);
    await until(() => hears(b.rtp, [400]), 8000, "b hearing a");
    // The party now sends from its new address too, as a phone whose media moved does.
    b.rtp.stopSending();
    moved.sendTone({ to: { port: enginePort(b.party.localSdp) }, frequencies: [700] });
    const answer = await b.party.reoffer(partyOffer(moved.port));
    assert.equal(enginePort(answer), enginePort(b.party.localSdp));
    assert.match(answer, /o=tandem \d+ 2 IN IP4/, "same session, version 2 (RFC 3264 §8)");
    await until(() => hears(moved, [400]), 8000, "the new address hearing a");
    await until(() => hears(a.rtp, [700]), 8000, "a hearing b from its new address");
    const before = b.rtp.arrivals.length;
    await sleep(300);
    assert.equal(b.rtp.arrivals.length, before, "nothing more to the old address");
  });

  it("a re-offer's port takes the latch from the old address, which goes on sending a moment after the new SDP (RFC 3264 §8)", async (t) => {
    const { a, b, moved } = await talkersAndNewAddress(t, engine);
    await until(() => hears(b.rtp, [400]), 8000, "b hearing a");
    await b.party.reoffer(partyOffer(moved.port));
    // Packets from the old address arrive after the new SDP (in flight, or a phone slow to stop): they latch first.
    await sleep(150);
    moved.sendTone({ to: { port: enginePort(b.party.localSdp) }, frequencies: [700] });
    await sleep(300);
    b.rtp.stopSending();
    await until(() => hears(moved, [400]), 8000, "the new address hearing a");
    await until(() => hears(a.rtp, [700]), 8000, "a hearing b from its new address");
  });

  it("a fresh offer keeps the party's port, takes the next SDP version, and awaits the answer that moves the party", async (t) => {
    const { a, b, moved } = await talkersAndNewAddress(t, engine);
    await assert.rejects(b.party.accept(partyOffer(moved.port)), (e: Error) => McuErrors.wrongState.is(e), "no offer of ours awaits an answer");
    assert.ok(b.party.offer, "the engine makes fresh offers");
    const offer = await b.party.offer();
    assert.equal(b.party.localSdp, offer);
    assert.equal(enginePort(offer), enginePort(b.party.localSdp));
    assert.match(offer, /o=tandem \d+ 2 IN IP4/, "same session, version 2 (RFC 3264 §8)");
    assert.match(offer, /m=audio \d+ RTP\/AVP 0 8 101/, "every codec the engine mixes, and telephone-event");
    await until(() => hears(b.rtp, [400]), 8000, "media goes on at the old address until the answer");
    b.rtp.stopSending();
    moved.sendTone({ to: { port: enginePort(offer) }, frequencies: [700], codec: "PCMA" });
    await b.party.accept(partyOffer(moved.port, "PCMA"));
    await until(() => hears(moved, [400]), 8000, "the new address hearing a");
    assert.ok(moved.arrivals.slice(-5).every((x) => x.packet.payloadType === 8), "A-law as the answer chose");
    await until(() => hears(a.rtp, [700]), 8000, "a hearing b from its new address");
    await assert.rejects(b.party.accept(partyOffer(moved.port)), (e: Error) => McuErrors.wrongState.is(e), "the answer was taken");
  });

  it("refuses unusable SDP, codecs and modes with coded errors, and releases the ports it took", async (t) => {
    const room = await engine.createRoom();
    t.after(() => room.close());
    const g722 = partyOffer(40000).replace(/RTP\/AVP 0 101/, "RTP/AVP 9").replace(/a=rtpmap:0 PCMU\/8000\r\n/, "a=rtpmap:9 G722/8000\r\n");
    await assert.rejects(room.join({ offer: g722 }), (e: Error) => McuErrors.noCommonCodec.is(e) && /media-engine .*G722/.test(e.message));
    await assert.rejects(room.join({ offer: "v=0\r\n" }), (e: Error) => McuErrors.badSdp.is(e));
    await assert.rejects(room.join({ offer: partyOffer(40000).replace("c=IN IP4 127.0.0.1", "c=IN IP4 pbx.example") }), (e: Error) => McuErrors.badSdp.is(e) && /pbx\.example/.test(e.message));
    await assert.rejects(room.join({ offer: partyOffer(40000), mode: { mode: "shout" } as never }), (e: Error) => McuErrors.unsupported.is(e) && /mode shout/.test(e.message));
    const party = await room.join({ partyId: "x", offer: partyOffer(40000) });
    await assert.rejects(room.join({ partyId: "x", offer: partyOffer(40002) }), (e: Error) => McuErrors.duplicateParty.is(e));
    await assert.rejects(party.setMode({ mode: "whisper" } as never), (e: Error) => McuErrors.unsupported.is(e));
    await party.leave();
    await assert.rejects(party.setMode({ mode: "listen-only" }), (e: Error) => McuErrors.unknownParty.is(e));
    assert.equal(engine.ports.inUse, 0);
  });

  it("releases every port when parties leave and rooms close", async () => {
    const room1 = await engine.createRoom();
    const room2 = await engine.createRoom();
    const members = [await joinWithTone(room1, "a", 400), await joinWithTone(room1, "b", 700), await joinWithTone(room2, "c", 1100), await joinWithTone(room2, "d", 400)];
    const ports = members.map((m) => enginePort(m.party.localSdp));
    assert.equal(engine.ports.inUse, 4);
    for (const port of ports) assert.equal(await bindable(port), false, `port ${port} is held while in use`);
    await members[0]!.party.leave();
    assert.equal(await bindable(ports[0]!), true);
    assert.equal(await bindable(ports[0]! + 1), true, "the RTCP port too");
    await room1.close();
    await room2.close();
    await Promise.all(members.map((m) => m.rtp.close()));
    assert.equal(engine.ports.inUse, 0);
    for (const port of ports) assert.ok((await bindable(port)) && (await bindable(port + 1)), `port pair ${port} released`);
    await assert.rejects(room1.join({ offer: partyOffer(40000) }), (e: Error) => McuErrors.unknownRoom.is(e));
  });

  it("reports a party whose media stopped, once per silence", async (t) => {
    const room = await engine.createRoom();
    t.after(() => room.close());
    const a = await joinWithTone(room, "quiet", 400);
    t.after(() => a.rtp.close());
    await sleep(500);
    a.rtp.stopSending();
    const inactive = (): McuEvent[] => events.filter((e) => e.type === "party-inactive" && e.partyId === "quiet");
    await until(() => inactive().length === 1, 5000, "party-inactive");
    const first = inactive()[0];
    assert.ok(first?.type === "party-inactive" && first.roomId === room.id && first.inactiveMs >= 1000);
    await sleep(1500);
    assert.equal(inactive().length, 1, "reported once");
    a.rtp.sendTone({ to: { port: enginePort(a.party.localSdp) }, frequencies: [400], durationMs: 400 });
    await until(() => inactive().length === 2, 6000, "a second report after media came back and stopped again");
  });

  it("does not watch a party whose SDP says it sends nothing (recvonly)", async (t) => {
    const room = await engine.createRoom();
    t.after(() => room.close());
    const quiet = await openParty();
    await room.join({ partyId: "recvonly", offer: partyOffer(quiet.port, "PCMU", "recvonly") });
    await sleep(2500);
    assert.deepEqual(events.filter((e) => e.type === "party-inactive" && e.partyId === "recvonly"), []);
    assert.ok(quiet.arrivals.length > 50, "it still gets the room's audio");
  });

  it("sends RTCP sender reports with a CNAME to the party's RTCP port (RFC 3550 §6.4.1, RFC 3605 a=rtcp)", async (t) => {
    const fast = await startEngine({ rtcpIntervalMs: 1000 });
    t.after(() => fast.close());
    const room = await fast.createRoom();
    const rtp = await openParty();
    const rtcp = await bound(0);
    t.after(() => new Promise<void>((r) => rtcp.close(() => r())));
    const reports: Buffer[] = [];
    rtcp.on("message", (msg) => reports.push(msg));
    const offer = partyOffer(rtp.port).replace("a=ptime:20", `a=ptime:20\r\na=rtcp:${rtcp.address().port}`);
    const party = await room.join({ offer });
    rtp.sendTone({ to: { port: enginePort(party.localSdp) }, frequencies: [400] });
    await until(() => reports.length > 0, 5000, "an RTCP report");
    const report = reports[0]!;
    assert.equal(report[0]! >> 6, 2);
    assert.equal(report[1], 200, "SR first");
    assert.equal(report[(report.readUInt16BE(2) + 1) * 4 + 1], 202, "then SDES");
    assert.match(report.toString("latin1"), /tandem-media-engine@127\.0\.0\.1/);
    assert.ok(report.readUInt32BE(20) > 0, "packets sent so far");
    await room.close();
  });

  it("reports RFC 4733 telephone-events once each and passes them on, in their own stream, to whoever hears the sender", async (t) => {
    const room = await engine.createRoom();
    t.after(() => room.close());
    const listener = await openParty();
    await room.join({ partyId: "listener", offer: partyOffer(listener.port) });
    const monitor = await openParty();
    await room.join({ partyId: "monitor", offer: partyOffer(monitor.port) });
    const socket = await bound(0);
    t.after(() => new Promise<void>((r) => socket.close(() => r())));
    // The dialler whispers to the listener: its events, like its voice, reach the listener and not the monitor.
    const party = await room.join({ partyId: "dialler", offer: partyOffer(socket.address().port), mode: { mode: "whisper", to: ["listener"] } });
    const to = enginePort(party.localSdp);
    let seq = 100;
    const send = (event: number, end: boolean, duration: number, timestamp: number): void => {
      const payload = Uint8Array.from([event, (end ? 0x80 : 0) | 10, duration >> 8, duration & 0xff]);
      socket.send(buildRtpPacket({ payloadType: 101, sequenceNumber: seq++, timestamp, ssrc: 0x1234, marker: !end && duration === 160 }, payload), to, "127.0.0.1");
    };
    for (const [event, timestamp] of [[5, 8000], [11, 16000]] as const) {
      for (const d of [160, 320, 480]) {
        send(event, false, d, timestamp);
        await sleep(20);
      }
      for (let i = 0; i < 3; i++) send(event, true, 800, timestamp);
      await sleep(100);
    }
    const dtmf = (): McuEvent[] => events.filter((e) => e.type === "telephone-event" && e.partyId === "dialler");
    await until(() => dtmf().length >= 2, 5000, "two telephone-events");
    await sleep(200);
    assert.deepEqual(dtmf().map((e) => (e.type === "telephone-event" ? [e.event, e.durationMs] : [])), [["5", 100], ["#", 100]]);
    const audioSsrc = listener.arrivals.find((a) => a.packet.payloadType === 0)?.packet.ssrc;
    const passedOn = telephoneEventsIn(listener.arrivals);
    assert.deepEqual(
      passedOn.map((e) => [e.key, e.durationMs, e.packets, e.marker, e.ended, e.ssrc === audioSsrc]),
      [["5", 100, 6, true, true, true], ["#", 100, 6, true, true, true]],
    );
    const eventSeqs = listener.arrivals.map((a) => a.packet.sequenceNumber);
    assert.equal(new Set(eventSeqs).size, eventSeqs.length, "one sequence shared by audio and events");
    // The monitor's own stream must be flowing, or the absence of events below would prove nothing.
    await until(() => monitor.arrivals.length > 0, 5000, "the monitor receiving its stream");
    assert.deepEqual(telephoneEventsIn(monitor.arrivals), [], "not to a party the dialler does not reach");
  });

  it("enforces its room and party limits", async (t) => {
    const small = await startEngine({ maxRooms: 1, maxPartiesPerRoom: 2 });
    t.after(() => small.close());
    const room = await small.createRoom();
    await assert.rejects(small.createRoom(), (e: Error) => McuErrors.limit.is(e) && /1 rooms/.test(e.message));
    await assert.rejects(small.createRoom({ needs: { partiesPerRoom: 3 } }), (e: Error) => McuErrors.unsupported.is(e));
    await room.join({ offer: partyOffer(40000) });
    await room.join({ offer: partyOffer(40002) });
    await assert.rejects(room.join({ offer: partyOffer(40004) }), (e: Error) => McuErrors.limit.is(e) && /2 parties per room/.test(e.message));
    await room.close();
    await small.createRoom();
  });

  it("gives the coded error when every port pair is in use, skips a pair another process holds, and rooms go on", async (t) => {
    const range = await portRange(3);
    const squatter = await bound(range.portMin);
    t.after(() => new Promise<void>((r) => squatter.close(() => r())));
    const tight = await startEngine(range);
    t.after(() => tight.close());
    const room = await tight.createRoom();
    const a = await joinWithTone(room, "a", 400);
    const b = await joinWithTone(room, "b", 700);
    t.after(() => Promise.all([a.rtp.close(), b.rtp.close()]));
    assert.notEqual(enginePort(a.party.localSdp), range.portMin, "the held pair was skipped");
    await assert.rejects(room.join({ offer: partyOffer(40000) }), (e: Error) => McuErrors.portsExhausted.is(e) && new RegExp(`media-engine .*${range.portMin}-${range.portMax}`).test(e.message));
    const from = b.rtp.now();
    await until(() => shareHearing(b.rtp, [400], from) >= 0.9 && b.rtp.now() - from > 600, 8000, "b still hearing a");
    assert.equal((await tight.stats()).portsInUse, 2);
  });

  it("refuses new rooms once closed", async () => {
    const closing = await startEngine();
    await closing.close();
    assert.equal(closing.health().status, "down");
    await assert.rejects(closing.createRoom(), (e: Error) => McuErrors.down.is(e) && /media-engine .*closing/.test(e.message));
  });
});
