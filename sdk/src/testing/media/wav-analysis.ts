/**
 * What a WAV file holds, for checking recordings: its channels and duration, and per channel which test tones
 * sound in each window, the resulting time line, and its silent stretches (e.g. a paused recording).
 */
import { detectTones, silentSpans, toneSegments, type DetectOptions, type ToneSegment, type ToneWindow } from "./tone-detector.js";
import { readWav } from "./wav-file.js";

/** One channel of a WAV: its windows, the time line they make, and its silent stretches. */
export interface WavChannelAnalysis {
  windows: ToneWindow[];
  segments: ToneSegment[];
  silences: Array<{ fromMs: number; toMs: number }>;
}

/** What {@link analyzeWav} found in a WAV file. */
export interface WavAnalysis {
  sampleRate: number;
  channelCount: number;
  durationMs: number;
  channels: WavChannelAnalysis[];
}

/** Analyses every channel of the WAV at `source` (a path or the file's bytes) for the candidate tones. */
export function analyzeWav(source: string | Uint8Array, options: Omit<DetectOptions, "sampleRate" | "startMs">): WavAnalysis {
  const wav = readWav(source);
  const channels = wav.channels.map((pcm) => {
    const windows = detectTones(pcm, { ...options, sampleRate: wav.sampleRate });
    return { windows, segments: toneSegments(windows), silences: silentSpans(windows) };
  });
  return { sampleRate: wav.sampleRate, channelCount: wav.channels.length, durationMs: wav.durationMs, channels };
}
