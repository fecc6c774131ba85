/**
 * The MCU adapter conformance suite: runs any {@link McuAdapter} through fixed cases over real RTP on
 * 127.0.0.1. Every party is an RTP test party sending its own tone; what each one receives is decoded and the
 * tones in it say whom it hears. Cases cover the three party modes, offer/answer both ways, a fresh offer to a
 * party in the room answered from a new port, a mode change heard within 100 ms, playing to a room and to one
 * party (once and looped), mono and two-channel recordings (channels, duration, paused time as silence), ports
 * released on leave and close, refusals at the declared limits, and the reports of RFC 4733 telephone-events and
 * of a party whose media stopped. A case for something the adapter declares it cannot do (a capability, or an
 * ability flag of `mcuAbilities` that is false) checks the coded refusal instead, so every case runs for every
 * adapter.
 *
 * ```ts
 * import { mcuConformanceCases } from "@tandem/sdk/testing/media";
 * describe("my MCU adapter", () => {
 *   for (const c of mcuConformanceCases({ createAdapter: () => startMyAdapter(), disposeAdapter: (a) => stopMyAdapter(a) })) {
 *     it(c.name, c.run);
 *   }
 * });
 * ```
 */
import type { McuAdapter } from "../../mcu-adapter.js";
import { hearingCases } from "./cases-hearing.js";
import { mediaCases } from "./cases-media.js";
import { offerCases } from "./cases-offers.js";
import { reportCases } from "./cases-reports.js";
import { resourceCases } from "./cases-resources.js";
import type { McuConformanceOptions } from "./kit-room.js";

export type { McuConformanceOptions } from "./kit-room.js";

/** One case of the suite: `run` resolves when the adapter conforms and rejects with an AssertionError saying how it does not. */
export interface McuConformanceCase {
  readonly name: string;
  run(): Promise<void>;
}

/** The suite's cases, for any test runner. */
export function mcuConformanceCases(options: McuConformanceOptions): McuConformanceCase[] {
  return [...hearingCases(options), ...offerCases(options), ...mediaCases(options), ...resourceCases(options), ...reportCases(options)];
}

/** The outcome of one case in {@link runMcuConformance}. */
export interface McuConformanceResult {
  readonly name: string;
  readonly passed: boolean;
  readonly error?: Error;
}

/** Runs every case in turn (without a test runner) and reports each. */
export async function runMcuConformance(options: McuConformanceOptions): Promise<McuConformanceResult[]> {
  const results: McuConformanceResult[] = [];
  for (const c of mcuConformanceCases(options)) {
    try {
      await c.run();
      results.push({ name: c.name, passed: true });
    } catch (error) {
      results.push({ name: c.name, passed: false, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }
  return results;
}

/** The adapter type the suite runs, re-exported for callers that import only the testing entry. */
export type { McuAdapter };
