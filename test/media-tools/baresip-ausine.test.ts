/**
 * The tooling against a real SIP phone: baresip answers a sipp call and sends its ausine sine; the call's
 * offer points baresip's media at an RTP test party, which detects the sine, and only it, in the RTP that
 * arrives. sipp streams a different tone the other way, and baresip's own recording of what it received
 * (sndfile) holds that tone: the WAV analysis reads it.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { startBaresip, killAllBaresip } from "../support/media/baresip-peer.js";
import { analyzeWav, describeSegments, detectTones, fractionHearing, type G711Codec, RtpParty, toneSegments } from "@tandem/sdk/testing/media";
import { sippToneCall } from "../support/media/sipp-tone-peers.js";
import { killAllSipp } from "../support/sipp.js";

const CANDIDATES = [500, 700, 1000, 1100, 1400, 1900];
after(() => {
  killAllSipp();
  killAllBaresip();
});

const cases: Array<{ codec: G711Codec; sine: number; sippTones: number[] }> = [
  { codec: "PCMU", sine: 700, sippTones: [1000] },
  { codec: "PCMA", sine: 1400, sippTones: [500, 1100] },
];

describe("baresip ausine on the wire", { timeout: 300_000 }, () => {
  for (const { codec, sine, sippTones } of cases) {
    it(`${codec}: the party hears baresip's ${sine} Hz sine; baresip's recording holds sipp's ${sippTones.join(" + ")} Hz`, async (t) => {
      const phone = await startBaresip({ frequency: sine, codecs: [codec] });
      const party = await RtpParty.open({ codec });
      t.after(async () => {
        await party.close();
        await phone.close();
      });
      const call = await sippToneCall({ remote: `127.0.0.1:${phone.sipPort}`, codec, frequencies: sippTones, durationMs: 2000, receiveAt: party.port, service: phone.user });
      assert.equal(call.successful, 1, `${call.errors}\n${phone.log()}`);

      const [stream, ...others] = party.streams();
      assert.equal(others.length, 0, "one stream from baresip");
      assert.deepEqual(stream?.payloadTypes, [codec === "PCMU" ? 0 : 8]);
      assert.equal(stream?.lost, 0);
      assert.ok((stream?.received ?? 0) >= 80, `about 100 packets over the 2 s call, got ${stream?.received}`);
      const heard = detectTones(party.audio().pcm, { frequencies: CANDIDATES });
      assert.ok(fractionHearing(heard, [sine]) >= 0.9, `party: ${describeSegments(toneSegments(heard))}`);
      assert.ok(heard.every((w) => w.tones.every((f) => f === sine)), `party hears nothing else: ${describeSegments(toneSegments(heard))}`);

      const [received] = phone.recordings("received");
      assert.ok(received, `baresip recorded the call:\n${phone.log()}`);
      const recording = analyzeWav(received, { frequencies: CANDIDATES });
      assert.equal(recording.channelCount, 1);
      assert.ok(recording.durationMs >= 1500, `recorded ${recording.durationMs} ms`);
      const channel = recording.channels[0]?.windows ?? [];
      assert.ok(fractionHearing(channel, sippTones) >= 0.9, `baresip received: ${describeSegments(toneSegments(channel))}`);
    });
  }
});
