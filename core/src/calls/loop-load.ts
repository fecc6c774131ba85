/**
 * The share of new calls the process can take now, from how busy its event loop is. Counting calls (the other
 * admission limits) does not see a CPU overload: past the rate one core can serve, SIP messages wait in the
 * socket buffer, peers retransmit (RFC 3261 §17.1.1.2, §17.2.1: every 500 ms and more), each copy is more work,
 * and the answered rate collapses instead of levelling off. Refusing the excess of new INVITEs early with a
 * stateless 503 (§21.5.4) costs little and keeps the calls taken inside the capacity (RFC 6357 §4: a server
 * that rejects cheaply keeps its goodput at the maximum under overload).
 *
 * The loop's utilisation (the share of wall time it was not idle) is sampled when an INVITE asks, at most once
 * per interval, so an idle process pays nothing, and smoothed over a few intervals (a routed call's turns come in
 * bursts). Above `maxUtilization` for a sustained time the share of new calls taken falls multiplicatively, at
 * most once per few intervals since the calls taken before a cut still bring their answers and BYEs after it;
 * below, it climbs back a step per interval: the taken rate settles just under what the loop can serve. Calls
 * are taken evenly (a credit that accrues `share` per INVITE), not at random, so a given load gives a given answer.
 */
import { performance, type EventLoopUtilization } from "node:perf_hooks";

/** How often the utilisation is read (at most; only when INVITEs arrive). */
const INTERVAL_MS = 100;
/** Weight of the newest read in the smoothed utilisation (a few intervals' memory). */
const SMOOTHING = 0.5;
/** Intervals in a row above the limit before any call is refused: start-up and a single long turn are not overload. */
const SUSTAINED_INTERVALS = 2;
/** Intervals between two cuts: a cut shows in the load only once the calls taken before it are through. */
const CUT_SPACING = 2;
/** Utilisation from which the loop counts as saturated: it cannot tell 1× from 3× its capacity, so cut hard. */
const SATURATED = 0.98;
const SATURATED_CUT = 0.5;
/** Share regained per interval below the limit. */
const RECOVERY_STEP = 0.05;
/** Some new calls are always taken, so the share can find the capacity again. */
const MIN_SHARE = 0.05;

/** The loop's utilisation (0..1) since the previous call of the function. */
export type UtilizationMeter = () => number;

/** Node's own measure: `performance.eventLoopUtilization` between two reads. */
export function loopUtilizationMeter(): UtilizationMeter {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const since = performance.eventLoopUtilization(now, last);
    last = now;
    return since.utilization;
  };
}

export interface LoopLoadOptions {
  /** Utilisation (0..1) above which new calls are refused in part; 0: never. */
  maxUtilization: number;
  meter?: UtilizationMeter;
  /** Milliseconds now (monotonic). */
  now?: () => number;
}

export class LoopLoad {
  private readonly meter: UtilizationMeter | undefined;
  private readonly now: () => number;
  private sampledAt: number;
  private smoothed = 0;
  private overFor = 0;
  private sinceCut = CUT_SPACING;
  private share = 1;
  private credit = 0;
  /** The utilisation last read, in percent (what a refusal reports as its load). */
  lastPercent = 0;

  constructor(private readonly options: LoopLoadOptions) {
    this.meter = options.maxUtilization > 0 ? (options.meter ?? loopUtilizationMeter()) : undefined;
    this.now = options.now ?? (() => performance.now());
    this.sampledAt = this.now();
  }

  /** Whether one more new call may be taken now. */
  take(): boolean {
    if (!this.meter) return true;
    this.sample(this.meter);
    if (this.share >= 1) return true;
    this.credit += this.share;
    if (this.credit < 1) return false;
    this.credit -= 1;
    return true;
  }

  private sample(meter: UtilizationMeter): void {
    const now = this.now();
    const elapsed = now - this.sampledAt;
    if (elapsed < INTERVAL_MS) return;
    this.sampledAt = now;
    const intervals = Math.floor(elapsed / INTERVAL_MS);
    this.smoothed += (meter() - this.smoothed) * Math.min(1, (SMOOTHING * elapsed) / INTERVAL_MS);
    this.lastPercent = Math.round(100 * this.smoothed);
    this.sinceCut += intervals;
    const max = this.options.maxUtilization;
    if (this.smoothed <= max) {
      this.overFor = 0;
      // A quiet spell longer than one interval regains a step for each.
      this.share = Math.min(1, this.share + RECOVERY_STEP * intervals);
      if (this.share >= 1) this.credit = 0;
      return;
    }
    this.overFor++;
    if (this.share >= 1 && this.overFor < SUSTAINED_INTERVALS) return;
    if (this.sinceCut < CUT_SPACING) return;
    this.sinceCut = 0;
    this.share = Math.max(MIN_SHARE, this.share * (this.smoothed >= SATURATED ? SATURATED_CUT : max / this.smoothed));
  }
}
