/**
 * Players and recorders with real audio: a WAV file (16 kHz stereo, so it is resampled and mixed down) played to a
 * room reaches every party, played to one party only that one; a looped file plays until stopped. Recordings are
 * WAV files whose channels hold the right parties' tones, with silence where the recording was paused.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { MediaEngine } from "@tandem/plugin-media-engine";
import { McuErrors } from "@tandem/sdk";
import { analyzeWav, describeSegments, encodeWav, fractionHearing, toneSamples, writeWav } from "@tandem/sdk/testing/media";
import { closeParties, heard, joinWithTone, PLAYED_TONE, shareHearing, sleep, startEngine, timeline, TONES } from "./engine-fixture.js";

const dir = mkdtempSync(join(tmpdir(), "media-engine-"));
const SETTLE_MS = 300;

/** A WAV of the played tone: 16 kHz, two identical channels, `ms` long. */
function toneFile(name: string, ms: number): string {
  const path = join(dir, name);
  const samples = toneSamples([PLAYED_TONE], ms, { sampleRate: 16000 });
  writeWav(path, [samples, samples], 16000);
  return path;
}

describe("media engine players and recorders", { timeout: 300_000 }, () => {
  let engine: MediaEngine;
  before(async () => {
    engine = await startEngine();
  });
  after(async () => {
    await closeParties();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("plays a looped file to the room, then a file to one party only; stop and play-out end them", async (t) => {
    const room = await engine.createRoom();
    t.after(() => room.close());
    const a = await joinWithTone(room, "a", 400);
    const b = await joinWithTone(room, "b", 700);
    t.after(() => Promise.all([a, b].map((m) => m.rtp.close())));

    const music = await room.play({ source: toneFile("short.wav", 300), loop: true });
    let from = a.rtp.now() + SETTLE_MS;
    await sleep(SETTLE_MS + 1200);
    assert.ok(shareHearing(a.rtp, [700, PLAYED_TONE], from) >= 0.9, `a hears b and the looped file: ${timeline(a, from)}`);
    assert.ok(shareHearing(b.rtp, [400, PLAYED_TONE], from) >= 0.9, `b hears a and the looped file: ${timeline(b, from)}`);
    await music.stop();
    await music.ended;

    const announcement = await b.party.play({ source: `file://${toneFile("announcement.wav", 1000)}` });
    from = a.rtp.now() + 100;
    await sleep(800);
    const to = a.rtp.now();
    assert.ok(shareHearing(a.rtp, [700], from, to) >= 0.9, `a hears only b: ${timeline(a, from)}`);
    assert.ok(shareHearing(b.rtp, [400, PLAYED_TONE], from, to) >= 0.9, `b hears a and its announcement: ${timeline(b, from)}`);
    await announcement.ended;
    from = a.rtp.now() + 100;
    await sleep(500);
    assert.ok(shareHearing(b.rtp, [400], from) >= 0.9, `the announcement played out: ${timeline(b, from)}`);
  });

  it("plays a WAV fetched over HTTP (µ-law file)", async (t) => {
    const bytes = encodeWav([toneSamples([PLAYED_TONE], 2000)], 8000, "mulaw");
    const server = createServer((req, res) => {
      if (req.url !== "/hold.wav") return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": "audio/wav" }).end(bytes);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    t.after(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.address() as AddressInfo).port;
    const room = await engine.createRoom();
    t.after(() => room.close());
    const a = await joinWithTone(room, "a", 0);
    await room.play({ source: `http://127.0.0.1:${port}/hold.wav` });
    const from = a.rtp.now() + SETTLE_MS;
    await sleep(SETTLE_MS + 800);
    assert.ok(shareHearing(a.rtp, [PLAYED_TONE], from) >= 0.9, `a hears the fetched file: ${timeline(a, from)}`);
    await assert.rejects(room.play({ source: `http://127.0.0.1:${port}/missing.wav` }), (e: Error) => McuErrors.playFailed.is(e) && /HTTP 404/.test(e.message));
  });

  it("refuses a missing file, a non-WAV file and an unsupported scheme with coded errors", async (t) => {
    const room = await engine.createRoom();
    t.after(() => room.close());
    await assert.rejects(room.play({ source: join(dir, "missing.wav") }), (e: Error) => McuErrors.playFailed.is(e) && /media-engine .*ENOENT/.test(e.message));
    await assert.rejects(room.play({ source: import.meta.filename }), (e: Error) => McuErrors.playFailed.is(e) && /not a WAV/.test(e.message));
    await assert.rejects(room.play({ source: "rtsp://example.invalid/x" }), (e: Error) => McuErrors.unsupported.is(e) && /play from rtsp:/.test(e.message));
  });

  it("records two channels, each side on its own, with silence while paused", async (t) => {
    const room = await engine.createRoom();
    t.after(() => room.close());
    const customer = await joinWithTone(room, "customer", 400);
    const agent = await joinWithTone(room, "agent", 700);
    const supervisor = await joinWithTone(room, "supervisor", 1100);
    t.after(() => Promise.all([customer, agent, supervisor].map((m) => m.rtp.close())));
    await sleep(SETTLE_MS);
    const target = join(dir, "two-channel.wav");
    const recording = await room.record({ target, channels: { layout: "two-channel", left: ["customer"], right: ["agent", "supervisor"] } });
    await sleep(1000);
    await recording.pause();
    await assert.rejects(recording.pause(), (e: Error) => McuErrors.wrongState.is(e));
    await sleep(700);
    await recording.resume();
    await sleep(1000);
    const result = await recording.stop();
    assert.equal(result.target, target);
    assert.ok(Math.abs(result.pausedMs - 700) <= 150, `paused ${result.pausedMs} ms`);
    assert.ok(result.durationMs >= 2500 && result.durationMs <= 3200, `lasted ${result.durationMs} ms`);

    const wav = analyzeWav(target, { frequencies: [...TONES, PLAYED_TONE] });
    assert.equal(wav.channelCount, 2);
    assert.equal(wav.sampleRate, 8000);
    assert.ok(Math.abs(wav.durationMs - result.durationMs) <= 40, `file ${wav.durationMs} ms, reported ${result.durationMs} ms`);
    const [left, right] = wav.channels;
    assert.ok(left && right);
    const pauseFrom = result.durationMs - 1000 - result.pausedMs;
    const pauseTo = pauseFrom + result.pausedMs;
    const leftLine = describeSegments(left.segments);
    const rightLine = describeSegments(right.segments);
    assert.ok(fractionHearing(left.windows, [400], 100, pauseFrom - 100) >= 0.9, `left before the pause: ${leftLine}`);
    assert.ok(fractionHearing(right.windows, [700, 1100], 100, pauseFrom - 100) >= 0.9, `right before the pause: ${rightLine}`);
    assert.ok(fractionHearing(left.windows, [], pauseFrom + 100, pauseTo - 100) === 1, `left silent while paused: ${leftLine}`);
    assert.ok(fractionHearing(right.windows, [], pauseFrom + 100, pauseTo - 100) === 1, `right silent while paused: ${rightLine}`);
    assert.ok(fractionHearing(left.windows, [400], pauseTo + 100, result.durationMs - 100) >= 0.9, `left after the pause: ${leftLine}`);
    assert.ok(fractionHearing(right.windows, [700, 1100], pauseTo + 100, result.durationMs - 100) >= 0.9, `right after the pause: ${rightLine}`);
  });

  it("records mono: everyone heard in the room and what is played to it, not a listen-only party", async (t) => {
    const room = await engine.createRoom();
    t.after(() => room.close());
    const a = await joinWithTone(room, "a", 400);
    const b = await joinWithTone(room, "b", 700);
    const silent = await joinWithTone(room, "monitor", 1100, { mode: { mode: "listen-only" } });
    t.after(() => Promise.all([a, b, silent].map((m) => m.rtp.close())));
    await room.play({ source: toneFile("mono-music.wav", 400), loop: true });
    await sleep(SETTLE_MS);
    const target = join(dir, "mono.wav");
    const recording = await room.record({ target, channels: { layout: "mono" } });
    await assert.rejects(room.record({ target: join(dir, "second.wav"), channels: { layout: "mono" } }), (e: Error) => McuErrors.wrongState.is(e));
    await sleep(1200);
    const result = await recording.stop();
    const wav = analyzeWav(target, { frequencies: [...TONES, PLAYED_TONE] });
    assert.equal(wav.channelCount, 1);
    const [mono] = wav.channels;
    assert.ok(mono);
    assert.ok(fractionHearing(mono.windows, [400, 700, PLAYED_TONE], 100, result.durationMs - 100) >= 0.9, describeSegments(mono.segments));
  });

  it("refuses a recording it cannot write", async (t) => {
    const room = await engine.createRoom();
    t.after(() => room.close());
    await assert.rejects(room.record({ target: join(dir, "no-such-folder", "x.wav"), channels: { layout: "mono" } }), (e: Error) => McuErrors.recordFailed.is(e) && /ENOENT/.test(e.message));
    await assert.rejects(room.record({ target: join(dir, "x.mp3"), format: "mp3", channels: { layout: "mono" } }), (e: Error) => McuErrors.unsupported.is(e) && /format mp3/.test(e.message));
  });
});
