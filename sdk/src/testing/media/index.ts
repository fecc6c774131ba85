/** Media test tooling in one import: G.711, tones, RTP packets and parties, tone detection, WAV files and their analysis. */
export * from "./g711.js";
export * from "./goertzel.js";
export * from "./received-audio.js";
export * from "./rtp-packet.js";
export * from "./rtp-party.js";
export * from "./rtp-stream-stats.js";
export * from "./telephone-event.js";
export * from "./tone-detector.js";
export * from "./tone-sender.js";
export * from "./tone.js";
export * from "./wav-analysis.js";
export * from "./wav-file.js";
export * from "../mcu-conformance/index.js";
