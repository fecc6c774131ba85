/**
 * The default music on hold: the committed WAV is exactly what its generator makes, 8 kHz mono 16-bit,
 * 20–30 s, never silent, never clipped, and its end runs into its start as smoothly as the music around
 * that point moves, so it loops without a click.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { HOLD_MUSIC_PATH, holdMusicWav } from "../../plugins/media/assets/make-hold-music.js";
import { analyzeWav, readWav } from "@tandem/sdk/testing/media";

describe("default music on hold", { timeout: 300_000 }, () => {
  it("the committed file is what make-hold-music.ts generates", () => {
    assert.ok(Buffer.from(holdMusicWav()).equals(readFileSync(HOLD_MUSIC_PATH)), "regenerate it: node --import tsx plugins/media/assets/make-hold-music.ts");
  });

  it("is 8 kHz mono, 20–30 s, never silent, never clipped", () => {
    const analysis = analyzeWav(HOLD_MUSIC_PATH, { frequencies: [], windowMs: 250 });
    assert.deepEqual([analysis.sampleRate, analysis.channelCount], [8000, 1]);
    assert.ok(analysis.durationMs >= 20_000 && analysis.durationMs <= 30_000, `${analysis.durationMs} ms`);
    assert.deepEqual(analysis.channels[0]?.silences, []);
    const pcm = readWav(HOLD_MUSIC_PATH).channels[0] ?? new Int16Array(0);
    const peak = pcm.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
    assert.ok(peak > 8000 && peak < 32000, `peak ${peak}`);
  });

  it("loops without a click: the step from the last sample to the first is no bigger than the steps around it", () => {
    const pcm = readWav(HOLD_MUSIC_PATH).channels[0] ?? new Int16Array(0);
    // 10 ms either side of the seam, as the loop plays them.
    const around = [...pcm.subarray(pcm.length - 80), ...pcm.subarray(0, 80)];
    const steps = around.slice(1).map((v, i) => Math.abs(v - (around[i] ?? 0)));
    const seam = steps[79] ?? Infinity;
    const others = [...steps.slice(0, 79), ...steps.slice(80)];
    assert.ok(seam <= Math.max(...others), `seam step ${seam}, around it at most ${Math.max(...others)}`);
  });
});
