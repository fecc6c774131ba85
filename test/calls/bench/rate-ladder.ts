/**
 * A ladder of offered call rates, the same for the contact-centre path and the bare B2BUA: at each step the
 * achieved rate, the failed share, INVITE-in → outbound-INVITE-out p50/p99, and this process's CPU time per call
 * (process.cpuUsage over the step; the sipp peers run in their own processes and are not counted). The machine's
 * load average is printed beside every step: on a shared machine wall-clock rates are noisy, CPU per call less so.
 * Calls refused by overload control (503) are counted as failed and shown apart: a step whose failures are all
 * refusals has levelled off rather than collapsed, so the ladder goes on.
 *
 *   CALLS_BENCH_RATES   comma list of offered rates (default 250,500,750,1000,1250)
 *   CALLS_BENCH_STEP_S  seconds per step (default 6)
 */
import { loadavg } from "node:os";

export const LADDER_RATES = (process.env.CALLS_BENCH_RATES ?? "250,500,750,1000,1250").split(",").map(Number);
export const STEP_SECONDS = Number(process.env.CALLS_BENCH_STEP_S ?? 6);
/** A step passes with fewer than 0.1 % failed calls. */
const PASS_SHARE = 0.001;

export interface StepOutcome {
  calls: number;
  answered: number;
  seconds: number;
  latencies: number[];
  /** New INVITEs refused with 503 by overload control (none when the path has none). */
  refused?: number;
}

export interface StepFigures {
  rate: number;
  achieved: number;
  failedShare: number;
  refusedShare: number;
  p50: number;
  p99: number;
  cpuUsPerCall: number;
  load: number;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export function formatStep(name: string, s: StepFigures): string {
  return (
    `  ${name} offered ${String(s.rate).padStart(5)}/s: achieved ${String(s.achieved).padStart(5)}/s, ` +
    `failed ${(100 * s.failedShare).toFixed(3)} % (refused ${(100 * s.refusedShare).toFixed(1)} %), p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, ` +
    `CPU ${s.cpuUsPerCall.toFixed(0)} µs/call (load ${s.load.toFixed(2)})`
  );
}

/** Runs `step` at each rate until more than 0.1 % fail other than refused; returns the figures of each step run. */
export async function runLadder(
  name: string,
  step: (rate: number, calls: number) => Promise<StepOutcome>,
  rates: readonly number[] = LADDER_RATES,
  seconds = STEP_SECONDS,
): Promise<StepFigures[]> {
  const steps: StepFigures[] = [];
  for (const rate of rates) {
    const calls = rate * seconds;
    const cpu = process.cpuUsage();
    const outcome = await step(rate, calls);
    const used = process.cpuUsage(cpu);
    const failed = calls - outcome.answered;
    const figures: StepFigures = {
      rate,
      achieved: Math.round(outcome.answered / outcome.seconds),
      failedShare: failed / calls,
      refusedShare: (outcome.refused ?? 0) / calls,
      p50: percentile(outcome.latencies, 50),
      p99: percentile(outcome.latencies, 99),
      cpuUsPerCall: (used.user + used.system) / Math.max(1, outcome.answered),
      load: loadavg()[0] ?? NaN,
    };
    steps.push(figures);
    console.log(formatStep(name, figures));
    if (figures.failedShare - figures.refusedShare > PASS_SHARE) break;
  }
  return steps;
}

/** The highest rate achieved by a step that passed. */
export function bestRate(steps: readonly StepFigures[]): number {
  return steps.filter((s) => s.failedShare <= PASS_SHARE).reduce((best, s) => Math.max(best, Math.min(s.rate, s.achieved)), 0);
}
