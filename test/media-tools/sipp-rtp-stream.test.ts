/**
 * The tooling against a real peer on the wire: sipp callers stream distinct tones with `rtp_stream` (raw
 * G.711 made by make-tones.ts), a sipp far end points each call's media at an RTP test party, and each party
 * detects its caller's tone, and only that, in the RTP it receives, with no loss.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { freePort } from "../support/free-port.js";
import { describeSegments, detectTones, fractionHearing, type G711Codec, RtpParty, toneSegments } from "@tandem/sdk/testing/media";
import { sippPartyUas, sippToneCall } from "../support/media/sipp-tone-peers.js";
import { killAllSipp } from "../support/sipp.js";

const CANDIDATES = [500, 600, 700, 1000, 1100, 1400, 1900, 2300];
const parties: RtpParty[] = [];
after(async () => {
  killAllSipp();
  await Promise.all(parties.map((p) => p.close()));
});

interface Caller {
  codec: G711Codec;
  frequencies: number[];
}

async function callInto(caller: Caller): Promise<{ party: RtpParty; done: Promise<void> }> {
  const party = await RtpParty.open({ codec: caller.codec });
  parties.push(party);
  const uasPort = await freePort();
  const uas = sippPartyUas(uasPort, party.port, caller.codec);
  const call = sippToneCall({ remote: `127.0.0.1:${uasPort}`, codec: caller.codec, frequencies: caller.frequencies, durationMs: 2000 });
  const done = Promise.all([uas, call]).then(([u, c]) => {
    assert.equal(c.successful, 1, `tone caller: ${c.errors}${c.stderr}`);
    assert.equal(u.successful, 1, `far end: ${u.errors}${u.stderr}`);
  });
  return { party, done };
}

describe("sipp rtp_stream into an RTP test party", { timeout: 300_000 }, () => {
  it("two calls at once, µ-law 600 Hz and A-law 700 + 1900 Hz: each party hears its own caller's tone only", async () => {
    const callers: Caller[] = [
      { codec: "PCMU", frequencies: [600] },
      { codec: "PCMA", frequencies: [700, 1900] },
    ];
    const calls = await Promise.all(callers.map(callInto));
    await Promise.all(calls.map((c) => c.done));

    calls.forEach(({ party }, i) => {
      const caller = callers[i] as Caller;
      const streams = party.streams();
      assert.equal(streams.length, 1, "one stream");
      const [stream] = streams;
      assert.deepEqual(stream?.payloadTypes, [caller.codec === "PCMU" ? 0 : 8]);
      assert.equal(stream?.lost, 0);
      assert.ok((stream?.received ?? 0) >= 90, `about 100 packets in 2 s, got ${stream?.received}`);
      const span = (stream?.lastArrivalMs ?? 0) - (stream?.firstArrivalMs ?? 0);
      assert.ok(span > 1700 && span < 2600, `streamed in real time over ${span} ms`);
      const windows = detectTones(party.audio().pcm, { frequencies: CANDIDATES });
      assert.ok(fractionHearing(windows, caller.frequencies) >= 0.95, describeSegments(toneSegments(windows)));
      for (const w of windows) assert.ok(w.tones.every((f) => caller.frequencies.includes(f)), `only ${caller.frequencies.join("+")} Hz: ${describeSegments(toneSegments(windows))}`);
    });
  });
});
