/**
 * Writes the default music on hold, `hold-music.wav`: 24 s of a calm synthesized piece (C major, I–vi–IV–V
 * twice, 80 bpm: a soft pad, a plucked arpeggio, a bass and a simple melody), 8 kHz mono 16-bit, the rate a
 * G.711 call plays, so nothing is resampled on the way. Every note is written into a circular buffer, so a
 * note that rings past the end continues at the start and the file loops without a click.
 *
 * The output is deterministic; a test regenerates it and compares it with the committed file. To change the
 * piece, edit this file and run from the repository root:
 *
 *   node --import tsx plugins/media/assets/make-hold-music.ts
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import wavefile from "wavefile";

export const HOLD_MUSIC_SAMPLE_RATE = 8000;
const BEAT_S = 60 / 80;
const BEATS_PER_BAR = 4;
/** Peak of the finished file: half of full scale leaves G.711 headroom and is not loud on a handset. */
const PEAK = 16000;

/** MIDI note number to Hz (A4 = 69 = 440 Hz). */
const hz = (midi: number): number => 440 * 2 ** ((midi - 69) / 12);

/** Chord roots and triads (MIDI) of the bars: C, Am, F, G. */
const CHORDS: ReadonlyArray<readonly number[]> = [
  [60, 64, 67],
  [57, 60, 64],
  [53, 57, 60],
  [55, 59, 62],
];

/** Melody, one [MIDI note or null for a rest, beats] list per bar; the second pass answers the first. */
const MELODY: ReadonlyArray<ReadonlyArray<readonly [number | null, number]>> = [
  [[76, 1], [79, 1], [77, 1], [76, 1]],
  [[72, 2], [74, 1], [76, 1]],
  [[77, 1.5], [76, 0.5], [74, 1], [72, 1]],
  [[74, 3], [null, 1]],
  [[76, 1], [79, 1], [81, 1], [79, 1]],
  [[76, 2], [74, 1], [72, 1]],
  [[69, 1], [72, 1], [74, 1], [77, 1]],
  [[74, 2], [71, 1], [67, 1]],
];

interface Voice {
  /** Relative strengths of harmonics 1, 2, 3… */
  harmonics: readonly number[];
  attackS: number;
  /** Exponential decay time constant while the note sounds; Infinity holds it. */
  decayS: number;
  releaseS: number;
  gain: number;
}

const PAD: Voice = { harmonics: [1, 0.15], attackS: 0.8, decayS: Infinity, releaseS: 1.2, gain: 0.1 };
const PLUCK: Voice = { harmonics: [1, 0.35, 0.12], attackS: 0.005, decayS: 0.35, releaseS: 0.2, gain: 0.22 };
const BASS: Voice = { harmonics: [1, 0.5, 0.2], attackS: 0.02, decayS: 0.9, releaseS: 0.3, gain: 0.35 };
const LEAD: Voice = { harmonics: [1, 0.25, 0.08], attackS: 0.04, decayS: 1.6, releaseS: 0.25, gain: 0.3 };

/** Adds one note into the circular buffer `out`. */
function addNote(out: Float64Array, voice: Voice, midi: number, startS: number, lengthS: number): void {
  const rate = HOLD_MUSIC_SAMPLE_RATE;
  const f = hz(midi);
  const first = Math.round(startS * rate);
  const count = Math.round((lengthS + voice.releaseS) * rate);
  for (let i = 0; i < count; i++) {
    const t = i / rate;
    const attack = Math.min(1, t / voice.attackS);
    const decay = Number.isFinite(voice.decayS) ? Math.exp(-t / voice.decayS) : 1;
    const release = t <= lengthS ? 1 : Math.max(0, 1 - (t - lengthS) / voice.releaseS);
    let sample = 0;
    voice.harmonics.forEach((strength, h) => {
      // Harmonics above the telephone band (3.4 kHz) would only alias or be cut; leave them out.
      if (f * (h + 1) < 3400) sample += strength * Math.sin(2 * Math.PI * f * (h + 1) * t);
    });
    const at = (first + i) % out.length;
    out[at] = (out[at] ?? 0) + voice.gain * attack * decay * release * sample;
  }
}

/** The piece as 16-bit samples. */
export function renderHoldMusic(): Int16Array {
  const bars = MELODY.length;
  const barS = BEAT_S * BEATS_PER_BAR;
  const out = new Float64Array(Math.round(bars * barS * HOLD_MUSIC_SAMPLE_RATE));
  for (let bar = 0; bar < bars; bar++) {
    const chord = CHORDS[bar % CHORDS.length] ?? [];
    const barStart = bar * barS;
    for (const note of chord) addNote(out, PAD, note, barStart, barS);
    const root = chord[0] ?? 60;
    addNote(out, BASS, root - 24, barStart, BEAT_S * 1.5);
    addNote(out, BASS, root - 12, barStart + 2 * BEAT_S, BEAT_S * 1.5);
    const arpeggio = [chord[0], chord[1], chord[2], (chord[0] ?? 60) + 12, chord[2], chord[1], chord[0], chord[1]];
    arpeggio.forEach((note, i) => addNote(out, PLUCK, (note ?? 60) + 12, barStart + (i * BEAT_S) / 2, BEAT_S / 2));
    let beat = 0;
    for (const [note, beats] of MELODY[bar] ?? []) {
      if (note !== null) addNote(out, LEAD, note, barStart + beat * BEAT_S, beats * BEAT_S * 0.95);
      beat += beats;
    }
  }
  const peak = out.reduce((max, v) => Math.max(max, Math.abs(v)), 0) || 1;
  return Int16Array.from(out, (v) => Math.round((v / peak) * PEAK));
}

/** The WAV file's bytes. */
export function holdMusicWav(): Uint8Array {
  const wav = new wavefile.WaveFile();
  wav.fromScratch(1, HOLD_MUSIC_SAMPLE_RATE, "16", renderHoldMusic());
  return wav.toBuffer();
}

export const HOLD_MUSIC_PATH = fileURLToPath(new URL("./hold-music.wav", import.meta.url));

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(HOLD_MUSIC_PATH, holdMusicWav());
  console.log(`wrote ${HOLD_MUSIC_PATH}`);
}
