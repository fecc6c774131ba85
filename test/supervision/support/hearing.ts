/** What a test phone heard, judged window by window, robust to a stall of the loaded test machine. */
import { describeSegments, fractionHearing, toneSegments, type ToneWindow } from "@tandem/sdk/testing/media";

/** A phone of the tests: what it heard from `sinceMs` on (performance.now() clock). */
export interface Listener {
  heard(frequencies: readonly number[], sinceMs?: number): ToneWindow[];
}

/**
 * Why `phone` did not hear exactly `tones` in [fromMs, toMs], or undefined when it did in ≥ 90 % of the windows
 * that hold sound, and those are ≥ 75 % of all. A stall of the machine shows as silence in every phone at once;
 * hearing a party that should not be heard never passes.
 */
export function misheard(phone: Listener, candidates: readonly number[], fromMs: number, toMs: number, tones: readonly number[]): string | undefined {
  const windows = phone.heard(candidates, fromMs - 200);
  const inside = windows.filter((w) => w.fromMs >= fromMs && w.toMs <= toMs);
  const sounding = inside.filter((w) => !w.silent);
  const share = fractionHearing(sounding, tones);
  const ok = share >= 0.9 && sounding.length >= 0.75 * inside.length;
  return ok ? undefined : `${share.toFixed(2)} of ${sounding.length}/${inside.length} sounding windows hold exactly ${tones.join("+")} Hz: ${describeSegments(toneSegments(windows))}`;
}
