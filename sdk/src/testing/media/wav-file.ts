/**
 * WAV files for the media tests through the `wavefile` library: read any PCM, µ-law or A-law WAV into 16-bit
 * channels, and write 16-bit PCM or G.711 WAVs (G.711 WAVs are what sipp's `rtp_stream` plays: it skips the
 * RIFF header and sends the bytes as they are).
 */
import { readFileSync, writeFileSync } from "node:fs";
import wavefile from "wavefile";

/** How samples are stored in a written WAV: linear 16-bit, or G.711 µ-law or A-law. */
export type WavEncoding = "pcm16" | "mulaw" | "alaw";

/** A WAV decoded to 16-bit channels. */
export interface WavAudio {
  sampleRate: number;
  /** One 16-bit array per channel. */
  channels: Int16Array[];
  durationMs: number;
}

interface FmtChunk {
  numChannels: number;
  sampleRate: number;
}

/** Reads a WAV from a path or its bytes. Throws (from `wavefile`) when it is not a RIFF/RIFX/RF64 WAVE. */
export function readWav(source: string | Uint8Array): WavAudio {
  const wav = new wavefile.WaveFile(typeof source === "string" ? readFileSync(source) : source);
  if (wav.bitDepth === "8m") wav.fromMuLaw();
  else if (wav.bitDepth === "8a") wav.fromALaw();
  else if (wav.bitDepth !== "16") wav.toBitDepth("16");
  const fmt = wav.fmt as FmtChunk;
  const samples = wav.getSamples(false, Int16Array) as unknown as Int16Array | Int16Array[];
  const channels = fmt.numChannels === 1 && !Array.isArray(samples) ? [samples as Int16Array] : (samples as Int16Array[]);
  const length = channels[0]?.length ?? 0;
  return { sampleRate: fmt.sampleRate, channels, durationMs: (length * 1000) / fmt.sampleRate };
}

/** WAV bytes of 16-bit channels (all the same length), stored as 16-bit PCM or G.711. */
export function encodeWav(channels: readonly Int16Array[], sampleRate: number, encoding: WavEncoding = "pcm16"): Uint8Array {
  const wav = new wavefile.WaveFile();
  wav.fromScratch(channels.length, sampleRate, "16", channels.length === 1 ? (channels[0] ?? new Int16Array(0)) : [...channels]);
  if (encoding === "mulaw") wav.toMuLaw();
  else if (encoding === "alaw") wav.toALaw();
  return wav.toBuffer();
}

/** Writes {@link encodeWav}'s bytes to `path`. */
export function writeWav(path: string, channels: readonly Int16Array[], sampleRate: number, encoding: WavEncoding = "pcm16"): void {
  writeFileSync(path, encodeWav(channels, sampleRate, encoding));
}
