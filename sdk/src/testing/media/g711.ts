/**
 * G.711 (ITU-T G.711) µ-law and A-law for the media tests, through the `alawmulaw` library. RTP carries them
 * as the static payload types 0 (PCMU) and 8 (PCMA) at 8000 Hz (RFC 3551 §4.5.14, §6).
 */
import alawmulaw from "alawmulaw";

/** The two G.711 laws, by their RTP encoding names. */
export type G711Codec = "PCMU" | "PCMA";

/** RFC 3551 §6, Table 4: the static payload type of each G.711 law. */
export const G711_PAYLOAD_TYPE: Readonly<Record<G711Codec, number>> = { PCMU: 0, PCMA: 8 };

/** G.711 samples 8000 times a second; its RTP clock runs at the same rate. */
export const G711_SAMPLE_RATE = 8000;

/** The codec of a static payload type, or undefined when it is not G.711. */
export function codecOfPayloadType(payloadType: number): G711Codec | undefined {
  if (payloadType === 0) return "PCMU";
  if (payloadType === 8) return "PCMA";
  return undefined;
}

/** Linear 16-bit PCM to G.711 bytes, one byte per sample. */
export function encodeG711(codec: G711Codec, pcm: Int16Array): Uint8Array {
  return codec === "PCMU" ? alawmulaw.mulaw.encode(pcm) : alawmulaw.alaw.encode(pcm);
}

/** G.711 bytes to linear 16-bit PCM. */
export function decodeG711(codec: G711Codec, bytes: Uint8Array): Int16Array {
  return codec === "PCMU" ? alawmulaw.mulaw.decode(bytes) : alawmulaw.alaw.decode(bytes);
}
