/**
 * WAV analysis: the channels, duration, tones per channel per window and silent stretches of a recording,
 * whether it is stored as 16-bit PCM, µ-law or A-law.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { analyzeWav, describeSegments, toneSamples, type WavEncoding, writeWav } from "@tandem/sdk/testing/media";

const dir = mkdtempSync(join(tmpdir(), "wav-analysis-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function joined(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

describe("WAV analysis", { timeout: 300_000 }, () => {
  for (const encoding of ["pcm16", "mulaw", "alaw"] satisfies WavEncoding[]) {
    it(`reads a two-channel ${encoding} recording with a pause: channels, duration, tones, silences`, () => {
      // Left: the caller (600 Hz), right: the agent (1000 + 1500 Hz); a 1 s pause is silence on both.
      const left = joined(toneSamples([600], 1000), toneSamples([], 1000), toneSamples([600], 500));
      const right = joined(toneSamples([1000, 1500], 1000), toneSamples([], 1000), toneSamples([], 500));
      const path = join(dir, `call-${encoding}.wav`);
      writeWav(path, [left, right], 8000, encoding);

      const analysis = analyzeWav(path, { frequencies: [600, 1000, 1500, 2000] });
      assert.equal(analysis.sampleRate, 8000);
      assert.equal(analysis.channelCount, 2);
      assert.equal(analysis.durationMs, 2500);
      assert.equal(describeSegments(analysis.channels[0]?.segments ?? []), "0–1000 ms 600 Hz, 1000–2000 ms silence, 2000–2500 ms 600 Hz");
      assert.equal(describeSegments(analysis.channels[1]?.segments ?? []), "0–1000 ms 1000+1500 Hz, 1000–2500 ms silence");
      assert.deepEqual(analysis.channels[0]?.silences, [{ fromMs: 1000, toMs: 2000 }]);
    });
  }

  it("analyses a 16 kHz mono file on its own sample rate", () => {
    const path = join(dir, "wide.wav");
    writeWav(path, [toneSamples([3000], 400, { sampleRate: 16000 })], 16000);
    const analysis = analyzeWav(path, { frequencies: [1000, 3000, 5000] });
    assert.deepEqual([analysis.channelCount, analysis.durationMs], [1, 400]);
    assert.equal(describeSegments(analysis.channels[0]?.segments ?? []), "0–400 ms 3000 Hz");
  });

  it("refuses bytes that are not a WAV", () => {
    assert.throws(() => analyzeWav(Buffer.from("RIFF....not a wave file at all"), { frequencies: [600] }));
  });
});
