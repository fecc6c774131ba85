/**
 * The Goertzel algorithm: the power of one frequency in a block of samples, at any frequency (not only FFT
 * bins), with a Hann window so a strong tone does not leak into a neighbour a few tens of Hz away.
 */

const hannCache = new Map<number, { weights: Float64Array; sum: number }>();

function hann(length: number): { weights: Float64Array; sum: number } {
  let cached = hannCache.get(length);
  if (!cached) {
    const weights = Float64Array.from({ length }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / Math.max(1, length - 1)));
    cached = { weights, sum: weights.reduce((a, b) => a + b, 0) };
    hannCache.set(length, cached);
  }
  return cached;
}

/**
 * The share of the block's energy that a sine at `frequency` accounts for: about 1 for a pure tone at that
 * frequency, about a_k²/Σa² for one of several tones with amplitudes a, near 0 when absent. The Hann-windowed
 * magnitude is scaled back by the window's gain, so the share does not depend on the block length.
 */
export function toneShare(samples: ArrayLike<number>, start: number, length: number, frequency: number, sampleRate: number): number {
  const { weights, sum: windowSum } = hann(length);
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (let i = 0; i < length; i++) {
    const x = samples[start + i] ?? 0;
    energy += x * x;
    const s0 = (weights[i] ?? 0) * x + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  if (energy === 0) return 0;
  const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  // A sine of amplitude A gives power A²(Σw)²/4 and energy A²·N/2; the ratio below is 1 for it.
  return (power * 2 * length) / (energy * windowSum * windowSum);
}
