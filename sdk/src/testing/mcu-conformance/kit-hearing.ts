/**
 * Who hears whom: every party sends its own tone, so the tones in what a party receives name the parties it
 * hears. A check listens for a while and compares each party's set of tones with the set expected.
 */
import { AssertionError } from "node:assert";
import { setTimeout as delay } from "node:timers/promises";
import { describeSegments, detectTones, fractionHearing, toneSegments, type ToneWindow } from "../media/tone-detector.js";
import { measureUnlessStalled } from "./kit-load.js";
import type { KitParty } from "./kit-party.js";

/** The tones of the suite: one per party, well apart, and one for what the adapter plays. */
export const KIT_TONES = { a: 600, b: 1000, c: 1400, d: 1800, played: 2200 } as const;
export const KIT_CANDIDATES: readonly number[] = Object.values(KIT_TONES);

/** Options of {@link expectHearing}. */
export interface HearingOptions {
  /** Time for media to start flowing (or a change to settle) before listening; default 400 ms. */
  settleMs?: number;
  /** How long to listen; default 800 ms. */
  listenMs?: number;
  /** Share of the 100 ms windows that must hear exactly the expected set; default 0.8. */
  minFraction?: number;
}

/** The windows of what `party` received between `fromMs` and `toMs` (its monotonic clock). */
export function heardWindows(party: KitParty, fromMs: number, toMs: number, windowMs = 100): ToneWindow[] {
  const audio = party.rtp.audio({ sinceMs: fromMs });
  return detectTones(audio.pcm, { frequencies: KIT_CANDIDATES, startMs: audio.startMs, windowMs }).filter((w) => w.toMs <= toMs);
}

/**
 * Listens and checks that each party hears exactly the tones `expected` names for it (empty: silence or no
 * media at all); one AssertionError lists every party that did not. A round that failed while the test
 * process stalled is listened to again.
 */
export async function expectHearing(parties: readonly KitParty[], expected: Readonly<Record<string, readonly number[]>>, options: HearingOptions = {}): Promise<void> {
  await delay(options.settleMs ?? 400);
  const failure = await measureUnlessStalled(() => hearingRound(parties, expected, options));
  if (failure) throw new AssertionError({ message: failure });
}

/** One listening round: undefined when every party heard what it should, else what went wrong. */
async function hearingRound(parties: readonly KitParty[], expected: Readonly<Record<string, readonly number[]>>, options: HearingOptions): Promise<string | undefined> {
  const first = parties[0];
  if (!first) return undefined;
  const fromMs = first.rtp.now();
  await delay(options.listenMs ?? 800);
  const toMs = first.rtp.now();
  const wrong: string[] = [];
  for (const party of parties) {
    const want = expected[party.id];
    if (!want) continue;
    const windows = heardWindows(party, fromMs, toMs);
    if (want.length === 0 && windows.length === 0) continue;
    const fraction = fractionHearing(windows, want);
    if (fraction < (options.minFraction ?? 0.8)) {
      const heard = windows.length === 0 ? "no media" : describeSegments(toneSegments(windows));
      wrong.push(`${party.id} should hear ${want.length === 0 ? "nothing" : `${[...want].sort((x, y) => x - y).join("+")} Hz`}; heard: ${heard}`);
    }
  }
  return wrong.length === 0 ? undefined : `who hears whom is wrong:\n  ${wrong.join("\n  ")}`;
}
