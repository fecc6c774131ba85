/**
 * G.711 (ITU-T G.711) µ-law and A-law, RTP payload types 0 (PCMU) and 8 (PCMA) at 8000 Hz (RFC 3551 §4.5.14).
 * The code points come from the `alawmulaw` library; they are laid into lookup tables once, because the mixer
 * encodes and decodes every sample of every party fifty times a second and a table look-up is the cheapest way.
 */
import alawmulaw from "alawmulaw";

/** The G.711 laws the engine mixes. */
export type G711Codec = "PCMU" | "PCMA";

/** RFC 3551 §6, Table 4. */
export const G711_PAYLOAD_TYPE: Readonly<Record<G711Codec, number>> = { PCMU: 0, PCMA: 8 };

interface Law {
  decodeSample(sample: number): number;
  encodeSample(sample: number): number;
}

function decodeTable(law: Law): Int16Array {
  const table = new Int16Array(256);
  for (let code = 0; code < 256; code++) table[code] = law.decodeSample(code);
  return table;
}

function encodeTable(law: Law): Uint8Array {
  const table = new Uint8Array(65536);
  // Indexed by the sample's 16-bit two's complement; the library may answer a signed byte.
  for (let i = 0; i < 65536; i++) table[i] = law.encodeSample(i < 32768 ? i : i - 65536) & 0xff;
  return table;
}

const DECODE: Readonly<Record<G711Codec, Int16Array>> = { PCMU: decodeTable(alawmulaw.mulaw), PCMA: decodeTable(alawmulaw.alaw) };
const ENCODE: Readonly<Record<G711Codec, Uint8Array>> = { PCMU: encodeTable(alawmulaw.mulaw), PCMA: encodeTable(alawmulaw.alaw) };

/** G.711 bytes into linear 16-bit samples, written to `out` from index 0. */
export function decodeG711(codec: G711Codec, bytes: Uint8Array, out: Int16Array): void {
  const table = DECODE[codec];
  for (let i = 0; i < bytes.length; i++) out[i] = table[bytes[i] as number] as number;
}

/** Mixed samples (any integer, clamped to 16 bits here) into G.711 bytes. */
export function encodeG711(codec: G711Codec, samples: Int32Array, out: Uint8Array): void {
  const table = ENCODE[codec];
  for (let i = 0; i < samples.length; i++) {
    let s = samples[i] as number;
    if (s > 32767) s = 32767;
    else if (s < -32768) s = -32768;
    out[i] = table[s & 0xffff] as number;
  }
}

/** The byte each law uses for silence (linear 0). */
export const G711_SILENCE: Readonly<Record<G711Codec, number>> = { PCMU: 0xff, PCMA: 0xd5 };
