/**
 * Which of a set of test tones are in a stretch of audio, window by window, and the time line that makes:
 * "600 Hz from 120 ms to 2100 ms", "silence from 2100 ms". A tone counts as present when it carries at least
 * `minShare` of its window's energy (a threshold relative to the energy, so it holds at any level and after
 * G.711), and a window is silent when its RMS is below `silenceRms`.
 */
import { G711_SAMPLE_RATE } from "./g711.js";
import { toneShare } from "./goertzel.js";

/** Options of {@link detectTones}. */
export interface DetectOptions {
  /** The candidate frequencies, Hz. Keep them ≥ 50 Hz apart for 100 ms windows. */
  frequencies: readonly number[];
  sampleRate?: number;
  /** Window length, default 100 ms. */
  windowMs?: number;
  /** Time of the first sample, ms (e.g. `ReceivedAudio.startMs`); window times are on the same clock. */
  startMs?: number;
  /** Share of a window's energy a tone must carry to count as present; default 0.05. */
  minShare?: number;
  /** RMS (16-bit scale) below which a window is silence; default 100, about −50 dBFS. */
  silenceRms?: number;
}

/** The verdict on one window of audio. */
export interface ToneWindow {
  fromMs: number;
  toMs: number;
  rms: number;
  silent: boolean;
  /** Candidates present in this window, ascending. */
  tones: number[];
  /** Each candidate's share of the window's energy. */
  shares: ReadonlyMap<number, number>;
}

/** A run of consecutive windows with the same verdict. */
export interface ToneSegment {
  fromMs: number;
  toMs: number;
  silent: boolean;
  /** Candidates present throughout; empty and not silent means sound that is none of them. */
  tones: number[];
}

/** Cuts `pcm` into windows and tells for each whether it is silent and which candidate tones sound in it. */
export function detectTones(pcm: ArrayLike<number>, options: DetectOptions): ToneWindow[] {
  const rate = options.sampleRate ?? G711_SAMPLE_RATE;
  const windowMs = options.windowMs ?? 100;
  const length = Math.round((rate * windowMs) / 1000);
  const minShare = options.minShare ?? 0.05;
  const silenceRms = options.silenceRms ?? 100;
  const startMs = options.startMs ?? 0;
  const windows: ToneWindow[] = [];
  for (let start = 0; start + length <= pcm.length; start += length) {
    let energy = 0;
    for (let i = start; i < start + length; i++) energy += (pcm[i] ?? 0) ** 2;
    const rms = Math.sqrt(energy / length);
    const silent = rms < silenceRms;
    const shares = new Map(options.frequencies.map((f) => [f, toneShare(pcm, start, length, f, rate)] as const));
    const tones = silent ? [] : [...shares].filter(([, share]) => share >= minShare).map(([f]) => f).sort((a, b) => a - b);
    const fromMs = startMs + (start * 1000) / rate;
    windows.push({ fromMs, toMs: fromMs + windowMs, rms, silent, tones, shares });
  }
  return windows;
}

/** Merges consecutive windows with the same verdict into segments. */
export function toneSegments(windows: readonly ToneWindow[]): ToneSegment[] {
  const segments: ToneSegment[] = [];
  for (const w of windows) {
    const last = segments[segments.length - 1];
    if (last && last.silent === w.silent && sameTones(last.tones, w.tones) && Math.abs(last.toMs - w.fromMs) < 1e-6) last.toMs = w.toMs;
    else segments.push({ fromMs: w.fromMs, toMs: w.toMs, silent: w.silent, tones: [...w.tones] });
  }
  return segments;
}

/** The stretches in which `frequency` is present (windows may hold other tones too). */
export function toneSpans(windows: readonly ToneWindow[], frequency: number): Array<{ fromMs: number; toMs: number }> {
  return spans(windows, (w) => w.tones.includes(frequency));
}

/** The silent stretches. */
export function silentSpans(windows: readonly ToneWindow[]): Array<{ fromMs: number; toMs: number }> {
  return spans(windows, (w) => w.silent);
}

/**
 * The fraction of the windows lying wholly inside [fromMs, toMs] whose present tones are exactly `tones`
 * (an empty list asks for silence). 0 when no window lies inside.
 */
export function fractionHearing(windows: readonly ToneWindow[], tones: readonly number[], fromMs = -Infinity, toMs = Infinity): number {
  const inside = windows.filter((w) => w.fromMs >= fromMs && w.toMs <= toMs);
  if (inside.length === 0) return 0;
  const wanted = [...tones].sort((a, b) => a - b);
  const matching = inside.filter((w) => (wanted.length === 0 ? w.silent : sameTones(w.tones, wanted)));
  return matching.length / inside.length;
}

/** A one-line description of segments, for assertion messages: "0–200 ms silence, 200–2100 ms 600+1000 Hz". */
export function describeSegments(segments: readonly ToneSegment[]): string {
  const verdict = (s: ToneSegment): string => (s.silent ? "silence" : s.tones.length === 0 ? "other sound" : `${s.tones.join("+")} Hz`);
  return segments.map((s) => `${Math.round(s.fromMs)}–${Math.round(s.toMs)} ms ${verdict(s)}`).join(", ");
}

function spans(windows: readonly ToneWindow[], test: (w: ToneWindow) => boolean): Array<{ fromMs: number; toMs: number }> {
  const out: Array<{ fromMs: number; toMs: number }> = [];
  for (const w of windows) {
    if (!test(w)) continue;
    const last = out[out.length - 1];
    if (last && Math.abs(last.toMs - w.fromMs) < 1e-6) last.toMs = w.toMs;
    else out.push({ fromMs: w.fromMs, toMs: w.toMs });
  }
  return out;
}

function sameTones(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((f, i) => f === b[i]);
}
