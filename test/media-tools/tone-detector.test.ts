/**
 * The tone detector: finds mixtures of two and three test tones and rejects the candidates that are absent,
 * at any level, after a G.711 round trip in both laws, and tells silence, other sound and tone changes apart
 * on a time line.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeG711, describeSegments, detectTones, encodeG711, fractionHearing, silentSpans, toneSamples, toneSegments, toneSpans } from "@tandem/sdk/testing/media";

const CANDIDATES = [400, 600, 800, 1000, 1200, 1500, 2000];

function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe("tone detector", { timeout: 300_000 }, () => {
  for (const mixture of [[600, 1500], [400, 1000, 2000]]) {
    it(`finds exactly ${mixture.join(" + ")} Hz among ${CANDIDATES.length} candidates`, () => {
      const windows = detectTones(toneSamples(mixture, 1000), { frequencies: CANDIDATES });
      assert.equal(windows.length, 10);
      for (const w of windows) {
        assert.deepEqual(w.tones, mixture);
        for (const f of CANDIDATES.filter((c) => !mixture.includes(c))) {
          assert.ok((w.shares.get(f) ?? 1) < 0.01, `${f} Hz absent, share ${w.shares.get(f)}`);
        }
        for (const f of mixture) assert.ok(Math.abs((w.shares.get(f) ?? 0) - 1 / mixture.length) < 0.03, `${f} Hz share ${w.shares.get(f)}`);
      }
    });
  }

  for (const codec of ["PCMU", "PCMA"] as const) {
    it(`finds a three-tone mixture after a ${codec} round trip, loud and quiet`, () => {
      for (const amplitude of [20000, 600]) {
        const pcm = decodeG711(codec, encodeG711(codec, toneSamples([600, 1000, 1500], 600, { amplitude })));
        const windows = detectTones(pcm, { frequencies: CANDIDATES });
        assert.equal(fractionHearing(windows, [600, 1000, 1500]), 1, `${codec} at ${amplitude}: ${describeSegments(toneSegments(windows))}`);
      }
    });
  }

  it("tells tones 50 Hz apart", () => {
    const windows = detectTones(toneSamples([1000], 500), { frequencies: [950, 1000, 1050] });
    assert.equal(fractionHearing(windows, [1000]), 1);
  });

  it("reports silence, sound that is no candidate, and where each tone starts and stops", () => {
    const pcm = concat(
      toneSamples([], 300),
      toneSamples([600], 500),
      toneSamples([600, 1200], 500),
      toneSamples([3100], 300),
      new Int16Array(1600).fill(8),
    );
    const windows = detectTones(pcm, { frequencies: CANDIDATES, startMs: 1000 });
    assert.equal(
      describeSegments(toneSegments(windows)),
      "1000–1300 ms silence, 1300–1800 ms 600 Hz, 1800–2300 ms 600+1200 Hz, 2300–2600 ms other sound, 2600–2800 ms silence",
    );
    assert.deepEqual(toneSpans(windows, 600), [{ fromMs: 1300, toMs: 2300 }]);
    assert.deepEqual(toneSpans(windows, 1200), [{ fromMs: 1800, toMs: 2300 }]);
    assert.deepEqual(toneSpans(windows, 800), []);
    assert.deepEqual(silentSpans(windows), [
      { fromMs: 1000, toMs: 1300 },
      { fromMs: 2600, toMs: 2800 },
    ]);
    assert.equal(fractionHearing(windows, [], 1000, 1300), 1);
    assert.equal(fractionHearing(windows, [600], 1300, 2300), 0.5);
  });

  it("a tone far below the silence floor is silence, not a tone", () => {
    const windows = detectTones(toneSamples([600], 500, { amplitude: 40 }), { frequencies: CANDIDATES });
    assert.ok(windows.every((w) => w.silent && w.tones.length === 0));
  });

  it("white noise holds none of the candidates", () => {
    let seed = 1;
    const noise = Int16Array.from({ length: 8000 }, () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return (seed / 0x7fffffff - 0.5) * 16000;
    });
    const windows = detectTones(noise, { frequencies: CANDIDATES });
    assert.ok(windows.every((w) => !w.silent && w.tones.length === 0), describeSegments(toneSegments(windows)));
  });
});
