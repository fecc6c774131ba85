/** Fake-time helpers for tests on `node:test`'s mock timers (`t.mock.timers.enable(...)` first). */

/** The part of a `TestContext` these helpers use. */
export type TimeTravel = { mock: { timers: { tick(ms: number): void } } };

/**
 * Moves mock time forward in 100 ms steps: one long tick does not fire timers that are set while it runs (a
 * retransmission schedule, a transaction's next timer), small steps do.
 */
export function advance(t: TimeTravel, ms: number): void {
  for (let left = ms; left > 0; left -= Math.min(100, left)) t.mock.timers.tick(Math.min(100, left));
}
