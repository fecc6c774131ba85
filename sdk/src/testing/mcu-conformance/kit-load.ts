/**
 * Whether the test process itself stalled while it measured: its parties send from the same event loop, so a
 * stall of it (a loaded machine) leaves gaps in what they send that are no fault of the adapter. A check that
 * failed during such a stall is tried again; one that failed on a quiet loop fails at once.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";

/** Event-loop delay beyond which a failed measurement is put down to the machine, not the adapter. */
export const STALL_MS = 40;
/** Rounds of a measurement before its failure stands, however loaded the machine. */
export const MEASURE_ROUNDS = 3;

/** Runs `measure` and returns its result with the longest event-loop delay seen meanwhile, ms. */
export async function withStallWatch<T>(measure: () => Promise<T>): Promise<{ result: T; stallMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  try {
    const result = await measure();
    return { result, stallMs: histogram.max / 1e6 };
  } finally {
    histogram.disable();
  }
}

/**
 * Repeats `round` (which returns a failure message, or undefined when the check held) while it fails during
 * a stall of the event loop, up to {@link MEASURE_ROUNDS} rounds; returns the last failure, if any.
 */
export async function measureUnlessStalled(round: () => Promise<string | undefined>): Promise<string | undefined> {
  let failure: string | undefined;
  for (let i = 1; i <= MEASURE_ROUNDS; i++) {
    const { result, stallMs } = await withStallWatch(round);
    if (result === undefined) return undefined;
    failure = `${result}${stallMs > STALL_MS ? ` (the test process stalled ${Math.round(stallMs)} ms in round ${i} of ${MEASURE_ROUNDS})` : ""}`;
    if (stallMs <= STALL_MS) return failure;
  }
  return failure;
}
