/**
 * Queue music without a media server: the media-server plugin with no server in service hands the caller's offer
 * to a room of the media plugin (the embedded engine), whose answer is the treatment's SDP (early media), and the
 * caller's RTP test party hears `embeddedMusic`; stop() ends it. A queue set to ringback (null) gets none, and
 * so does every queue when the media plugin is absent.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { createTestHost } from "@tandem/testing";
import { startTreatment, type TreatmentRequest } from "@tandem/sdk";
import { detectTones, fractionHearing, RtpParty, writeWav } from "@tandem/sdk/testing/media";
import media from "@tandem/plugin-media";
import mediaEngine from "@tandem/plugin-media-engine";
import mediaServer from "@tandem/plugin-media-server";
import { partyOffer, portRange } from "../media-engine/engine-fixture.js";
import { sleep } from "../desktop-calls/support/desktop-rig.js";
import { timeline } from "./support/conference-rig.js";

const MUSIC = 440;

function toneWav(dir: string): string {
  const pcm = new Int16Array(8000 * 2).map((_, i) => Math.round(8000 * Math.sin((2 * Math.PI * MUSIC * i) / 8000)));
  const path = join(dir, "queue-music.wav");
  writeWav(path, [pcm], 8000);
  return path;
}

async function host(t: TestContext, withMedia: boolean, queues: Record<string, null> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "queue-music-"));
  const h = await createTestHost({
    plugins: withMedia ? [mediaEngine, media, mediaServer] : [mediaServer],
    config: {
      plugins: {
        ...(withMedia ? { "media-engine": { enabled: true, ...(await portRange(8)) }, media: { enabled: true } } : {}),
        "media-server": { enabled: true, probeIntervalMs: 0, embeddedMusic: toneWav(dir), treatments: { queues } },
      },
    },
  });
  t.after(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return h;
}

function request(offer: string, queue = "Q1"): TreatmentRequest {
  return { connId: "00000000000000b1", routingPoint: "RP1", queue, dnis: "5000", userData: {}, offer, signal: new AbortController().signal };
}

test("no media server: the embedded engine answers the caller's offer and the caller hears the queue music until stop()", { timeout: 180_000 }, async (t) => {
  const h = await host(t, true);
  const caller = await RtpParty.open({ codec: "PCMU" });
  t.after(() => caller.close());
  const treatment = await h.hooks.call(startTreatment, request(partyOffer(caller.port)));
  assert.ok(treatment, "a treatment from the embedded engine");
  assert.equal(treatment.server, "media-engine");
  assert.match(treatment.sdp, /m=audio \d+ RTP\/AVP 0/);
  const started = caller.now();
  await sleep(1500);
  const audio = caller.audio();
  const windows = detectTones(audio.pcm, { frequencies: [MUSIC], startMs: audio.startMs });
  assert.ok(fractionHearing(windows, [MUSIC], started + 300, started + 1500) >= 0.9, `the caller hears the music: ${timeline(windows)}`);
  await treatment.stop();
  await sleep(300);
  const after = caller.arrivals.length;
  await sleep(300);
  assert.equal(caller.arrivals.length, after, "no RTP after stop()");
});

test("a queue set to ringback, and any queue without the media plugin, get no treatment", { timeout: 180_000 }, async (t) => {
  const withMedia = await host(t, true, { quiet: null });
  assert.equal(await withMedia.hooks.call(startTreatment, request(partyOffer(40000), "quiet")), null);
  const without = await host(t, false);
  assert.equal(await without.hooks.call(startTreatment, request(partyOffer(40002))), null);
});
