/**
 * Real audio over real sockets: RTP test parties on 127.0.0.1 send distinct G.711 tones into an engine room, and
 * what each receives is decoded and its tones detected (Goertzel). Each hears the sum of the parties it may hear,
 * never itself; listen-only and whisper change that at once, without a re-INVITE.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { MediaEngine } from "@tandem/plugin-media-engine";
import { describeSegments, toneSegments } from "@tandem/sdk/testing/media";
import { closeParties, heard, joinWithTone, type Member, shareHearing, sleep, startEngine, timeline } from "./engine-fixture.js";
import { until } from "../support/until.js";

const SETTLE_MS = 300;
const LISTEN_MS = 1200;

async function listen(members: readonly Member[]): Promise<number> {
  const from = members[0]!.rtp.now() + SETTLE_MS;
  await sleep(SETTLE_MS + LISTEN_MS);
  return from;
}

describe("media engine mix-minus over RTP", { timeout: 300_000 }, () => {
  let engine: MediaEngine;
  before(async () => {
    engine = await startEngine();
  });
  after(async () => {
    await closeParties();
    await engine.close();
  });

  it("in a 3-party room each party hears the other two and not itself, µ-law and A-law alike", async (t) => {
    const room = await engine.createRoom({ label: "three" });
    t.after(() => room.close());
    const a = await joinWithTone(room, "a", 400);
    const b = await joinWithTone(room, "b", 700, {}, "PCMA");
    const c = await joinWithTone(room, "c", 1100);
    t.after(() => Promise.all([a, b, c].map((m) => m.rtp.close())));
    const from = await listen([a, b, c]);
    for (const [m, expected] of [[a, [700, 1100]], [b, [400, 1100]], [c, [400, 700]]] as const) {
      const share = shareHearing(m.rtp, expected, from);
      assert.ok(share >= 0.9, `${m.party.id} should hear ${expected.join("+")} Hz: ${timeline(m, from)}`);
    }
  });

  it("a listen-only party is heard by nobody but hears everyone; a whisper is heard only by its targets", async (t) => {
    const room = await engine.createRoom();
    t.after(() => room.close());
    const customer = await joinWithTone(room, "customer", 400);
    const agent = await joinWithTone(room, "agent", 700);
    const supervisor = await joinWithTone(room, "supervisor", 1100, { mode: { mode: "listen-only" } });
    t.after(() => Promise.all([customer, agent, supervisor].map((m) => m.rtp.close())));
    let from = await listen([customer]);
    assert.ok(shareHearing(customer.rtp, [700], from) >= 0.9, `customer hears only the agent: ${timeline(customer, from)}`);
    assert.ok(shareHearing(agent.rtp, [400], from) >= 0.9, `agent hears only the customer: ${timeline(agent, from)}`);
    assert.ok(shareHearing(supervisor.rtp, [400, 700], from) >= 0.9, `supervisor hears both: ${timeline(supervisor, from)}`);

    await supervisor.party.setMode({ mode: "whisper", to: ["agent"] });
    from = await listen([customer]);
    assert.ok(shareHearing(customer.rtp, [700], from) >= 0.9, `customer does not hear the whisper: ${timeline(customer, from)}`);
    assert.ok(shareHearing(agent.rtp, [400, 1100], from) >= 0.9, `agent hears customer and whisper: ${timeline(agent, from)}`);
    assert.ok(shareHearing(supervisor.rtp, [400, 700], from) >= 0.9, `supervisor still hears both: ${timeline(supervisor, from)}`);

    await supervisor.party.setMode({ mode: "speak-listen" });
    from = await listen([customer]);
    assert.ok(shareHearing(customer.rtp, [700, 1100], from) >= 0.9, `barged in: customer hears both: ${timeline(customer, from)}`);
  });

  it("a mode switch takes effect within 100 ms", async (t) => {
    const room = await engine.createRoom();
    t.after(() => room.close());
    const a = await joinWithTone(room, "a", 400);
    const b = await joinWithTone(room, "b", 700);
    t.after(() => Promise.all([a, b].map((m) => m.rtp.close())));
    await until(() => shareHearing(a.rtp, [700], a.rtp.now() - 500) >= 0.8, 8000, "a hearing b");
    const switchedAt = a.rtp.now();
    await b.party.setMode({ mode: "listen-only" });
    await sleep(800);
    // The switch is done when a's audio goes silent. Packets a receives carry the mix of the tick that sent them,
    // so a's arrival time line (anchored on arrivals) shows when the mixer stopped adding b.
    const windows = heard(a.rtp, switchedAt - 400).map((w) => ({ ...w }));
    const audio = a.rtp.audio({ sinceMs: switchedAt - 400 });
    const firstSilentSample = findSilenceStart(audio.pcm, Math.round(((switchedAt - audio.startMs) * 8000) / 1000));
    assert.ok(firstSilentSample >= 0, `a never went silent: ${describeSegments(toneSegments(windows))}`);
    const tookMs = audio.startMs + (firstSilentSample * 1000) / 8000 - switchedAt;
    assert.ok(tookMs <= 100, `the switch took ${tookMs.toFixed(1)} ms`);
    t.diagnostic(`mode switch heard after ${tookMs.toFixed(1)} ms`);
  });
});

/** Index of the first sample from `from` on that starts 20 ms of near-silence. */
function findSilenceStart(pcm: Int16Array, from: number): number {
  const run = 160;
  for (let i = Math.max(0, from); i + run <= pcm.length; i++) {
    let quiet = true;
    for (let j = i; j < i + run; j++) {
      if (Math.abs(pcm[j] ?? 0) > 200) {
        quiet = false;
        i = j;
        break;
      }
    }
    if (quiet) return i;
  }
  return -1;
}
