/** Milliseconds on a clock that never jumps: wall-clock changes must not stall or rush RFC timers or idle closing. */
import { performance } from "node:perf_hooks";

export function monotonicNow(): number {
  return performance.now();
}
