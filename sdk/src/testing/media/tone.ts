/**
 * Test tones: a sum of sines at given frequencies as 16-bit PCM, and the same cut into 20 ms G.711 frames
 * (RFC 3551 §4.5.14: 160 samples per 20 ms packet at 8000 Hz). A {@link ToneSource} keeps its phase from
 * frame to frame, so a stream of any length is one clean tone without clicks at frame edges.
 */
import { encodeG711, G711_SAMPLE_RATE, type G711Codec } from "./g711.js";

/** One RTP packet of audio: 20 ms, the RFC 3551 default packetization. */
export const FRAME_MS = 20;
/** G.711 samples (and bytes) in one 20 ms frame. */
export const SAMPLES_PER_FRAME = (G711_SAMPLE_RATE * FRAME_MS) / 1000;

/** Peak amplitude of the whole mixture, well clear of clipping: a quarter of full scale. */
export const DEFAULT_TONE_AMPLITUDE = 8000;

/** Level and rate of a generated tone. */
export interface ToneOptions {
  /** Peak of the summed sines (each sine gets an equal share); default {@link DEFAULT_TONE_AMPLITUDE}. */
  amplitude?: number;
  sampleRate?: number;
}

/** Generates successive samples of a sum of sines; an empty frequency list is silence. */
export class ToneSource {
  private sample = 0;
  private readonly perTone: number;
  private readonly sampleRate: number;

  constructor(
    readonly frequencies: readonly number[],
    options: ToneOptions = {},
  ) {
    this.sampleRate = options.sampleRate ?? G711_SAMPLE_RATE;
    const amplitude = options.amplitude ?? DEFAULT_TONE_AMPLITUDE;
    this.perTone = frequencies.length === 0 ? 0 : amplitude / frequencies.length;
  }

  /** The next `count` samples. */
  next(count: number): Int16Array {
    const out = new Int16Array(count);
    for (let i = 0; i < count; i++) {
      const t = (this.sample + i) / this.sampleRate;
      let value = 0;
      for (const f of this.frequencies) value += Math.sin(2 * Math.PI * f * t);
      out[i] = Math.round(value * this.perTone);
    }
    this.sample += count;
    return out;
  }

  /** The next 20 ms frame, G.711-encoded. */
  nextFrame(codec: G711Codec): Uint8Array {
    return encodeG711(codec, this.next(SAMPLES_PER_FRAME));
  }
}

/** `durationMs` of the tone as 16-bit PCM. */
export function toneSamples(frequencies: readonly number[], durationMs: number, options: ToneOptions = {}): Int16Array {
  const rate = options.sampleRate ?? G711_SAMPLE_RATE;
  return new ToneSource(frequencies, options).next(Math.round((durationMs * rate) / 1000));
}

/** `durationMs` (rounded up to whole frames) of the tone as 20 ms G.711 frames. */
export function toneFrames(codec: G711Codec, frequencies: readonly number[], durationMs: number, options: ToneOptions = {}): Uint8Array[] {
  const source = new ToneSource(frequencies, { ...options, sampleRate: G711_SAMPLE_RATE });
  return Array.from({ length: Math.ceil(durationMs / FRAME_MS) }, () => source.nextFrame(codec));
}
