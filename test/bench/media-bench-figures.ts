/**
 * The figures each media bench hands to `bench:media`'s side-by-side table (media-bench-side-by-side.ts): each
 * bench runs in a process of its own and, when MEDIA_BENCH_FIGURES names a file, writes its figures there as JSON.
 */
import { writeFileSync } from "node:fs";

export interface MixerFigures {
  /** The mixer's name in the table's header. */
  mixer: string;
  parties: number;
  /** Parties whose load the mixer kept (the bench's own verdict). */
  sustained: number;
  /** The mixer's CPU per party, % of one core, and what was measured (its process, its threads). */
  cpuPerPartyPercent: number;
  cpuSource: string;
  /** Frames the parties found late, lost or missing a voice, of the frames due. */
  partyBad: number;
  partyDue: number;
  /** Added latency from the probe room (media-latency-probe.ts), ms; NaN when no burst was heard. */
  latencyP50: number;
  latencyP99: number;
  /** The engine's own added-latency figure (arrival → mix sent), when the mixer reports one. */
  internalLatency?: { p50: number; p99: number };
}

/** Writes `figures` where the side-by-side runner asked (nothing when run on its own). */
export function reportFigures(figures: MixerFigures): void {
  const file = process.env["MEDIA_BENCH_FIGURES"];
  if (file) writeFileSync(file, JSON.stringify(figures));
}
